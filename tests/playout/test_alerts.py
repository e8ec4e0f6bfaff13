"""Emergency alerts: raised for approved audio only, found by the stations they name."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcaster import alerts
from broadcaster.approval import Verdict, decide
from broadcaster.errors import Refused
from broadcaster.render.manifest import RenderRecord

NOW = dt.datetime(2025, 3, 3, 8, 15, tzinfo=dt.UTC)


@pytest.fixture
def engine(studio):
    return studio.engine


def record(sha: str) -> RenderRecord:
    return RenderRecord(
        "canh-bao", f"canh-bao-{sha[:12]}.mp3", sha, 30.0, 28.0, -16.0, -1.0, "espeak", "vi",
        False, "0" * 64, "0" * 64, "khan_cap", NOW.isoformat(),
    )  # fmt: skip


def raise_for(engine, stations, sha: str = "a" * 64, now: dt.datetime = NOW) -> int:
    return alerts.record_alert(
        engine,
        bulletin_id="canh-bao",
        render_sha256=sha,
        file=f"canh-bao-{sha[:12]}.mp3",
        duration_s=30.0,
        title="Cảnh báo lừa đảo khẩn cấp",
        station_ids=stations,
        raised_by="bien-tap",
        now=now,
    )


@pytest.fixture
def approved(engine) -> str:
    sha = "a" * 64
    decide(engine, record(sha), verdict=Verdict.APPROVED, by="truong-phong", now=NOW)
    return sha


def test_each_station_finds_the_alerts_that_name_it_or_everyone(engine, approved):
    first = raise_for(engine, ["tam-cuong", "co-am"])
    everyone = raise_for(engine, None, now=NOW + dt.timedelta(minutes=1))
    raise_for(engine, ["vinh-tien"])

    found = alerts.pending_alerts(engine, "co-am")
    assert [a.id for a in found] == [first, everyone]
    assert found[0].station_ids == ("co-am", "tam-cuong")
    assert found[1].station_ids is None
    assert found[0].raised_at == NOW
    assert found[0].title == "Cảnh báo lừa đảo khẩn cấp"
    assert [a.id for a in alerts.pending_alerts(engine, "co-am", after_id=first)] == [everyone]
    assert alerts.pending_alerts(engine, "co-am", after_id=everyone) == []


def test_only_approved_audio_may_interrupt_the_air(engine):
    with pytest.raises(Refused, match="has not been approved"):
        raise_for(engine, None, sha="b" * 64)
    decide(engine, record("c" * 64), verdict=Verdict.APPROVED, by="tp", now=NOW)
    decide(engine, record("c" * 64), verdict=Verdict.REJECTED, by="tp", now=NOW)
    with pytest.raises(Refused, match="was rejected"):
        raise_for(engine, None, sha="c" * 64)
    assert alerts.pending_alerts(engine, "co-am") == []


def test_an_alert_for_no_station_is_refused(engine, approved):
    with pytest.raises(Refused, match="needs a station"):
        raise_for(engine, [])
