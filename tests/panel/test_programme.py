"""Staff edit stations, slots and campaigns in the panel: checked like the files, previewed,
written into the files, audited, and only the future re-planned.

Monday 30/11/2026, 08:00 (the panel tests' clock): Cổ Am's morning slot (6:30, the
communes' shared slots) has aired, its evening one (17:30) has not. Today and
tomorrow are planned before each edit.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from broadcaster import approval, audit
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.planning.campaigns import load_schedule
from broadcaster.runtime import FixedClock, build_runtime

from .conftest import NOW, PASSWORD
from .test_browser_story import CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
VN = dt.timezone(dt.timedelta(hours=7))
TOMORROW = NOW.date() + dt.timedelta(days=1)
CAMPAIGNS = ("24-hinh-thuc-2023", "thuong-xuyen", "cao-diem-tet-2027")
CO_AM = "/programme/station/co-am"


@pytest.fixture
def schedule_dir(tmp_path) -> Path:
    """A private copy of the shipped schedule: the panel writes into it."""
    copy = tmp_path / "schedules"
    shutil.copytree(REPO / "schedules", copy)
    return copy


@pytest.fixture
def panel_runtime(repo, rendered, library_copy, schedule_dir):
    return build_runtime(
        environ={
            "BROADCASTER_DATA_DIR": str(rendered),
            "BROADCASTER_LIBRARY_DIR": str(library_copy),
            "BROADCASTER_SPEECH__ENGINES": "espeak",
        },
        overrides={
            "schedule.stations": str(schedule_dir / "vinh-bao.yaml"),
            "schedule.campaigns": [
                str(schedule_dir / "campaigns" / f"{c}.yaml") for c in CAMPAIGNS
            ],
        },
        clock=FixedClock(NOW),
    )


@pytest.fixture
def planned(panel_runtime):
    """Every rendered bulletin approved (not the opening and closing words, shorter than any
    slot could be); today and tomorrow planned."""
    renders = panel_runtime.renders()
    for record in (renders[key] for key in renders if key not in ("mo-dau", "ket-thuc")):
        approval.decide(
            panel_runtime.engine, record, verdict=approval.Verdict.APPROVED, by="canbo2", now=NOW
        )
    airplan.plan_range(panel_runtime, NOW.date(), 2, by="canbo2")
    return panel_runtime


def co_am_form(evening: str = "17:30", minutes: str = "15", action: str = "save") -> dict:
    return {
        "name": "Xã Cổ Am",
        "days-0": "t2-t6",
        "start-0": "06:30",
        "minutes-0": "15",
        "days-1": "t2-t6",
        "start-1": evening,
        "minutes-1": minutes,
        "action": action,
    }


def starts(runtime, day: dt.date) -> list[dt.datetime]:
    return sorted({i.slot_start for i in load_plan(runtime.engine, day, VN, "co-am")})


def schedule_files(schedule_dir: Path):
    return schedule_dir / "vinh-bao.yaml", [
        schedule_dir / "campaigns" / f"{c}.yaml" for c in CAMPAIGNS
    ]


def test_a_saved_slot_is_written_audited_and_re_plans_only_the_future(
    as_role, planned, schedule_dir
):
    before_today = load_plan(planned.engine, NOW.date(), VN, "co-am")
    morning = [i for i in before_today if i.slot_start <= NOW]
    assert morning and starts(planned, TOMORROW)[-1].time() == dt.time(17, 30)
    stations_file = schedule_dir / "vinh-bao.yaml"
    shipped = stations_file.read_text(encoding="utf-8")

    staff = as_role("canbo")
    assert staff.post(CO_AM, co_am_form("18:00")).status_code == 302

    text = stations_file.read_text(encoding="utf-8")
    assert (
        '- id: co-am\n    name: Xã Cổ Am\n    slots:\n      - {days: mon-fri, start: "6:30"' in text
    )
    assert '{days: mon-fri, start: "18:00", minutes: 15}' in text
    # Only Cổ Am's lines changed: every comment and every other station is as shipped.
    assert text.replace(text[text.index("- id: co-am") : text.index("  - {id: vinh-tien")], "") == (
        shipped.replace("- {id: co-am, name: Xã Cổ Am}\n", "")
    )
    network, _ = load_schedule(*schedule_files(schedule_dir))
    assert [s.start for s in network.get("co-am").slots] == [dt.time(6, 30), dt.time(18, 0)]
    assert [s.start for s in network.get("vinh-tien").slots] == [dt.time(6, 30), dt.time(17, 30)]

    after_today = load_plan(planned.engine, NOW.date(), VN, "co-am")
    assert [i for i in after_today if i.slot_start <= NOW] == morning  # aired: untouched
    assert starts(planned, NOW.date())[-1] == dt.datetime(2026, 11, 30, 18, 0, tzinfo=VN)
    assert starts(planned, TOMORROW)[-1] == dt.datetime(2026, 12, 1, 18, 0, tzinfo=VN)

    published = [
        path.read_text(encoding="utf-8", errors="ignore")
        for path in (airplan.playlists_dir(planned) / TOMORROW.isoformat()).rglob("*")
        if path.is_file() and "co-am" in str(path) and path.suffix in (".m3u8", ".txt", ".html")
    ]
    assert published and any("18:00" in text for text in published)  # the stations' files too

    entries = [e for e in audit.recent(planned.engine) if e.action == "schedule_station"]
    assert [(e.actor, e.target) for e in entries] == [("canbo", "co-am")]
    assert "18:00–18:15" in entries[0].detail
    trail = staff.get("/audit/").get_data(as_text=True)
    assert "sửa đài và khung giờ phát" in trail


@pytest.mark.parametrize(
    ("form", "said"),
    [
        (co_am_form("6:40"), "trùng với một khung giờ khác"),  # 06:30-06:45 is taken
        (co_am_form("17:30", minutes="1"), "ngắn hơn bản tin ngắn nhất"),
        (co_am_form("25:10"), "Giờ bắt đầu không hợp lệ"),
    ],
    ids=["overlap", "too-short", "bad-time"],
)
def test_a_bad_slot_is_named_on_its_field_and_nothing_is_written(
    as_role, planned, schedule_dir, form, said
):
    stations_file = schedule_dir / "vinh-bao.yaml"
    shipped = stations_file.read_bytes()
    assert min(r.duration_s for r in planned.renders().values() if r.bulletin_id[0] == "f") > 60
    plan_before = load_plan(planned.engine, TOMORROW, VN)
    staff = as_role("canbo")

    response = staff.post(CO_AM, form)
    assert response.status_code == 302 and response.location.endswith(CO_AM)
    page = staff.get(CO_AM).get_data(as_text=True)
    top = page[page.index('id="loi"') : page.index('<form method="post" action="/programme')]
    row = page[page.index('id="khung-1"') : page.index('id="khung-2"')]
    assert said in top and said in row  # at the top and on the slot's row
    assert f'value="{form["start-1"]}"' in row and f'value="{form["minutes-1"]}"' in row
    assert stations_file.read_bytes() == shipped
    assert load_plan(planned.engine, TOMORROW, VN) == plan_before
    assert not [e for e in audit.recent(planned.engine) if e.action.startswith("schedule_")]
    assert said not in staff.get(CO_AM).get_data(as_text=True)  # shown once (PRG)


def test_a_campaign_edit_is_checked_then_saved(as_role, planned, schedule_dir):
    path = schedule_dir / "campaigns" / "cao-diem-tet-2027.yaml"
    shipped = path.read_text(encoding="utf-8")
    staff = as_role("canbo")
    page = "/programme/campaign/cao-diem-tet-2027"
    form = {
        "from": "01/12/2026",
        "until": "28/02/2027",
        "scope": "all",
        "times": "3",
        "days": "7",
        "peak_from": "18/01/2027",
        "peak_until": "14/03/2027",  # after the campaign
        "peak_minutes": "10",
        "action": "save",
    }
    staff.post(page, form)
    shown = staff.get(page).get_data(as_text=True)
    assert "Đợt cao điểm phải nằm trong thời gian của chiến dịch." in shown
    assert 'value="14/03/2027"' in shown and path.read_text(encoding="utf-8") == shipped

    form["peak_until"] = "14/02/2027"
    assert staff.post(page, form).status_code == 302
    text = path.read_text(encoding="utf-8")
    assert "bulletins: all-forms\n# Each of these forms" in text
    assert "coverage: {times: 3, days: 7}" in text
    assert "# A current campaign: the weeks before Tết" in text  # comments stay
    _, campaigns = load_schedule(*schedule_files(schedule_dir))
    tet = next(c for c in campaigns if c.id == "cao-diem-tet-2027")
    assert (tet.coverage.times, tet.bulletin_ids) == (3, None)
    assert [e.target for e in audit.recent(planned.engine) if e.action == "schedule_campaign"] == [
        "cao-diem-tet-2027"
    ]


@pytest.mark.parametrize("username", ["xa-co-am", "lanhdao"])
def test_operators_and_leadership_may_not_edit_the_programme(as_role, schedule_dir, username):
    other = as_role(username)
    shipped = (schedule_dir / "vinh-bao.yaml").read_bytes()
    for url in ("/programme/", CO_AM, "/programme/campaign/thuong-xuyen"):
        assert other.get(url).status_code == 403
    assert other.post(CO_AM, co_am_form("18:00")).status_code == 403
    assert (schedule_dir / "vinh-bao.yaml").read_bytes() == shipped
    assert "/programme/" not in other.get("/").get_data(as_text=True)


def test_admin_may_edit_the_programme(as_role):
    assert as_role("quantri").get(CO_AM).status_code == 200


# -- in a real browser ------------------------------------------------------------------------


@pytest.fixture
def server(app):
    import threading

    import waitress

    served = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.effective_port}"
    served.close()
    thread.join(timeout=5)


@pytest.fixture
def chromium():
    if shutil.which("chromium") is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 800)], ids=["phone", "desktop"])
def test_staff_edit_preview_and_save_a_slot_in_a_browser(
    server, chromium, planned, schedule_dir, viewport
):
    width, height = viewport
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{server}/login?next=/programme/")
    page.fill("input[name=username]", "canbo")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.click("header nav >> text=Đài và chiến dịch")
    page.click("#dai-co-am >> text=Sửa")
    stations_file = schedule_dir / "vinh-bao.yaml"
    shipped = stations_file.read_bytes()

    # An overlap: refused on the slot's row, what was typed kept, nothing written.
    page.fill("input[name=start-1]", "6:40")
    page.click("text=Lưu")
    row = page.locator("#khung-1")
    assert "trùng với một khung giờ khác" in row.inner_text()
    assert page.input_value("input[name=start-1]") == "6:40"
    assert stations_file.read_bytes() == shipped

    # The preview: the forecast of the edit beside the current one, still nothing written.
    page.fill("input[name=start-1]", "18:00")
    page.click("text=Xem trước")
    forecast = page.locator("#ket-qua")
    assert "Xem trước: dự báo độ phủ" in forecast.inner_text()
    assert re.search(r"\d+/14 đài", forecast.inner_text())
    assert page.input_value("input[name=start-1]") == "18:00"
    assert stations_file.read_bytes() == shipped
    box = page.locator("button[value=save]").bounding_box()
    assert box["x"] + box["width"] <= width  # the buttons fit the screen

    page.click("text=Lưu")
    assert "Đã lưu Xã Cổ Am" in page.locator(".flash.ok").inner_text()
    assert "18:00–18:15" in page.locator("#dai-co-am").inner_text()
    assert b'start: "18:00"' in stations_file.read_bytes()
    assert errors == []
    context.close()


def test_the_preview_forecasts_the_edit_beside_the_current_schedule(as_role, planned, schedule_dir):
    path = schedule_dir / "campaigns" / "cao-diem-tet-2027.yaml"
    shipped = path.read_bytes()
    staff = as_role("canbo")
    page = "/programme/campaign/cao-diem-tet-2027"
    form = {
        "from": "01/12/2026",
        "until": "28/02/2027",
        "scope": "all",
        "times": "20",  # each form twenty times a week: more than the slots can hold
        "days": "7",
        "peak_from": "18/01/2027",
        "peak_until": "14/02/2027",
        "peak_minutes": "10",
        "action": "preview",
    }
    response = staff.post(page, form)
    assert response.status_code == 302 and response.location.endswith("#ket-qua")
    shown = staff.get(page).get_data(as_text=True)
    preview = shown[shown.index('id="ket-qua"') :]
    tet = preview[preview.index("Tết Nguyên đán") :]
    now_cell, after_cell = re.findall(
        r"<td data-label=\"(?:Hiện tại|Sau khi sửa)\">(.*?)</td>", tet
    )[:2]
    assert now_cell.startswith("14/14 đài") and "đạt" in now_cell
    assert after_cell.startswith("0/14 đài") and "trường hợp thiếu" in after_cell
    assert 'value="20"' in shown and path.read_bytes() == shipped  # typed kept, nothing written
