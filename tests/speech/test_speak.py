"""speak(): the configured engines in order, so a bulletin is spoken whatever the network does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from broadcaster.config import KNOWN_ENGINES, SpeechSettings
from broadcaster.errors import EngineError
from broadcaster.probe import probe
from broadcaster.speech import ENGINES, build_engines, speak
from broadcaster.speech.base import sha256_text

TEXT = "Thưa bà con, công an không bao giờ gọi điện yêu cầu chuyển tiền. Hãy gọi một một ba."


def test_online_the_first_engine_speaks(engines, cache, google):
    speech = speak(TEXT, engines=engines, cache=cache)
    assert (speech.engine, speech.voice) == ("gtts", "gtts-vi")
    assert speech.fallback is False
    assert speech.cached is False
    assert speech.failures == ()
    assert speech.text_hash == sha256_text(TEXT)
    assert speech.path.parent == cache.directory
    assert probe(speech.path).codec == "mp3"
    assert [e.calls for e in engines] == [1, 0]


def test_server_errors_fall_back_to_espeak_after_the_retries(engines, cache, google, sleeps):
    google.always = 500
    speech = speak(TEXT, engines=engines, cache=cache)
    assert (speech.engine, speech.voice) == ("espeak", "vi")
    assert speech.fallback is True
    assert speech.cached is False
    (failure,) = speech.failures
    assert "HTTP 500" in failure and "after 4 attempts" in failure
    assert sleeps == [1.0, 2.0, 4.0]
    assert probe(speech.path).duration_s > 2


def test_offline_falls_back_at_once(engines, cache, google, sleeps):
    google.offline()
    speech = speak(TEXT, engines=engines, cache=cache)
    assert speech.engine == "espeak"
    assert speech.fallback is True
    assert speech.failures == ("gtts: cannot reach translate.google.com.vn (offline?)",)
    assert google.calls == 1
    assert sleeps == []


def test_better_voice_replaces_the_fallback_once_back_online(engines, cache, google):
    google.offline()
    assert speak(TEXT, engines=engines, cache=cache).engine == "espeak"
    offline_again = speak(TEXT, engines=engines, cache=cache)
    assert (offline_again.engine, offline_again.cached) == ("espeak", True)

    google.always = None  # the network is back
    online = speak(TEXT, engines=engines, cache=cache)
    assert (online.engine, online.fallback, online.cached) == ("gtts", False, False)
    again = speak(TEXT, engines=engines, cache=cache)
    assert (again.engine, again.cached) == ("gtts", True)
    assert [e.calls for e in engines] == [3, 1]  # gTTS was tried each time; espeak-ng once


def test_a_bulletin_asking_for_an_espeak_voice_gets_it_without_asking_google(
    engines, cache, google
):
    speech = speak(TEXT, engines=engines, cache=cache, voice="vi-vn-x-south")
    assert (speech.engine, speech.voice) == ("espeak", "vi-vn-x-south")
    assert speech.fallback is False  # what was asked for: nothing better to wait for
    assert speech.failures == ("gtts: cannot use voice 'vi-vn-x-south' (gtts voices: gtts-vi)",)
    assert google.calls == 0


def test_a_voice_no_engine_has_is_refused_listing_every_voice(engines, cache, google):
    with pytest.raises(EngineError) as caught:
        speak(TEXT, engines=engines, cache=cache, voice="vi-vn-x-north")
    assert str(caught.value) == (
        "unknown voice 'vi-vn-x-north' "
        "(gtts voices: gtts-vi; espeak voices: vi, vi-vn-x-central, vi-vn-x-south)"
    )
    assert [e.calls for e in engines] == [0, 0]
    assert google.calls == 0


def test_espeak_voice_is_a_fallback_when_espeak_is_first_and_fails(
    speech_settings, cache, google, sleeps, tmp_path, monkeypatch
):
    """With espeak-ng configured first, speech from gTTS is the fallback."""
    order = SpeechSettings(("espeak", "gtts"), speech_settings.gtts, speech_settings.espeak)
    engines = build_engines(order, sleep=sleeps.append)
    monkeypatch.setenv("PATH", str(_tools_without_espeak(tmp_path)))
    speech = speak(TEXT, engines=engines, cache=cache)
    assert (speech.engine, speech.fallback) == ("gtts", True)
    assert "espeak-ng is not available" in speech.failures[0]


def test_when_every_engine_fails_each_reason_is_given(
    engines, cache, google, tmp_path, monkeypatch
):
    google.offline()
    monkeypatch.setenv("PATH", str(_tools_without_espeak(tmp_path)))
    with pytest.raises(EngineError) as caught:
        speak(TEXT, engines=engines, cache=cache)
    assert str(caught.value).splitlines() == [
        "no speech engine could speak the text:",
        "  gtts: cannot reach translate.google.com.vn (offline?)",
        "  espeak: espeak-ng is not available: install it with: sudo apt-get install espeak-ng",
    ]


@pytest.mark.parametrize("text", ["", "  \n "])
def test_empty_text_is_refused(engines, cache, text):
    with pytest.raises(EngineError, match="nothing to speak"):
        speak(text, engines=engines, cache=cache)


def test_engines_are_built_in_the_configured_order(speech_settings):
    assert [e.name for e in build_engines(speech_settings)] == ["gtts", "espeak"]
    only_espeak = SpeechSettings(("espeak",), speech_settings.gtts, speech_settings.espeak)
    assert [e.name for e in build_engines(only_espeak)] == ["espeak"]


def test_unknown_engine_names_the_known_ones(speech_settings):
    polly = SpeechSettings(("polly",), speech_settings.gtts, speech_settings.espeak)
    with pytest.raises(EngineError, match=r"unknown speech engine 'polly' \(known: gtts, espeak\)"):
        build_engines(polly)


def test_every_engine_the_settings_accept_can_be_built():
    assert set(ENGINES) == set(KNOWN_ENGINES)


def _tools_without_espeak(tmp_path: Path) -> Path:
    """A folder for PATH with ffmpeg and ffprobe, but no espeak-ng: a half-installed machine."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("ffmpeg", "ffprobe"):
        os.symlink(shutil.which(tool), folder / tool)
    return folder
