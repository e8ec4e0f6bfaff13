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


def refused(browser, position: int, day: str = DAY, **form) -> str:
    """Send a confirmation that is refused: the POST redirects to the item (Post/Redirect/Get)
    and the page that follows shows the message once; returns that page."""
    response = browser.post(f"{day}/{position}/confirm", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"{day}#muc-{position}")
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash error item-error"' not in browser.get(day).get_data(as_text=True)
    return page


def at_item(page: str, position: int) -> str:
    start = page.index(f'id="muc-{position}"')
    end = page.find('<li class="item', start + 1)
    return page[start : end if end > 0 else len(page)]


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
    for typed in ("2026-11-27", "27/11/2026"):  # the field shows day/month/year
        picked = operator.get(f"/station/co-am/day?date={typed}")
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
    response = confirm(
        operator, 3, outcome="aired", started_time="06:33", started_date="30/11/2026"
    )
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
    assert "Đã ghi nhận bản tin 03" in page and "lúc 06:33 30/11/2026" in page
    assert "bản tin số" not in page  # the item's place and the log's id are not both "số"
    assert f"Lưu ở nhật ký là mục số {entry.id}." in page  # as the reports name it
    assert "Đã ghi nhận <strong>1/8</strong>" in page
    (trail,) = [e for e in audit.recent(panel_runtime.engine) if e.action == "confirm"]
    assert trail.actor == "xa-co-am" and trail.target == "co-am" and "bản tin 03 “" in trail.detail
    assert "số 03" not in trail.detail and "bản tin số" not in trail.detail


def test_the_time_field_defaults_to_now_in_vietnam(operator, planned):
    page = operator.get(DAY).get_data(as_text=True)
    aired = page[page.index('class="confirm confirm-aired"') :]
    aired = aired[: aired.index("</form>")]
    # NOW (01:00 UTC), written the Vietnamese way whatever the browser's language
    assert 'name="started_time" value="08:00"' in aired and 'inputmode="decimal"' in aired
    assert 'name="started_date" value="30/11/2026"' in aired
    assert 'type="datetime-local"' not in page and 'type="date"' not in page
    assert "data-now" in page  # kept at the present time while the page stays open


def test_an_item_is_missed_or_aired_only_once_its_slot_has_started(
    operator, planned, panel_runtime
):
    page = refused(operator, 6, outcome="missed", reason="Dự kiến mất điện buổi chiều")
    assert "Chưa đến giờ phát của bản tin này (17:30 ngày 30/11/2026)" in page
    assert "chỉ ghi “Không phát được” sau giờ phát" in page  # the word on the operator's button
    early = refused(operator, 6, outcome="aired", started_at="2026-11-30T07:45")
    # hours before its slot: that was not this airing
    assert "Buổi phát của bản tin này bắt đầu lúc 17:30 ngày 30/11/2026" in early
    assert "chưa thể ghi “Đã phát” hay “Phát bị lỗi”" in early
    assert logged(panel_runtime) == []


def test_not_aired_needs_a_reason(operator, planned, panel_runtime):
    page = refused(operator, 1, outcome="missed", reason="  ")
    top, item = page[: page.index('id="muc-1"')], at_item(page, 1)
    assert "Hãy ghi lý do không phát được." in top and 'href="#muc-1"' in top
    assert "Hãy ghi lý do không phát được." in item
    assert '<details class="not-aired" open>' in item  # the form stays open to fix
    assert logged(panel_runtime) == []
    response = confirm(operator, 1, outcome="missed", reason="Mất điện cả xã từ 6 giờ")
    assert response.status_code == 302
    (entry,) = logged(panel_runtime)
    assert entry.outcome is Outcome.MISSED and entry.started_at is None
    assert entry.reason == "Mất điện cả xã từ 6 giờ"
    response = confirm(operator, 2, outcome="failed", reason="Loa cụm 3 hỏng")
    assert logged(panel_runtime)[-1].outcome is Outcome.FAILED


