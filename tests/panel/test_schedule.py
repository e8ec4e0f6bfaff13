"""The schedule area: stations and campaigns, day and week plans, re-planning, the coverage
forecast and emergency alerts, with real renders, a real SQLite database and real playlists.

NOW is Monday 30/11/2026 08:00: the standing campaign (thuong-xuyen) plans the day, the
Tết campaign starts tomorrow. Xã Cổ Am airs Monday to Friday at 6:30 and 17:30, Xã Tam
Cường every day at 6:15 and 17:15 (schedules/vinh-bao.yaml).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from broadcaster import approval, audit
from broadcaster.airplan import alerts as alert_plan
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import StoredItem, load_plan
from broadcaster.alerts import Alert, alerts, pending_alerts
from broadcaster.planning.campaigns import load_schedule
from web.schedule import forecast as schedule_forecast

from .test_redirects import follow_refusal

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))  # as conftest
TODAY = NOW.date()
F02 = "f02-cuoc-goi-video-deepfake"
F07 = "f07-gia-danh-cong-ty-tai-chinh-ngan-hang"
F14 = "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"
F14_TITLE = "Giả danh công an, viện kiểm sát, tòa án"
ROUTES = [
    ("get", "/schedule/"),
    ("get", "/schedule/plan"),
    ("get", "/schedule/plan?view=week"),
    ("get", "/schedule/forecast"),
    ("get", "/schedule/alert"),
    ("get", "/schedule/alert/confirm"),
    ("post", "/schedule/plan"),
    ("post", "/schedule/alert"),
]


@pytest.fixture
def staff(as_role):
    return as_role("canbo")


def approve(rt, *ids: str, verdict=approval.Verdict.APPROVED) -> None:
    renders = rt.renders()
    for bulletin_id in ids or tuple(renders):
        approval.decide(rt.engine, renders[bulletin_id], verdict=verdict, by="canbo2", now=NOW)


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def section(html: str, element_id: str) -> str:
    """The element with this id, up to its closing tag (sections and rows do not nest)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}".*?</\1>', html, re.S)
    assert found, f"nothing with id {element_id}"
    return found.group(0)


def slot_card(html: str, station_id: str, start: str) -> str:
    station = section(html, f"sd-{station_id}")
    found = re.search(rf'data-slot="{start}".*?</table>', station, re.S)
    assert found, f"no slot {start} at {station_id}"
    return found.group(0)


def banners(html: str) -> list[str]:
    return re.findall(r'class="banner-emergency"[^>]*>(.*?)</div>', html, re.S)


def audited(rt, action: str) -> list[audit.Entry]:
    return [e for e in audit.recent(rt.engine) if e.action == action]


def alert_rows(rt) -> int:
    with rt.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(alerts)).scalar()


def use_schedule(rt, folder: Path, *, stations: str = "", campaign: str = "") -> None:
    """Point the running panel at other schedule files (it reads them on every request)."""
    schedule = rt.settings.schedule
    if stations:
        path = folder / "stations.yaml"
        path.write_text(stations, encoding="utf-8")
        schedule = dataclasses.replace(schedule, stations=path)
    if campaign:
        path = folder / "campaign.yaml"
        path.write_text(campaign, encoding="utf-8")
        schedule = dataclasses.replace(schedule, campaigns=(path,))
    rt.settings = dataclasses.replace(rt.settings, schedule=schedule)


# ---------------------------------------------------------------- who may do what


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("lanhdao", set()),
        ("xa-co-am", set()),
        ("quantri", {route for route in ROUTES if route[0] == "get" and "alert" not in route[1]}),
    ],
)
def test_only_staff_plan_and_alert_admin_only_views(as_role, panel_runtime, username, allowed):
    browser = as_role(username)
    for method, url in ROUTES:
        response = getattr(browser, method)(url)
        expected = 200 if (method, url) in allowed else 403
        assert response.status_code == expected, (username, method, url)
    assert load_plan(panel_runtime.engine, TODAY, panel_runtime.settings.zone) == []
    assert alert_rows(panel_runtime) == 0


