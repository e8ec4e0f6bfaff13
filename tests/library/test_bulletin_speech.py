"""A bulletin's own reading pace: ``speech: {rate, sentence_pause_ms}`` over the configured one.

What matters to staff: a bulletin may be read slower (an emergency, a long list of numbers),
a mistake in the mapping is reported with its file and line, and changing it (or the config)
marks exactly the affected audio as stale so it is rendered again.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from broadcaster.errors import LibraryError
from broadcaster.library.bulletins import SpeechOverride, load_library
from broadcaster.normalize import Lexicon
from broadcaster.render.pipeline import plan_jobs

BULLETIN = """\
id: {id}
form: 3
kind: bulletin
title: Khóa SIM
priority: thuong
valid_from: 2023-01-01
{speech}body: |
  Thưa bà con, đối tượng gọi điện báo sắp khóa SIM.
"""


def write(folder: Path, name: str, speech: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(BULLETIN.format(id=name, speech=speech), encoding="utf-8")
    return path


def test_a_bulletin_may_set_its_own_rate_and_pause(tmp_path):
    write(tmp_path, "cham", "speech:\n  rate: 110\n  sentence_pause_ms: 1000\n")
    write(tmp_path, "nghi", "speech:\n  sentence_pause_ms: 900\n")
    write(tmp_path, "thuong")
    library = load_library(tmp_path)
    assert library.get("cham").speech == SpeechOverride(rate=110, sentence_pause_ms=1000)
    assert library.get("nghi").speech == SpeechOverride(rate=None, sentence_pause_ms=900)
    assert library.get("thuong").speech is None


def test_the_override_wins_over_the_configured_reading(settings):
    configured = settings.speech
    own = configured.for_bulletin(SpeechOverride(rate=110)).espeak
    assert (own.rate, own.sentence_pause_ms) == (110, configured.espeak.sentence_pause_ms)
    assert configured.for_bulletin(None) is configured


@pytest.mark.parametrize(
    ("speech", "message"),
    [
        ("speech:\n  rate: 20\n", "speech.rate must be a whole number from 80 to 450"),
        ("speech:\n  sentence_pause_ms: lâu\n", "speech.sentence_pause_ms must be a whole"),
        ("speech:\n  pause: 500\n", "unknown speech field 'pause'"),
        ("speech: chậm\n", "speech must be a mapping"),
    ],
)
def test_mistakes_are_reported_with_file_and_line(tmp_path, speech, message):
    write(tmp_path, "sai", speech)
    with pytest.raises(LibraryError) as caught:
        load_library(tmp_path)
    (problem,) = caught.value.problems
    assert message in problem.message
    assert problem.source.endswith("sai.yaml") and problem.line in (7, 8)


def keys(folder: Path, settings) -> dict[str, str]:
    jobs = plan_jobs(list(load_library(folder)), settings, Lexicon.load())
    return {job.bulletin.id: job.render_key for job in jobs}


def test_changing_the_pace_rerenders_exactly_what_it_touches(tmp_path, settings):
    write(tmp_path, "mot")
    write(tmp_path, "hai")
    before = keys(tmp_path, settings)

    write(tmp_path, "hai", "speech:\n  rate: 110\n")
    after = keys(tmp_path, settings)
    assert after["mot"] == before["mot"]
    assert after["hai"] != before["hai"]

    # The configured pause changes every bulletin that does not set its own.
    espeak = dataclasses.replace(settings.speech.espeak, sentence_pause_ms=1000)
    slower = dataclasses.replace(
        settings, speech=dataclasses.replace(settings.speech, espeak=espeak)
    )
    changed = keys(tmp_path, slower)
    assert changed["mot"] != after["mot"] and changed["hai"] != after["hai"]
