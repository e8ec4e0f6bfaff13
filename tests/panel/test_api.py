"""The JSON API for smart-loudspeaker platforms: tokens, playlist, audio, airings, retries.

A platform is a plain test client with no session and no CSRF token, as a real one
would be; the admin issues and revokes its token through the panel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from sqlalchemy import select

from broadcaster import airlog, approval
from broadcaster.accounts import tokens
from broadcaster.airlog import Outcome, Source
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.db import station_tokens

VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=VN)
BASE = "/api/v1/stations/co-am"


@pytest.fixture
def planned(app, panel_runtime):
    for record in panel_runtime.renders().values():
        approval.decide(
            panel_runtime.engine, record, verdict=approval.Verdict.APPROVED, by="canbo", now=NOW
        )
    airplan.plan_range(panel_runtime, NOW.date(), 1, by="canbo")
    return load_plan(panel_runtime.engine, NOW.date(), VN, "co-am")


@pytest.fixture
def platform(app):
    return app.test_client()


@pytest.fixture
def token(app, panel_runtime) -> str:
    return tokens.issue(panel_runtime.engine, "co-am", by="quantri", now=NOW).secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def airing(item=None, **fields) -> dict:
    """An API airing report; about ``item`` (a stored plan item) if given, started a
    second early and lasting 100 s. Item times follow the audio's lengths: never pinned."""
    scheduled = item.starts_at if item else dt.datetime(2026, 11, 30, 6, 32, 15, tzinfo=VN)
    started = scheduled.replace(microsecond=0) - dt.timedelta(seconds=1)
    body = {
        "scheduled_at": scheduled.isoformat(timespec="milliseconds"),
        "started_at": started.isoformat(),
        "ended_at": (started + dt.timedelta(seconds=100)).isoformat(),
        "outcome": "aired",
        "position": 3,
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not ...}