def test_every_schedule_view_names_its_permission(app):
    views = {k: v for k, v in app.view_functions.items() if k.startswith("schedule.")}
    actions = {name: view.required_action for name, view in views.items()}
    assert actions == {
        "schedule.index": "schedule.view",
        "schedule.plan": "schedule.view",
        "schedule.forecast": "schedule.view",
        "schedule.regenerate": "schedule.plan",
        "schedule.plan_job": "schedule.view",
        "schedule.alert": "alert.raise",
        "schedule.raise_alert": "alert.raise",
        "schedule.confirm_alert": "alert.raise",
        "schedule.withdraw_alert_page": "alert.withdraw",
        "schedule.withdraw_alert": "alert.withdraw",
        "schedule.emergency_page": "alert.emergency",
        "schedule.create_emergency": "alert.raise",
        "schedule.emergency_draft": "alert.emergency",
        "schedule.emergency_audio": "alert.emergency",
        "schedule.render_emergency": "alert.raise",
        "schedule.approve_emergency": "content.approve",
        "schedule.override_emergency": "alert.override",
    }


def test_anonymous_visitors_are_sent_to_log_in(browser):
    response = browser.get("/schedule/plan")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---------------------------------------------------------------- stations, campaigns


def test_staff_see_stations_slots_campaigns_and_what_is_approved(staff, panel_runtime):
    approve(panel_runtime, "mo-dau", "ket-thuc", F07, F14)
    html = page(staff.get("/schedule/"))

    producer = section(html, "producer")
    assert "Đài phát thanh huyện Vĩnh Bảo" in producer and "cấp huyện" in producer
    co_am = section(html, "st-co-am")
    assert "Xã Cổ Am" in co_am and "Thứ 2–Thứ 6" in co_am
    assert 'title="co-am">Xã Cổ Am<' in co_am and ">co-am<" not in co_am  # the id: a tooltip
    assert "06:30–06:45" in co_am and "17:30–17:45" in co_am and "(15 phút)" in co_am
    tam_cuong = section(html, "st-tam-cuong")
    assert "Hằng ngày" in tam_cuong and "06:15–06:30" in tam_cuong

    running = section(html, "c-thuong-xuyen")
    assert "Đang áp dụng hôm nay" in running
    assert "mỗi hình thức ít nhất 1 lần / 28 ngày" in running
    assert "Sắp bắt đầu" in section(html, "c-cao-diem-tet-2027")
    done = section(html, "c-24-hinh-thuc-2023")
    assert "Đã kết thúc" in done and "mỗi hình thức ít nhất 1 lần / 14 ngày" in done
    assert "Cao điểm 01/08/2023 – 31/08/2023: mỗi buổi phát thêm 15 phút" in done
    assert "Hằng ngày" in done  # the peak's extra daily slot at 11:00

    renders = panel_runtime.renders()
    total = int(renders[F07].duration_s + renders[F14].duration_s)  # cut, as the player
    summary = section(html, "approved-summary").split("</p>")[0]
    assert "<strong>2</strong> bản tin đã duyệt" in summary
    assert f"<strong>{total // 60}:{total % 60:02d}</strong>" in summary


def test_a_broken_schedule_is_explained_not_a_crash(staff, panel_runtime, tmp_path):
    use_schedule(
        panel_runtime,
        tmp_path,
        stations="producer: {id: dai, name: Đài huyện, level: district,"
        " slots: [{days: daily, start: 6:30, minutes: 15}]}\n"
        "communes: [{id: co-am, name: Xã Cổ Am}]\n",
    )
    approve(panel_runtime)

    html = page(staff.get("/schedule/"))
    assert "Tệp lịch phát sóng (đài, khung giờ, chiến dịch) đang có lỗi" in html
    assert "write the start time in quotes" in html  # the loader's own words, with the line

    form = {"date": TODAY.isoformat(), "days": "1"}
    html = page(staff.post("/schedule/plan", form, follow_redirects=True))
    assert "đang có lỗi" in html and "stations.yaml:1" in html
    assert audited(panel_runtime, "plan") == []