IMPOSSIBLE = [
    ("30/11/2026", "09:00", "là thời điểm trong tương lai"),
    ("29/11/2026", "23:59", "trước ngày của bản tin"),
    ("", "", "Hãy nhập giờ phát."),
    ("30/11/2026", "hôm nay", "Giờ phát không hợp lệ"),
    ("31/11/2026", "06:30", "Giờ phát không hợp lệ"),
    ("30/11/2026", "6:30 PM", "Giờ phát không hợp lệ"),
]


def test_impossible_times_are_refused(operator, planned, panel_runtime):
    for day, clock, message in IMPOSSIBLE:
        page = refused(operator, 1, outcome="aired", started_date=day, started_time=clock)
        item = at_item(page, 1)
        assert message in item, clock
        if clock:  # what was typed is given back in its fields, to fix
            assert f'name="started_time" value="{clock}"' in item
            assert f'name="started_date" value="{day}"' in item
    assert logged(panel_runtime) == []


def test_an_iso_start_still_reads(operator, planned, panel_runtime):
    """Links and scripts that send one ISO ``started_at`` are read as before."""
    assert confirm(operator, 1, outcome="aired", started_at="2026-11-30T06:31").status_code == 302
    (entry,) = logged(panel_runtime)
    assert entry.started_at == dt.datetime(2026, 11, 30, 6, 31, tzinfo=VN)


def test_a_refused_confirmation_is_shown_once(operator, planned, panel_runtime):
    refused(operator, 1, outcome="missed", reason="")  # checks the page after it is clean
    assert "Hãy ghi lý do" in refused(operator, 1, outcome="missed", reason="")
    # a refusal kept for one day is not shown on another
    confirm(operator, 1, outcome="missed", reason="")
    assert "Hãy ghi lý do" not in operator.get("/station/co-am/day/2026-11-29").get_data(
        as_text=True
    )
    assert "Hãy ghi lý do" not in operator.get(DAY).get_data(as_text=True)
    assert logged(panel_runtime) == []


def test_a_correction_is_a_new_entry_and_the_original_stays(operator, planned, panel_runtime):
    confirm(operator, 4, outcome="aired", started_at="2026-11-30T06:34")
    (original,) = logged(panel_runtime)
    again = refused(operator, 4, outcome="aired", started_at="2026-11-30T06:40")
    assert "Bản tin này đã được ghi nhận (“Đã phát”" in again and "Đính chính" in again

    no_reason = refused(operator, 4, outcome="missed", corrects=str(original.id))
    assert "Hãy ghi lý do" in at_item(no_reason, 4)
    response = confirm(
        operator, 4, outcome="missed", reason="Bấm nhầm: loa mất điện", corrects=str(original.id)
    )
    assert response.status_code == 302
    first, correction = logged(panel_runtime)
    assert first == original  # untouched
    assert correction.corrects == original.id and correction.outcome is Outcome.MISSED
    assert correction.recorded_by == "xa-co-am"
    page = operator.get(DAY).get_data(as_text=True)
    assert f"Đã được đính chính bởi mục có mã {correction.id}" in page
    stale = refused(
        operator,
        4,
        outcome="aired",
        started_at="2026-11-30T06:34",
        reason="x",
        corrects=str(original.id),
    )
    assert "đã được đính chính" in stale and len(logged(panel_runtime)) == 2
    foreign = refused(
        operator,
        5,
        outcome="aired",
        started_at="2026-11-30T06:36",
        reason="x",
        corrects=str(original.id),
    )
    assert "không thuộc bản tin này" in foreign and len(logged(panel_runtime)) == 2
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
    response = refused(
        operator,
        1,
        day="/station/co-am/day/2026-11-20",
        outcome="aired",
        started_at="2026-11-20T06:30",
    )
    assert "Đã quá 7 ngày" in response
    assert logged(panel_runtime) == []
    assert re.search(r"<audio controls", page)  # still there to listen to


def test_durations_are_cut_to_the_second_as_the_player_counts(operator, planned):
    """The page and the audio player beside it agree (101.6 s is 1:41 on both)."""
    assert any(item.duration_s % 1 >= 0.5 for item in planned)  # where rounding would differ
    page = operator.get(DAY).get_data(as_text=True)
    for item in planned:
        whole = int(item.duration_s)
        assert f"dài {whole // 60}:{whole % 60:02d}" in at_item(page, item.position)
