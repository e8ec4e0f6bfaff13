"""The speech cache: the same words are never synthesised twice, and a damaged file never airs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broadcaster.config import EspeakSettings
from broadcaster.speech import SpeechCache, build_engines, speak
from broadcaster.speech.espeak import EspeakEngine

TEXT = "Thưa bà con, không cung cấp mã OTP cho bất kỳ ai, kể cả người xưng là nhân viên ngân hàng."


@pytest.fixture
def espeak_only(engines):
    """Just the offline engine (counted), for tests about the cache rather than the chain."""
    return [engines[1]]


def test_second_request_is_served_from_the_cache(espeak_only, cache):
    first = speak(TEXT, engines=espeak_only, cache=cache)
    second = speak(TEXT, engines=espeak_only, cache=cache)
    assert (first.cached, second.cached) == (False, True)
    assert second.path == first.path
    assert espeak_only[0].calls == 1


def test_gtts_speech_is_cached_too(engines, cache, google):
    speak(TEXT, engines=engines, cache=cache)
    requests_made = google.calls
    again = speak(TEXT, engines=engines, cache=cache)
    assert (again.engine, again.cached) == ("gtts", True)
    assert google.calls == requests_made


def test_a_fresh_cache_object_finds_what_an_earlier_run_made(espeak_only, cache):
    path = speak(TEXT, engines=espeak_only, cache=cache).path
    later = speak(TEXT, engines=espeak_only, cache=SpeechCache(cache.directory))
    assert (later.path, later.cached) == (path, True)


@pytest.mark.parametrize(
    ("change", "voice"),
    [
        (TEXT + " Xin cảm ơn.", None),  # other words
        (TEXT.replace("OTP", "mã"), None),
        (TEXT, "vi-vn-x-south"),  # another voice
    ],
)
def test_anything_that_changes_the_sound_misses_the_cache(espeak_only, cache, change, voice):
    speak(TEXT, engines=espeak_only, cache=cache)
    assert speak(change, engines=espeak_only, cache=cache, voice=voice).cached is False
    assert espeak_only[0].calls == 2


def test_engine_settings_are_part_of_the_key(cache):
    normal = EspeakEngine(EspeakSettings(voice="vi", rate=150, pitch=50))
    high = EspeakEngine(EspeakSettings(voice="vi", rate=150, pitch=80))
    assert cache.key(normal, "vi", TEXT) != cache.key(high, "vi", TEXT)
    speak(TEXT, engines=[normal], cache=cache)
    assert speak(TEXT, engines=[high], cache=cache).cached is False


def truncate(audio: Path, sidecar: Path) -> None:
    audio.write_bytes(audio.read_bytes()[: audio.stat().st_size // 2])


def empty(audio: Path, sidecar: Path) -> None:
    audio.write_bytes(b"")


def scramble(audio: Path, sidecar: Path) -> None:
    """Same size, other bytes: a bad disk block, or a half-finished copy."""
    data = bytearray(audio.read_bytes())
    data[-100:] = bytes(b ^ 0xFF for b in data[-100:])
    audio.write_bytes(bytes(data))


def lose_sidecar(audio: Path, sidecar: Path) -> None:
    """A crash between writing the audio and its sidecar."""
    sidecar.unlink()


def garble_sidecar(audio: Path, sidecar: Path) -> None:
    sidecar.write_text("{not json", "utf-8")


def lose_audio(audio: Path, sidecar: Path) -> None:
    audio.unlink()


@pytest.mark.parametrize(
    "damage", [truncate, empty, scramble, lose_sidecar, garble_sidecar, lose_audio]
)
def test_damaged_entry_is_made_again_not_returned(espeak_only, cache, damage, decode):
    first = speak(TEXT, engines=espeak_only, cache=cache)
    good = first.path.read_bytes()
    damage(first.path, first.path.with_suffix(".json"))

    again = speak(TEXT, engines=espeak_only, cache=cache)
    assert again.cached is False
    assert espeak_only[0].calls == 2
    assert again.path.read_bytes() == good  # espeak-ng is deterministic
    assert decode(again.path).errors == ""
    assert speak(TEXT, engines=espeak_only, cache=cache).cached is True


def test_sidecar_records_what_was_made(espeak_only, cache):
    speech = speak(TEXT, engines=espeak_only, cache=cache, voice="vi-vn-x-central")
    record = json.loads(speech.path.with_suffix(".json").read_text("utf-8"))
    assert record["engine"] == "espeak"
    assert record["voice"] == "vi-vn-x-central"
    assert record["options"] == {"rate": 130, "pitch": 50, "sentence_pause_ms": 700}
    assert record["text_sha256"] == speech.text_hash
    assert record["size"] == speech.path.stat().st_size
    assert record["duration_s"] > 2
    for path in (speech.path, speech.path.with_suffix(".json")):
        assert path.stat().st_mode & 0o777 == 0o644  # readable by the panel's user too


def test_unusable_audio_never_enters_the_cache(engines, cache, google):
    google.always = b"\xff\xfb" + bytes(300)  # an MP3 frame sync, then nothing decodable
    speech = speak(TEXT, engines=engines, cache=cache)
    assert speech.engine == "espeak"
    assert "gtts" in speech.failures[0]
    names = sorted(p.name for p in cache.directory.iterdir())
    assert names == sorted([speech.path.name, speech.path.with_suffix(".json").name])


def test_no_temporary_files_are_left_behind(speech_settings, cache, google):
    google.always = 503
    engines = build_engines(speech_settings, sleep=lambda s: None)
    speak(TEXT, engines=engines, cache=cache)
    speak(TEXT + " Hết.", engines=engines, cache=cache)
    assert not [p for p in cache.directory.iterdir() if p.name.startswith(".")]