# ---------------------------------------------------------------- plans


def test_regenerating_stores_publishes_and_shows_the_day(staff, panel_runtime):
    approve(panel_runtime)
    form = {"date": TODAY.isoformat(), "days": "1"}
    response = staff.post("/schedule/plan?station=co-am", form)
    assert response.status_code == 302

    html = page(staff.get(response.headers["Location"]))
    assert "Kế hoạch đã lưu khác" not in html  # what is shown is what planning gives
    flash = re.search(r'class="flash ok"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert re.search(r"Đã lập kế hoạch 1 ngày \(30/11/2026\): \d+ mục phát trong 28 buổi", flash)
    morning = slot_card(html, "co-am", "06:30")
    assert "Buổi phát 06:30–06:45 (15 phút)" in morning
    assert "06:30:00" in morning and "Lời mở đầu chuyên mục" in morning
    assert F14_TITLE in morning and "Ưu tiên" in morning and "Thông thường" in morning
    assert "Luân phiên: hình thức 7 chưa phát tại đài này" in morning
    assert re.search(r"Buổi phát mới dùng \d+% thời lượng", morning)
    assert "Thứ hai, 30/11/2026" in html

    items = load_plan(panel_runtime.engine, TODAY, panel_runtime.settings.zone, "co-am")
    assert [i.bulletin_id for i in items][:3] == ["mo-dau", F02, F14]
    playlist = panel_runtime.settings.data_dir / "playlists" / TODAY.isoformat() / "co-am"
    assert (playlist / "playlist.m3u8").is_file()
    (entry,) = audited(panel_runtime, "plan")
    assert entry.actor == "canbo" and entry.target == TODAY.isoformat()

    tomorrow = page(staff.get("/schedule/plan?date=2026-12-01&station=co-am"))
    assert "Chưa có kế hoạch phát sóng nào được lưu cho ngày 01/12/2026" in tomorrow


def test_regenerating_with_nothing_approved_says_why(staff, panel_runtime):
    form = {"date": TODAY.isoformat(), "days": "7"}
    html = page(staff.post("/schedule/plan", form, follow_redirects=True))
    assert "Chưa có bản âm thanh nào được duyệt nên chưa thể lập kế hoạch" in html
    assert "no approved audio to plan" in html  # the original details
    assert load_plan(panel_runtime.engine, TODAY, panel_runtime.settings.zone) == []
    assert audited(panel_runtime, "plan") == []


def test_past_days_and_silly_spans_are_not_replanned(staff, panel_runtime):
    approve(panel_runtime)
    form = {"date": "2026-11-29", "days": "1"}
    html = page(staff.post("/schedule/plan", form, follow_redirects=True))
    assert "Không lập lại kế hoạch cho ngày đã qua" in html
    form = {"date": TODAY.isoformat(), "days": "400"}
    html = page(staff.post("/schedule/plan", form, follow_redirects=True))
    assert "Số ngày lập kế hoạch phải từ 1 đến 14" in html
    assert page(staff.get("/schedule/plan?date=30-11"), 400)


def test_a_slot_too_short_for_a_priority_bulletin_is_flagged(staff, panel_runtime, tmp_path):
    use_schedule(
        panel_runtime,
        tmp_path,
        stations="producer: {id: dai-huyen-vinh-bao, name: Đài huyện, level: province,"
        ' slots: [{days: daily, start: "6:00", minutes: 30}]}\n'
        'communes: [{id: co-am, name: Xã Cổ Am, slots: [{days: daily, start: "17:30",'
        " minutes: 3}]}]\n",
    )
    approve(panel_runtime)
    airplan.plan_range(panel_runtime, TODAY, 1, by="canbo")

    html = page(staff.get("/schedule/plan?station=co-am"))
    card = slot_card(html, "co-am", "17:30")
    assert "Không đủ thời lượng cho bản tin ưu tiên “Giả danh công an" in card
    assert re.search(r"cần \d:\d\d, buổi phát chỉ còn", card)
    assert "cấp tỉnh" in page(staff.get("/schedule/"))


def test_the_week_lists_seven_days_for_a_station_and_for_all(staff, panel_runtime):
    approve(panel_runtime)
    airplan.plan_range(panel_runtime, TODAY, 1, by="canbo")

    html = page(staff.get("/schedule/plan?view=week&station=co-am&date=2026-12-02"))
    rows = re.findall(r'<tr class="week-day.*?</tr>', html, re.S)
    days = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
    assert len(rows) == 7
    for row, name, number in zip(rows, days, range(30, 37), strict=True):
        assert f"{name}, {dt.date(2026, 11, 30) + dt.timedelta(number - 30):%d/%m/%Y}" in row
    assert "mục" in rows[0] and "chưa lập" in rows[1] and "—" in rows[6]  # no slot on Sunday

    html = page(staff.get("/schedule/plan?view=week"))
    for head in (
        "T2 30/11",
        "T3 01/12",
        "T4 02/12",
        "T5 03/12",
        "T6 04/12",
        "T7 05/12",
        "CN 06/12",
    ):
        assert head in html
    assert html.count("không phát") >= 11 * 2  # weekday-only communes, at the weekend


# ---------------------------------------------------------------- the forecast

MISSY_CAMPAIGN = """\
id: thu-nghiem
name: Chiến dịch thử nghiệm
from: 2026-11-01
until: 2031-12-31
bulletins: [f01-combo-du-lich, f14-gia-danh-cong-an-vien-kiem-sat-toa-an]
coverage: {times: 6, days: 7}
"""


def test_the_forecast_names_misses_and_missing_audio(staff, panel_runtime, tmp_path):
    use_schedule(panel_runtime, tmp_path, campaign=MISSY_CAMPAIGN)
    approve(panel_runtime)

    html = page(staff.get("/schedule/forecast"))
    assert "tối đa 90 ngày" in html and "27/02/2027" in html  # the horizon, said
    card = section(html, "f-thu-nghiem")
    assert "Chưa đạt" in card and "chiến dịch kéo dài đến 31/12/2031" in card
    # f14 (priority, once a day) reaches the weekday-only communes 5 times a week, not 6.
    miss = re.search(r"<tr><td>Xã Cổ Am</td>.*?</tr>", card, re.S).group(0)
    assert f"Hình thức 14 – {F14_TITLE}" in miss
    assert "30/11/2026 – 06/12/2026" in miss and "5/6 lần" in miss
    assert "<td>Xã Tam Cường</td>" not in card  # it airs every day
    assert "Hình thức 1 – Combo du lịch giá rẻ" in card  # no approved audio


def test_the_forecast_with_nothing_approved_says_so(staff):
    html = page(staff.get("/schedule/forecast"))
    assert "Chưa có bản âm thanh nào được duyệt" in html


def test_the_forecast_is_kept_until_what_it_reads_changes(staff, panel_runtime, monkeypatch):
    computed = []
    compute = schedule_forecast.compute
    monkeypatch.setattr(
        schedule_forecast, "compute", lambda *args: computed.append(1) or compute(*args)
    )
    approve(panel_runtime)

    def forecast_page() -> str:  # the forms' CSRF tokens carry the second they were made
        return re.sub(r'name="csrf_token" value="[^"]*"', "", page(staff.get("/schedule/forecast")))

    before = forecast_page()
    assert forecast_page() == before
    assert len(computed) == 1  # the second visit reuses the first forecast

    approve(panel_runtime, F07, verdict=approval.Verdict.REJECTED)  # must be seen at once
    assert forecast_page() != before and len(computed) == 2
    page(staff.get("/schedule/forecast"))
    assert len(computed) == 2

    airplan.plan_range(panel_runtime, TODAY, 1, by="canbo")  # a plan steers the rotation
    page(staff.get("/schedule/forecast"))
    assert len(computed) == 3


# ---------------------------------------------------------------- emergency alerts


def test_an_alert_for_audio_not_approved_is_refused(staff, panel_runtime):
    approve(panel_runtime, F07, verdict=approval.Verdict.REJECTED)
    form = {"bulletin_id": F07, "stations": ["co-am"]}
    html = follow_refusal(staff, "/schedule/alert", form)
    assert "đã bị từ chối: không thể phát khẩn cấp" in html
    html = follow_refusal(staff, "/schedule/alert", {**form, "bulletin_id": F14})
    assert "chưa được duyệt: không thể phát khẩn cấp" in html
    assert alert_rows(panel_runtime) == 0 and audited(panel_runtime, "alert") == []
    assert "Hãy chọn ít nhất một đài" in follow_refusal(
        staff, "/schedule/alert", {"bulletin_id": F14}
    )


def test_an_alert_for_co_am_reaches_its_next_slot_and_its_operator(staff, as_role, panel_runtime):
    approve(panel_runtime)
    airplan.plan_range(panel_runtime, TODAY, 1, by="canbo")
    zone = panel_runtime.settings.zone
    before = load_plan(panel_runtime.engine, TODAY, zone)

    form = {"bulletin_id": F14, "stations": ["co-am"], "confirmed": "1"}
    html = page(staff.post("/schedule/alert", form, follow_redirects=True))
    assert "Đã phát lệnh thông báo khẩn cấp #1" in html
    assert "Đưa vào đầu buổi phát kế tiếp của các xã (17:30 hôm nay: Xã Cổ Am)" in html

    co_am = load_plan(panel_runtime.engine, TODAY, zone, "co-am")
    evening = [i for i in co_am if i.slot_start.time() == dt.time(17, 30)]
    assert evening[0].bulletin_id == F14 and evening[0].priority == "khan_cap"
    assert evening[0].starts_at.time() == dt.time(17, 30)
    assert [i.bulletin_id for i in evening[1:]] == ["mo-dau", F07, "ket-thuc"]
    morning_before = [i for i in before if i.station_id == "co-am" and i.starts_at.hour == 6]
    assert [i for i in co_am if i.starts_at.hour == 6] == morning_before  # already aired
    others = [i for i in before if i.station_id != "co-am"]
    after = load_plan(panel_runtime.engine, TODAY, zone)
    assert [i for i in after if i.station_id != "co-am"] == others
    published = panel_runtime.settings.data_dir / "playlists" / TODAY.isoformat() / "co-am"
    first_evening = sorted(p.name for p in published.iterdir() if "-1730-" in p.name)[0]
    assert F14 in first_evening

    assert [a.bulletin_id for a in pending_alerts(panel_runtime.engine, "co-am")] == [F14]
    assert pending_alerts(panel_runtime.engine, "tam-cuong") == []
    (entry,) = audited(panel_runtime, "alert")
    assert entry.actor == "canbo" and entry.target == F14 and "Xã Cổ Am" in entry.detail

    operator = page(as_role("xa-co-am").get("/", follow_redirects=True))
    assert banners(operator) == [f"THÔNG BÁO KHẨN CẤP: {F14_TITLE} – phát lúc 17:30"]
    assert banners(page(as_role("xa-tam-cuong").get("/", follow_redirects=True))) == []
    staff_banner = banners(page(staff.get("/schedule/")))
    # Staff read when it airs, and where (not when the order was given).
    assert staff_banner == [f"THÔNG BÁO KHẨN CẤP: {F14_TITLE} – phát lúc 17:30 (Xã Cổ Am)"]

    # Planning today again keeps the alert where it was.
    page(staff.post("/schedule/plan", {"date": TODAY.isoformat(), "days": "1"}), 302)
    again = load_plan(panel_runtime.engine, TODAY, zone, "co-am")
    assert [(i.bulletin_id, i.starts_at) for i in again] == [
        (i.bulletin_id, i.starts_at) for i in co_am
    ]


# ---------------------------------------------------------------- alert placement (pure)


def _alert(alert_id: int, raised: dt.datetime, stations=("co-am",), duration=100.0) -> Alert:
    return Alert(alert_id, F14, "sha", "f14.mp3", duration, F14_TITLE, stations, "canbo", raised)


def _item(station: str, slot: dt.datetime, n: int, bulletin: str, seconds: float, reason: str):
    return StoredItem(
        slot.date(),
        station,
        slot,
        n,
        slot,
        bulletin,
        "s",
        f"{bulletin}.mp3",
        seconds,
        "thuong",
        reason,
    )


@pytest.fixture
def network(settings):
    return load_schedule(settings.schedule.stations, settings.schedule.campaigns)


def test_an_alert_goes_to_the_next_slot_within_a_day_never_the_producer(network):
    net, campaigns = network
    zone = net.zone
    slots = alert_plan.slot_times(net, campaigns, [TODAY, TODAY + dt.timedelta(days=1)])
    evening = _alert(1, dt.datetime(2026, 11, 30, 20, 0, tzinfo=zone), stations=None)
    placed = {p.station_id: p.slot for p in alert_plan.targets(evening, net, slots)}
    assert "dai-huyen-vinh-bao" not in placed  # its playout daemon airs it at once
    assert placed["co-am"].start == dt.datetime(2026, 12, 1, 6, 30, tzinfo=zone)
    assert placed["tam-cuong"].start == dt.datetime(2026, 12, 1, 6, 15, tzinfo=zone)
    friday = dt.date(2026, 12, 4)
    weekend = alert_plan.slot_times(net, campaigns, [friday, friday + dt.timedelta(days=1)])
    late = _alert(2, dt.datetime(2026, 12, 4, 18, 0, tzinfo=zone))
    assert [p.slot for p in alert_plan.targets(late, net, weekend)] == [None]  # not till Monday


def test_placing_alerts_pushes_bulletins_out_keeps_the_closing_and_is_idempotent(network):
    net, _ = network
    zone = net.zone
    start = dt.datetime(2026, 11, 30, 17, 30, tzinfo=zone)
    slot = alert_plan.SlotTime("co-am", start, 300.0)
    items = [
        _item("co-am", start, 1, "mo-dau", 30, "opening of the programme"),
        _item("co-am", start, 2, F07, 100, "rotation: form 7 not yet aired at this station"),
        _item("co-am", start, 3, F02, 100, "rotation: form 2 not yet aired at this station"),
        _item("co-am", start, 4, "ket-thuc", 30, "closing of the programme"),
    ]
    raised = _alert(1, start - dt.timedelta(hours=2))
    placement = alert_plan.Placement(1, "co-am", slot)
    placed, made = alert_plan.place(TODAY, items, [placement], {1: raised})
    assert [i.bulletin_id for i in placed] == [F14, "mo-dau", F07, "ket-thuc"]
    assert [i.position for i in placed] == [1, 2, 3, 4]
    assert [i.starts_at - start for i in placed] == [
        dt.timedelta(seconds=s)
        for s in (0, 101, 132, 233)  # a second's gap after each
    ]
    assert made[0].dropped == (F02,)
    again, _ = alert_plan.place(TODAY, placed, [placement], {1: raised})
    assert again == placed


def test_rejecting_an_alerts_audio_withdraws_the_alert(staff, as_role, panel_runtime):
    approve(panel_runtime)
    airplan.plan_range(panel_runtime, TODAY, 1, by="canbo")
    zone = panel_runtime.settings.zone
    form = {"bulletin_id": F14, "stations": ["co-am"], "confirmed": "1"}
    page(staff.post("/schedule/alert", form), 302)
    sha = panel_runtime.renders()[F14].sha256

    verdict = {"verdict": "reject", "sha256": sha, "comment": "Nhầm số điện thoại"}
    page(as_role("canbo2").post(f"/content/{F14}/decision", verdict), 302)
    page(staff.post("/schedule/plan", {"date": TODAY.isoformat(), "days": "1"}), 302)

    co_am = load_plan(panel_runtime.engine, TODAY, zone, "co-am")
    assert [i for i in co_am if i.priority == "khan_cap"] == []  # not placed again
    assert pending_alerts(panel_runtime.engine, "co-am") == []  # the daemon will not cue it
    operator = page(as_role("xa-co-am").get("/", follow_redirects=True))
    assert banners(operator) == []
