"""A typed warning becomes a real library bulletin: offline voice, id from the title,
valid today, audited under its author, and limited to the stations it was raised for."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcaster import approval, audit
from broadcaster.alerts import emergency
from broadcaster.alerts.raising import raise_alert
from broadcaster.approval.review import last_author
from broadcaster.errors import Refused
from broadcaster.render.pipeline import render_library
from broadcaster.runtime import FixedClock, build_runtime

VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=VN)


@pytest.fixture
def runtime(repo, rendered, library_copy):
    """gTTS first, as shipped: the warning must still name the offline voice."""
    return build_runtime(
        environ={
            "BROADCASTER_DATA_DIR": str(rendered),
            "BROADCASTER_LIBRARY_DIR": str(library_copy),
            "BROADCASTER_SPEECH__ENGINES": "gtts,espeak",
        },
        clock=FixedClock(NOW),
    )


def test_a_warning_is_a_bulletin_of_today_in_the_offline_voice(runtime):
    made = emergency.create(runtime, "  Bão số 12 ", "Bà con sơ tán ngay.\r\n", by="canbo")
    assert made.id == "canh-bao-bao-so-12-20261130"
    again = emergency.create(runtime, "Bão số 12", "Bà con ở yên trong nhà.", by="canbo")
    assert again.id == "canh-bao-bao-so-12-20261130-2"  # never over the first
    loaded = runtime.library().get(made.id)
    assert (loaded.title, loaded.body, loaded.form) == ("Bão số 12", "Bà con sơ tán ngay.", None)
    assert loaded.voice == runtime.settings.speech.espeak.voice
    assert (loaded.valid_from, loaded.valid_until) == (NOW.date(), NOW.date())
    assert last_author(runtime, made.id) == "canbo"  # the four-eyes rule knows the author
    (entry,) = [e for e in audit.recent(runtime.engine) if e.target == made.id]
    assert entry.action == "create" and "Bão số 12" in entry.detail


@pytest.mark.parametrize(
    ("title", "body", "code"),
    [
        ("", "Sơ tán.", "emergency-title-empty"),
        ("x" * 121, "Sơ tán.", "emergency-title-long"),
        ("Bão", " \n", "emergency-text-empty"),
        ("Bão", "a" * 1201, "emergency-text-long"),
    ],
)
def test_what_is_refused_writes_nothing(runtime, title, body, code):
    before = sorted(runtime.settings.library_dir.iterdir())
    with pytest.raises(Refused) as refused:
        emergency.create(runtime, title, body, by="canbo")
    assert refused.value.code == code
    assert sorted(runtime.settings.library_dir.iterdir()) == before


def test_raised_for_two_communes_it_is_their_bulletin_only(runtime):
    made = emergency.create(runtime, "Lũ quét", "Tránh xa bờ sông.", by="canbo")
    report = render_library(
        [made], settings=runtime.settings, lexicon=runtime.lexicon, clock=runtime.clock
    )
    assert not report.failures
    record = runtime.renders()[made.id]
    assert record.engine == "espeak"  # no network asked for
    approval.decide(runtime.engine, record, verdict=approval.Verdict.APPROVED, by="x", now=NOW)
    raise_alert(runtime, made.id, stations=["co-am", "tam-cuong"], by="canbo2")
    assert runtime.library().get(made.id).stations == ("co-am", "tam-cuong")
