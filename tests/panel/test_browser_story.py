"""The whole story in a real headless Chromium, against the panel served by waitress.

Staff edit a bulletin, render it, listen (the audio element loads and has a
duration) and approve it; the commune operator downloads the day's zip and
confirms an airing; the leader sees that airing in the coverage matrix and
downloads the CSV.
"""

from __future__ import annotations

import csv
import io
import shutil
import threading
import zipfile

import pytest
import waitress

from broadcaster import approval
from broadcaster.airplan import service as airplan
from broadcaster.approval import Verdict

from .conftest import NOW, PASSWORD

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="needs Debian's chromium (apt-get install chromium)"
)
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI
    "--disable-gpu",
    "--disable-background-networking",  # this machine has no internet
    "--disable-component-update",
    "--disable-sync",
]
EDITED = "ket-thuc"


@pytest.fixture
def server(app):
    served = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.effective_port}"
    served.close()
    thread.join(timeout=5)


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def approved_day(panel_runtime):
    """Every pre-rendered bulletin but the one staff will edit is approved; today is planned."""
    for bulletin_id, record in panel_runtime.renders().items():
        if bulletin_id != EDITED:
            approval.decide(
                panel_runtime.engine, record, verdict=Verdict.APPROVED, by="canbo2", now=NOW
            )
    return panel_runtime


@pytest.fixture
def console_errors() -> list[str]:
    """Every error a page logs (a blocked script or style is one: the policy refused it)."""
    return []


def log_in(chromium, base: str, username: str, errors: list[str]):
    """A fresh browser context (its own cookies) on a phone-sized screen, logged in."""
    context = chromium.new_context(accept_downloads=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and errors.append(f"{page.url}: {message.text} ({message.location.get('url')})")
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def test_staff_operator_and_leader_story(server, chromium, approved_day, tmp_path, console_errors):
    # Staff: edit, render, listen, approve.
    staff = log_in(chromium, server, "canbo", console_errors)
    staff.goto(f"{server}/content/{EDITED}")
    body = staff.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n\nMọi thắc mắc xin gọi 113.")
    staff.wait_for_function("document.getElementById('spoken').textContent.includes('một một ba')")
    staff.click("button[name=action][value=save]")
    staff.wait_for_load_state()
    staff.click("#am-thanh button[type=submit]")  # render in the background
    staff.wait_for_selector("#am-thanh audio", timeout=120_000)
    duration = staff.eval_on_selector(
        "#am-thanh audio",
        """audio => new Promise(done => {
            if (audio.readyState >= 1) return done(audio.duration);
            audio.addEventListener('loadedmetadata', () => done(audio.duration));
            audio.load();
        })""",
    )
    assert duration > 5
    staff.click("#kiem-duyet button[value=approve]")
    staff.wait_for_load_state()
    history = staff.inner_text("#lich-su-duyet")
    assert "canbo" in history and "duyệt" in history and "(bản hiện tại)" in history

    # The day is planned with the approved audio (staff would regenerate it).
    runtime = approved_day
    airplan.plan_range(runtime, NOW.date(), 1, by="canbo")
    airplan.publish_playlists(runtime, NOW.date())

    # Operator: download the zip, confirm an airing of form 2.
    operator = log_in(chromium, server, "xa-co-am", console_errors)
    assert "/station/co-am/" in operator.url
    with operator.expect_download() as download_info:
        operator.click("a[href$='playlist.zip']")
    archive = tmp_path / "co-am.zip"
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    assert any(name.endswith("f02-cuoc-goi-video-deepfake.mp3") for name in names)
    assert any(name.endswith("playlist.m3u8") for name in names)
    item = operator.locator("li.item", has_text="Cuộc gọi video Deepfake").first
    started = item.locator("form.confirm-aired input[name=started_at]")
    assert started.get_attribute("data-now") is not None  # kept at the present time ...
    started.dispatch_event("input")
    assert started.get_attribute("data-now") is None  # ... until touched (station.js runs)
    item.locator("form.confirm-aired button[type=submit]").click()
    operator.wait_for_load_state()
    item = operator.locator("li.item", has_text="Cuộc gọi video Deepfake").first
    assert "Đã phát" in item.inner_text()

    # Leader: the airing is in the matrix, and in the CSV.
    leader = log_in(chromium, server, "lanhdao", console_errors)
    leader.goto(f"{server}/reports/")
    row = leader.locator("tr", has_text="Xã Cổ Am").first
    assert "30/11" in row.inner_text()
    with leader.expect_download() as download_info:
        leader.click("a[href*='airings.csv']")
    path = tmp_path / "airings.csv"
    download_info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert any("Xã Cổ Am" in row and "xa-co-am" in row for row in rows[1:]), rows[:3]
    leader.goto(f"{server}/reports/station/co-am")
    assert leader.locator("button[data-print]").is_visible()

    # The security policy blocked nothing the panel needs.
    assert console_errors == []