def test_the_whole_token_flow(as_role, platform, planned, panel_runtime):
    admin = as_role("quantri")
    page = admin.post("/admin/tokens", {"station_id": "co-am"}).get_data(as_text=True)
    secret = re.search(r'<p class="secret" id="token">([^<]+)</p>', page).group(1)
    auth = bearer(secret)

    response = platform.get(f"{BASE}/playlist?date=2026-11-30", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["station_id"] == "co-am" and body["station_name"] == "Xã Cổ Am"
    assert body["date"] == "2026-11-30" and body["timezone"] == "Asia/Ho_Chi_Minh"
    items = body["items"]
    assert [i["position"] for i in items] == list(range(1, 9))
    third = items[2]
    assert third["starts_at"] == planned[2].starts_at.isoformat(timespec="milliseconds")
    assert third["title"] == "Giả danh công an, viện kiểm sát, tòa án" and third["form"] == 14
    assert third["sha256"] == planned[2].render_sha256
    assert third["duration_s"] == pytest.approx(planned[2].duration_s)
    assert platform.get(f"{BASE}/playlist", headers=auth).get_json() == body  # today by default

    url = third["url"]
    assert url.startswith("http://localhost/api/v1/stations/co-am/files/") and url.endswith(".mp3")
    audio = platform.get(url, headers=auth)
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    assert hashlib.sha256(audio.data).hexdigest() == third["sha256"]
    assert audio.headers["X-Content-SHA256"] == third["sha256"]
    assert platform.get(url).status_code == 401

    posted = airing(scheduled_at=third["starts_at"], bulletin_id=third["bulletin_id"])
    created = platform.post(f"{BASE}/airings", json=posted, headers=auth)
    assert created.status_code == 201, created.get_json()
    entry_id = created.get_json()["id"]
    assert created.get_json()["duplicate"] is False
    retry = platform.post(f"{BASE}/airings", json=posted, headers=auth)
    assert retry.status_code == 200
    assert retry.get_json()["id"] == entry_id and retry.get_json()["duplicate"] is True
    (entry,) = airlog.entries(panel_runtime.engine, station_id="co-am")
    assert entry.id == entry_id and entry.source is Source.API and entry.outcome is Outcome.AIRED
    assert entry.recorded_by == "token:1" and entry.late is False
    assert entry.scheduled_at == planned[2].starts_at
    assert entry.started_at == dt.datetime(2026, 11, 29, 23, 32, 14, tzinfo=dt.UTC)
    assert entry.render_sha256 == third["sha256"] and entry.form == 14

    (token_row,) = tokens.list_tokens(panel_runtime.engine)
    admin.post(f"/admin/tokens/{token_row.id}/revoke")
    for response in (
        platform.get(f"{BASE}/playlist", headers=auth),
        platform.get(url, headers=auth),
        platform.post(f"{BASE}/airings", json=posted, headers=auth),
    ):
        assert response.status_code == 401
        assert "thu hồi" in response.get_json()["error"]


def test_without_a_valid_token_nothing_is_served(platform, planned, token):
    for headers in ({}, {"Authorization": "Basic eDp5"}, bearer("bst_khong-dung"), bearer("")):
        response = platform.get(f"{BASE}/playlist", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "error" in response.get_json()
    assert platform.post(f"{BASE}/airings", json=airing()).status_code == 401


def test_a_token_works_for_its_own_station_only(platform, planned, token, panel_runtime):
    auth = bearer(token)
    other = "/api/v1/stations/tam-cuong"
    file = planned[0].file
    assert platform.get(f"{other}/playlist", headers=auth).status_code == 403
    assert platform.get(f"{other}/files/{file}", headers=auth).status_code == 403
    response = platform.post(f"{other}/airings", json=airing(), headers=auth)
    assert response.status_code == 403 and "đài khác" in response.get_json()["error"]
    assert list(airlog.entries(panel_runtime.engine)) == []


def test_only_files_of_the_stations_plan_are_served(platform, planned, token, panel_runtime):
    auth = bearer(token)
    assert platform.get(f"{BASE}/files/{planned[0].file}", headers=auth).status_code == 200
    for name in ("khong-co.mp3", "..%2Fbroadcaster.db", "manifest.json", "secret_key"):
        response = platform.get(f"{BASE}/files/{name}", headers=auth)
        assert response.status_code == 404, name
        assert response.is_json


def test_a_missed_or_failed_airing_needs_no_start_time(platform, planned, token, panel_runtime):
    auth = bearer(token)
    missed = airing(planned[2], started_at=..., ended_at=..., outcome="missed", reason="Mất điện")
    assert platform.post(f"{BASE}/airings", json=missed, headers=auth).status_code == 201
    failed = airing(position=1, scheduled_at="2026-11-29T23:30:00Z", outcome="failed")
    refused = platform.post(f"{BASE}/airings", json=failed, headers=auth)  # the panel's rule too
    assert refused.status_code == 400 and refused.json["field"] == "reason"
    failed["reason"] = "Loa cụm 2 không lên tiếng"
    assert platform.post(f"{BASE}/airings", json=failed, headers=auth).status_code == 201
    outcomes = [e.outcome for e in airlog.entries(panel_runtime.engine)]
    assert outcomes == [Outcome.MISSED, Outcome.FAILED]


def test_another_outcome_for_the_same_item_must_correct_the_first(
    platform, planned, token, panel_runtime
):
    auth = bearer(token)
    failed = airing(planned[2], outcome="failed", ended_at=..., reason="Mất kết nối")
    aired = airing(planned[2], started_at="2026-11-30T06:40:00+07:00", ended_at=...)
    first = platform.post(f"{BASE}/airings", json=failed, headers=auth)
    assert first.status_code == 201
    refused = platform.post(f"{BASE}/airings", json=aired, headers=auth)
    assert refused.status_code == 409 and "Đính chính" in refused.json["error"]
    aired.update(corrects=first.json["id"], reason="Phát lại khi có mạng")
    assert platform.post(f"{BASE}/airings", json=aired, headers=auth).status_code == 201
    entries = list(airlog.entries(panel_runtime.engine))
    assert [e.outcome for e in entries] == [Outcome.FAILED, Outcome.AIRED]
    assert entries[1].late is True and entries[1].corrects == entries[0].id


BAD_FIELDS = [
    ({"outcome": ...}, "outcome"),
    ({"outcome": "played"}, "outcome"),
    ({"scheduled_at": ...}, "scheduled_at"),
    ({"scheduled_at": "30/11/2026 06:32"}, "scheduled_at"),
    ({"scheduled_at": "2026-11-30T06:32:13"}, "scheduled_at"),  # no zone
    ({"scheduled_at": "2026-11-30T06:31:00+07:00"}, "scheduled_at"),  # nothing planned then
    ({"started_at": ...}, "started_at"),
    ({"started_at": "2026-11-30T09:00:00+07:00", "ended_at": ...}, "started_at"),  # future
    ({"started_at": 1764466334}, "started_at"),
    ({"ended_at": "2026-11-30T06:30:00+07:00"}, "ended_at"),  # before the start
    ({"position": 4}, "position"),
    ({"position": "3"}, "position"),
    ({"position": ..., "bulletin_id": "f07-gia-danh-cong-ty-tai-chinh-ngan-hang"}, "bulletin_id"),
    ({"position": ...}, "bulletin_id"),
    ({"reason": ["x"]}, "reason"),
    ({"corrects": "1"}, "corrects"),
    ({"corrects": 99, "reason": "sai giờ"}, "corrects"),  # not this item's entry
    ({"outcome": "missed"}, "started_at"),
    ({"played_by": "loa-1"}, "played_by"),
    (  # the evening item cannot be missed at 08:00
        {
            "scheduled_at": "2026-11-30T17:30:00+07:00",
            "position": 6,
            "outcome": "missed",
            "started_at": ...,
            "ended_at": ...,
        },
        "outcome",
    ),
]


def test_a_bad_field_is_named(platform, planned, token, panel_runtime):
    """One plan for the whole table: planning costs more than all the requests."""
    for fields, field in BAD_FIELDS:
        response = platform.post(
            f"{BASE}/airings", json=airing(planned[2], **fields), headers=bearer(token)
        )
        body = response.get_json()
        assert response.status_code == 400, (fields, body)
        assert body["field"] == field and body["error"].startswith(f"{field}: "), (fields, body)
    assert list(airlog.entries(panel_runtime.engine)) == []


def test_a_body_that_is_not_json_is_refused(platform, planned, token):
    response = platform.post(
        f"{BASE}/airings", data="outcome=aired", headers=bearer(token), content_type="text/plain"
    )
    assert response.status_code == 400 and "JSON" in response.get_json()["error"]


def test_deeply_nested_json_is_refused_with_a_reason(platform, token, panel_runtime):
    """Python's JSON parser recurses: five thousand brackets were a 500."""
    for depth in (21, 5_000):
        nested = '{"outcome": ' + "[" * depth + "]" * depth + "}"
        response = platform.post(
            f"{BASE}/airings", data=nested, headers=bearer(token), content_type="application/json"
        )
        assert response.status_code == 400, depth
        assert response.get_json() == {"error": "Nội dung JSON lồng nhau quá sâu (tối đa 20 cấp)."}
    assert list(airlog.entries(panel_runtime.engine)) == []


def test_brackets_inside_text_are_not_nesting(platform, token):
    body = airing(reason='[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{ \\" [[[[[[[[', outcome="bogus")
    response = platform.post(f"{BASE}/airings", json=body, headers=bearer(token))
    assert response.status_code == 400 and response.get_json()["field"] == "outcome"


def test_an_oversized_body_is_refused_before_it_is_parsed(platform, token):
    body = airing(reason="x" * 20_000)
    response = platform.post(f"{BASE}/airings", json=body, headers=bearer(token))
    assert response.status_code == 413
    assert response.get_json() == {"error": "Nội dung JSON quá lớn (tối đa 16 KB)."}


def test_playlist_dates(platform, planned, token):
    auth = bearer(token)
    response = platform.get(f"{BASE}/playlist?date=30-11-2026", headers=auth)
    assert response.status_code == 400 and response.get_json()["field"] == "date"
    response = platform.get(f"{BASE}/playlist?date=2026-12-01", headers=auth)
    assert response.status_code == 404 and "Chưa có danh sách phát" in response.get_json()["error"]


def test_only_the_hash_of_a_token_is_stored(app, panel_runtime):
    issued = tokens.issue(panel_runtime.engine, "co-am", by="quantri", now=NOW)
    with panel_runtime.engine.connect() as connection:
        (stored,) = connection.execute(select(station_tokens.c.token_sha256)).scalars()
    assert stored == hashlib.sha256(issued.secret.encode()).hexdigest() != issued.secret
    assert tokens.verify(panel_runtime.engine, issued.secret).station_id == "co-am"
    assert tokens.verify(panel_runtime.engine, issued.secret + "x") is None
    assert tokens.verify(panel_runtime.engine, "bst_" + "é" * 10) is None
    tokens.revoke(panel_runtime.engine, issued.token.id, now=NOW)
    assert tokens.verify(panel_runtime.engine, issued.secret) is None


# ---------------------------------------------------------------- emergency alerts


def test_the_alerts_endpoint_offers_the_active_alerts_with_audio_and_an_etag(
    planned, platform, token, panel_runtime
):
    from broadcaster.alerts.raising import raise_alert
    from broadcaster.alerts.withdrawing import withdraw_alert

    url = f"{BASE}/alerts"
    empty = platform.get(url, headers=bearer(token))
    assert empty.status_code == 200 and empty.json == {"station_id": "co-am", "alerts": []}
    f14 = "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"
    other = raise_alert(panel_runtime, f14, stations=["tam-cuong"], by="canbo").alert
    mine = raise_alert(panel_runtime, f14, stations=None, by="canbo").alert

    first = platform.get(url, headers=bearer(token))
    assert first.status_code == 200 and first.headers["ETag"] != empty.headers["ETag"]
    (offered,) = first.json["alerts"]  # not Tam Cường's
    assert (
        offered["id"] == mine.id
        and offered["title"]
        and offered["raised_at"].startswith("2026-11-30T08:00:00")
    )
    assert offered["sha256"] == panel_runtime.renders()[f14].sha256
    again = platform.get(url, headers={**bearer(token), "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""

    audio = platform.get(offered["url"], headers=bearer(token))
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    assert hashlib.sha256(audio.data).hexdigest() == offered["sha256"]
    assert audio.headers["X-Content-SHA256"] == offered["sha256"]
    other_audio = f"{BASE}/alerts/{other.id}/audio"
    assert platform.get(other_audio, headers=bearer(token)).status_code == 404

    withdraw_alert(panel_runtime, mine.id, by="canbo", reason="Nhầm")
    changed = platform.get(url, headers={**bearer(token), "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["alerts"] == []
    assert platform.get(offered["url"], headers=bearer(token)).status_code == 404


def test_the_alerts_endpoint_needs_the_stations_own_token(app, platform, token, panel_runtime):
    assert platform.get(f"{BASE}/alerts").status_code == 401
    assert platform.get(f"{BASE}/alerts", headers=bearer("sai")).status_code == 401
    other = tokens.issue(panel_runtime.engine, "tam-cuong", by="quantri", now=NOW).secret
    assert platform.get(f"{BASE}/alerts", headers=bearer(other)).status_code == 403
    assert platform.get(f"{BASE}/alerts/1/audio", headers=bearer(other)).status_code == 403
    assert platform.get(f"{BASE}/alerts/1/audio").status_code == 401
