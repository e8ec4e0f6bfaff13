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
    assert "Trần Thị Biên" in history and "duyệt" in history and "bản hiện tại" in history

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
    started = item.locator("form.confirm-aired input[name=started_time]")
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


PHONE = {"width": 390, "height": 844}
OVERFLOW = """() => {
    const width = window.innerWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 1 && e.getClientRects().length)
        .filter(e => !e.closest('details:not([open])'))
        .slice(0, 5)
        .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`);
    return {page: document.documentElement.scrollWidth, width, wide};
}"""


def fits(page, shots, name: str, *, whole: bool = False) -> dict:
    """The page at 390 px: no horizontal scroll; a screenshot to look at."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=whole)
    measured = page.evaluate(OVERFLOW)
    assert measured["page"] <= measured["width"], (name, measured)
    return measured


def test_phone_pages_fit_and_a_refusal_shows_on_the_first_screen(
    server, chromium, approved_day, tmp_path, console_errors
):
    shots = tmp_path / "shots"
    shots.mkdir()
    airplan.plan_range(approved_day, NOW.date(), 7, by="canbo")
    operator = log_in(chromium, server, "xa-co-am", console_errors)
    day = f"{server}/station/co-am/day/{NOW.date().isoformat()}"
    operator.goto(day)
    fits(operator, shots, "operator-day")

    # A time in the future is refused: the answer is a redirect to the item (a reload
    # sends nothing again), and the message is on the first screen, at the item.
    item = operator.locator("li.item").nth(2)
    item.locator("input[name=started_time]").fill("23:59")
    item.locator("form.confirm-aired button[type=submit]").click()
    operator.wait_for_load_state()
    assert "/confirm" not in operator.url and operator.url.endswith("#muc-3")
    error = operator.locator("#muc-3 .item-error")
    box = error.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    assert "tương lai" in error.inner_text()
    assert operator.locator("#muc-3 input[name=started_time]").input_value() == "23:59"
    assert "tương lai" in operator.locator("#loi-3").inner_text()  # and at the top
    fits(operator, shots, "operator-refused")
    operator.reload()
    assert operator.locator(".item-error").count() == 0  # shown once, nothing sent again

    with operator.expect_popup() as popup:
        operator.click("a[href$='lich-phat.html']")
    printable = popup.value
    printable.wait_for_load_state()
    printable.set_viewport_size(PHONE)
    fits(printable, shots, "printable")
    assert "cột “Đã phát”" in printable.inner_text("p.how")  # where the box is
    times = printable.locator("td.time").all()
    titles = printable.locator("td.title").all()
    for time, title in zip(times[:5], titles[:5], strict=True):
        a, b = time.bounding_box(), title.bounding_box()
        overlap = a["x"] + a["width"] > b["x"] and a["y"] + a["height"] > b["y"]
        assert not overlap or b["y"] >= a["y"] + a["height"], (a, b)

    staff = log_in(chromium, server, "canbo", console_errors)
    for name, path in [
        ("content", "/content/"),
        ("bulletin", "/content/mo-dau"),
        ("audit", "/audit/"),
        ("schedule", "/schedule/"),
        ("plan-day", "/schedule/plan"),
        ("plan-week", "/schedule/plan?view=week"),
    ]:
        staff.goto(f"{server}{path}")
        fits(staff, shots, f"staff-{name}", whole=name != "content")
        if name == "plan-day":  # every station: one line each, not every slot of every station
            assert staff.evaluate("document.documentElement.scrollHeight") < 8000
        if name == "plan-week":  # each station a card of named days
            days = staff.eval_on_selector_all(
                "table.week-stations tbody tr:first-child td",
                "cells => cells.map(c => getComputedStyle(c, '::before').content)",
            )
            assert days[0] == '"T2 30/11"' and days[-1] == '"CN 06/12"', days
    staff.set_viewport_size({"width": 1280, "height": 800})
    staff.goto(f"{server}/schedule/plan?view=week")
    staff.screenshot(path=str(shots / "staff-plan-week-desktop.png"))
    inside = staff.evaluate(
        """() => { const t = document.querySelector('table.week-stations');
                   const box = t.parentElement;
                   return t.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1
                          && t.scrollWidth <= box.clientWidth + 1; }"""
    )
    assert inside  # Saturday and Sunday are not hidden on a desktop
    print(f"screenshots in {shots}")
    assert console_errors == []
