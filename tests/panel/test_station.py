"""The operator's day: playlist, audio, downloads, confirmations and corrections, who may do what.

Real renders of a few bulletins, approved and planned for Monday 30/11/2026 (the panel's
pinned clock: 08:00 in Vietnam); Cổ Am airs at 6:30 and 17:30, Tam Cường at 6:15 and 17:15.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest

from broadcaster import airlog, approval, audit
from broadcaster.airlog import Outcome, Source
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan

VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=VN)
TODAY = NOW.date()
DAY = "/station/co-am/day/2026-11-30"


def plan(runtime, day: dt.date = TODAY) -> None:
    for record in runtime.renders().values():
        approval.decide(
            runtime.engine, record, verdict=approval.Verdict.APPROVED, by="canbo", now=NOW
        )
    airplan.plan_range(runtime, day, 1, by="canbo", force=day < TODAY)


@pytest.fixture
def planned(app, panel_runtime):
    plan(panel_runtime)
    return load_plan(panel_runtime.engine, NOW.date(), VN, "co-am")


@pytest.fixture
def operator(as_role):
    return as_role("xa-co-am")


def logged(runtime, station="co-am") -> list[airlog.Airing]:
    return list(airlog.entries(runtime.engine, station_id=station))


def confirm(browser, position: int, **form):
    return browser.post(f"{DAY}/{position}/confirm", form)


# ---------------------------------------------------------------- the page and its files


def test_operator_lands_on_todays_playlist_with_audio_and_downloads(operator, planned):
    response = operator.get("/")
    assert response.headers["Location"].endswith("/station/co-am/today")
    page = operator.get("/station/co-am/today").get_data(as_text=True)
    assert "Xã Cổ Am" in page and "Thứ hai, ngày 30/11/2026" in page
    assert "Buổi phát 06:30 – 06:45 (15 phút)" in page and "Buổi phát 17:30 – 17:45" in page
    assert page.count('<audio controls preload="none"') == len(planned) == 8
    third = f"{planned[2].starts_at + dt.timedelta(seconds=0.5):%H:%M:%S}"  # to the second
    assert "Giả danh công an, viện kiểm sát, tòa án" in page and third in page
    for name in ("playlist.zip", "playlist.m3u8", "lich-phat.html", "lich-phat.txt"):
        assert f"{DAY}/files/{name}" in page
    assert page.count(">Đã phát</button>") == 8  # one confirm button per item

    audio = operator.get(f"{DAY}/3.mp3")
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    assert hashlib.sha256(audio.data).hexdigest() == planned[2].render_sha256
    assert "private" in audio.headers["Cache-Control"]
    assert operator.get(f"{DAY}/99.mp3").status_code == 404


def test_downloads_are_written_on_demand_and_work(operator, planned, panel_runtime):
    folder = airplan.playlists_dir(panel_runtime) / "2026-11-30" / "co-am"
    assert not folder.exists()
    response = operator.get(f"{DAY}/files/playlist.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "2026-11-30-co-am.zip" in response.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    mp3s = [n for n in names if n.endswith(".mp3")]
    assert len(mp3s) == 8 and mp3s == sorted(mp3s)
    assert mp3s[0] == "2026-11-30-co-am/01-0630-mo-dau.mp3"
    assert "2026-11-30-co-am/playlist.m3u8" in names

    m3u8 = operator.get(f"{DAY}/files/playlist.m3u8")
    assert m3u8.status_code == 200 and m3u8.data.startswith(b"#EXTM3U")
    assert "01-0630-mo-dau.mp3" in m3u8.get_data(as_text=True)
    printable = operator.get(f"{DAY}/files/lich-phat.html")
    assert printable.mimetype == "text/html" and "Xã Cổ Am" in printable.get_data(as_text=True)
    assert "attachment" not in printable.headers.get("Content-Disposition", "")
    assert operator.get(f"{DAY}/files/lich-phat.txt").status_code == 200
    assert operator.get(f"{DAY}/files/secret.txt").status_code == 404
    assert folder.is_dir()


def test_a_folder_that_no_longer_matches_the_plan_is_written_again(
    operator, planned, panel_runtime
):
    airplan.publish_playlists(panel_runtime, NOW.date())
    playlist = airplan.playlists_dir(panel_runtime) / "2026-11-30" / "co-am" / "playlist.m3u8"
    inode = playlist.stat().st_ino
    assert operator.get(f"{DAY}/files/playlist.m3u8").status_code == 200
    assert playlist.stat().st_ino == inode  # published and current: served as is
    playlist.write_text("#EXTM3U\r\nold.mp3\r\n", encoding="utf-8")  # e.g. an older plan
    served = operator.get(f"{DAY}/files/playlist.m3u8").get_data(as_text=True)
    assert "01-0630-mo-dau.mp3" in served and "old.mp3" not in served


def test_a_day_without_a_plan_says_so(operator, planned, panel_runtime):
    page = operator.get("/station/co-am/day/2026-12-01").get_data(as_text=True)
    assert "Chưa có danh sách phát cho ngày này" in page and "<audio" not in page
    assert operator.get("/station/co-am/day/2026-12-01/files/playlist.zip").status_code == 404
    plan(panel_runtime, dt.date(2026, 12, 5))  # a Saturday: Cổ Am airs Monday to Friday
    page = operator.get("/station/co-am/day/2026-12-05").get_data(as_text=True)
    assert "đài không có buổi phát nào trong ngày này" in page


def test_tomorrows_playlist_can_be_fetched_ahead_but_not_confirmed(operator, app, panel_runtime):
    plan(panel_runtime, dt.date(2026, 12, 1))
    page = operator.get("/station/co-am/day/2026-12-01").get_data(as_text=True)
    assert "Thứ ba, ngày 01/12/2026" in page and page.count("<audio") == 8
    assert "Ghi nhận vào ngày phát, sau khi phát." in page and ">Đã phát</button>" not in page
    zipped = operator.get("/station/co-am/day/2026-12-01/files/playlist.zip")
    assert (
        zipped.status_code == 200 and len(zipfile.ZipFile(io.BytesIO(zipped.data)).namelist()) > 8
    )


def test_past_days_are_a_tap_away(operator, planned):
    page = operator.get("/station/co-am/today").get_data(as_text=True)
    for day in range(23, 30):
        assert f"/station/co-am/day/2026-11-{day}" in page
    picked = operator.get("/station/co-am/day?date=2026-11-27")
    assert picked.headers["Location"].endswith("/station/co-am/day/2026-11-27")
    assert operator.get("/station/co-am/day?date=27/11").status_code == 302  # back to today
    assert operator.get("/station/co-am/day/2026-13-01").status_code == 404
    assert operator.get("/station/co-am/day/hom-qua").status_code == 404


# ---------------------------------------------------------------- who may see and confirm


def test_an_operator_cannot_reach_another_communes_station(as_role, planned, panel_runtime):
    other = as_role("xa-tam-cuong")
    for url in (
        "/station/co-am/today",
        DAY,
        f"{DAY}/1.mp3",
        f"{DAY}/files/playlist.zip",
        f"{DAY}/files/playlist.m3u8",
        "/station/co-am/day?date=2026-11-30",
        "/station/khong-co/today",
    ):
        assert other.get(url).status_code == 403, url
    response = other.post(
        f"{DAY}/1/confirm", {"outcome": "aired", "started_at": "2026-11-30T06:30"}
    )
    assert response.status_code == 403
    assert logged(panel_runtime) == []
    assert other.get("/station/tam-cuong/today").status_code == 200


def test_staff_and_leaders_see_any_station_but_confirm_none(as_role, planned, panel_runtime):
    for username in ("canbo", "lanhdao"):
        viewer = as_role(username)
        page = viewer.get(DAY).get_data(as_text=True)
        assert "Xã Cổ Am" in page and page.count("<audio") == 8
        assert (
            ">Đã phát</button>" not in page and 'name="csrf_token"' not in page.split("<main>")[1]
        )
        assert viewer.get(f"{DAY}/files/playlist.m3u8").status_code == 200
        form = {"outcome": "aired", "started_at": "2026-11-30T06:30"}
        assert viewer.post(f"{DAY}/1/confirm", form).status_code == 403
        assert viewer.get("/station/khong-co/today").status_code == 404
    assert logged(panel_runtime) == []


def test_anonymous_visitors_are_sent_to_log_in(browser, planned):
    for url in ("/station/co-am/today", DAY, f"{DAY}/1.mp3", f"{DAY}/files/playlist.zip"):
        response = browser.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_every_station_view_declares_its_permission(app):
    views = {e: f for e, f in app.view_functions.items() if e.startswith("station.")}
    assert len(views) >= 6 and all(hasattr(f, "required_action") for f in views.values())
    assert views["station.confirm"].required_action == "airing.confirm_own"


# ---------------------------------------------------------------- confirming


def test_confirming_an_airing_logs_who_and_when_in_the_stations_zone(
    operator, planned, panel_runtime
):
    response = confirm(operator, 3, outcome="aired", started_at="2026-11-30T06:33")
    assert response.status_code == 302 and response.headers["Location"].endswith("#muc-3")
    (entry,) = logged(panel_runtime)
    item = planned[2]
    assert entry.outcome is Outcome.AIRED and entry.source is Source.OPERATOR
    assert entry.recorded_by == "xa-co-am" and entry.recorded_at == NOW
    assert entry.started_at == dt.datetime(
        2026, 11, 30, 6, 33, tzinfo=VN
    )  # 23:33 UTC the day before
    assert entry.scheduled_at == item.starts_at and entry.bulletin_id == item.bulletin_id
    assert entry.render_sha256 == item.render_sha256 and entry.form == 14
    assert f"{item.starts_at:%H:%M}" == "06:32"
    assert entry.late is True  # planned in the minute 06:32, aired in the minute 06:33
    page = operator.get(DAY).get_data(as_text=True)
    assert "Đã ghi nhận bản tin số 03" in page and "lúc 06:33 30/11/2026" in page
    assert "Đã ghi nhận <strong>1/8</strong>" in page
    (trail,) = [e for e in audit.recent(panel_runtime.engine) if e.action == "confirm"]
    assert trail.actor == "xa-co-am" and trail.target == "co-am" and "bản tin số 03" in trail.detail


def test_the_time_field_defaults_to_now_in_vietnam(operator, planned):
    page = operator.get(DAY).get_data(as_text=True)
    assert 'value="2026-11-30T08:00"' in page  # NOW, 01:00 UTC
    assert "data-now" in page  # kept at the present time while the page stays open


def test_an_item_is_missed_or_aired_only_once_its_slot_has_started(
    operator, planned, panel_runtime
):
    response = confirm(operator, 6, outcome="missed", reason="Dự kiến mất điện buổi chiều")
    assert response.status_code == 422
    assert "Chưa đến giờ phát của bản tin này (17:30 ngày 30/11/2026)" in response.get_data(
        as_text=True
    )
    early = confirm(operator, 6, outcome="aired", started_at="2026-11-30T07:45")
    assert early.status_code == 422  # hours before its slot: that was not this airing
    assert "Buổi phát của bản tin này bắt đầu lúc 17:30 ngày 30/11/2026" in early.get_data(
        as_text=True
    )
    assert logged(panel_runtime) == []


def test_not_aired_needs_a_reason(operator, planned, panel_runtime):
    response = confirm(operator, 1, outcome="missed", reason="  ")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Hãy ghi lý do không phát được." in page
    assert '<details class="not-aired" open>' in page  # the form stays open to fix
    assert logged(panel_runtime) == []
    response = confirm(operator, 1, outcome="missed", reason="Mất điện cả xã từ 6 giờ")
    assert response.status_code == 302
    (entry,) = logged(panel_runtime)
    assert entry.outcome is Outcome.MISSED and entry.started_at is None
    assert entry.reason == "Mất điện cả xã từ 6 giờ"
    response = confirm(operator, 2, outcome="failed", reason="Loa cụm 3 hỏng")
    assert logged(panel_runtime)[-1].outcome is Outcome.FAILED


IMPOSSIBLE = [
    ("2026-11-30T09:00", "là thời điểm trong tương lai"),
    ("2026-11-29T23:59", "trước ngày của bản tin"),
    ("", "Hãy nhập giờ phát."),
    ("hôm nay", "Giờ phát không hợp lệ"),
]


def test_impossible_times_are_refused(operator, planned, panel_runtime):
    for started_at, message in IMPOSSIBLE:
        response = confirm(operator, 1, outcome="aired", started_at=started_at)
        assert response.status_code == 422, started_at
        assert message in response.get_data(as_text=True), started_at
    assert logged(panel_runtime) == []


def test_a_correction_is_a_new_entry_and_the_original_stays(operator, planned, panel_runtime):
    confirm(operator, 4, outcome="aired", started_at="2026-11-30T06:34")
    (original,) = logged(panel_runtime)
    again = confirm(operator, 4, outcome="aired", started_at="2026-11-30T06:40")
    assert again.status_code == 409 and "Đính chính" in again.get_data(as_text=True)

    no_reason = confirm(operator, 4, outcome="missed", corrects=str(original.id))
    assert no_reason.status_code == 422 and "Hãy ghi lý do" in no_reason.get_data(as_text=True)
    response = confirm(
        operator, 4, outcome="missed", reason="Bấm nhầm: loa mất điện", corrects=str(original.id)
    )
    assert response.status_code == 302
    first, correction = logged(panel_runtime)
    assert first == original  # untouched
    assert correction.corrects == original.id and correction.outcome is Outcome.MISSED
    assert correction.recorded_by == "xa-co-am"
    page = operator.get(DAY).get_data(as_text=True)
    assert f"Đã được đính chính bởi mục số {correction.id}" in page
    stale = confirm(
        operator,
        4,
        outcome="aired",
        started_at="2026-11-30T06:34",
        reason="x",
        corrects=str(original.id),
    )
    assert stale.status_code == 409 and len(logged(panel_runtime)) == 2
    foreign = confirm(
        operator,
        5,
        outcome="aired",
        started_at="2026-11-30T06:36",
        reason="x",
        corrects=str(original.id),
    )
    assert foreign.status_code == 422 and len(logged(panel_runtime)) == 2
    assert any(e.action == "correct" for e in audit.recent(panel_runtime.engine))


def test_a_double_tap_records_once(operator, planned, panel_runtime):
    for _ in range(2):
        response = confirm(operator, 2, outcome="aired", started_at="2026-11-30T06:31")
        assert response.status_code == 302
    assert len(logged(panel_runtime)) == 1


# ---------------------------------------------------------------- the rules, as a table


ZONE = dt.timezone(dt.timedelta(hours=7))
SCHEDULED = dt.datetime(2026, 11, 23, 17, 30, tzinfo=ZONE)


def test_an_old_item_can_no_longer_be_confirmed(operator, app, panel_runtime):
    plan(panel_runtime, dt.date(2026, 11, 20))  # ten days before the pinned clock
    page = operator.get("/station/co-am/day/2026-11-20").get_data(as_text=True)
    assert "Đã quá 7 ngày: không thể ghi nhận thêm." in page and ">Đã phát</button>" not in page
    response = operator.post(
        "/station/co-am/day/2026-11-20/1/confirm",
        {"outcome": "aired", "started_at": "2026-11-20T06:30"},
    )
    assert response.status_code == 422 and "Đã quá 7 ngày" in response.get_data(as_text=True)
    assert logged(panel_runtime) == []
    assert re.search(r"<audio controls", page)  # still there to listen to
