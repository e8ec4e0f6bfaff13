"""master(): real speech in, an airable MP3 out, checked the way a listener's player hears it."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from pathlib import Path

import mutagen.easyid3
import mutagen.id3
import numpy as np
import pytest
from audio_checks import RATE, TITLE, ffmpeg, measure, read_wav, syllables, write_wav

import broadcaster.mastering as mastering
from broadcaster.errors import AudioError, RenderError

pytest_plugins = ["mastering_fixtures"]

INTRO_S = 5.0  # audio/nhac-hieu.wav
OUTRO_S = 2.4  # audio/nhac-ket.wav


def test_default_target_is_met_on_the_decoded_mp3(master_to, espeak_wav):
    mastered = master_to(espeak_wav)
    heard = measure(mastered.path)
    assert heard.lufs == pytest.approx(-16.0, abs=1.0)
    assert heard.true_peak_dbtp <= -1.0
    # what master() reports is what an independent meter hears
    assert mastered.loudness_lufs == pytest.approx(heard.lufs, abs=0.05)
    assert mastered.true_peak_dbtp == pytest.approx(heard.true_peak_dbtp, abs=0.1)


def test_a_custom_target_is_met(master_to, espeak_wav, mastering_settings):
    quiet = dataclasses.replace(mastering_settings, loudness_lufs=-23.0, true_peak_dbtp=-2.0)
    heard = measure(master_to(espeak_wav, settings=quiet).path)
    assert heard.lufs == pytest.approx(-23.0, abs=1.0)
    assert heard.true_peak_dbtp <= -2.0


def test_a_clipped_hot_input_is_limited_not_clipped(master_to, espeak_wav, tmp_path):
    voice = read_wav(espeak_wav)
    hot = np.clip(voice * 30, -1, 1)  # +30 dB into hard clipping
    hot[:: len(hot) // 7] = 1.0  # and a few full-scale clicks
    mastered = master_to(write_wav(tmp_path / "hot.wav", hot, 22050))
    heard = measure(mastered.path)
    assert heard.true_peak_dbtp <= -1.0
    assert heard.lufs == pytest.approx(-16.0, abs=1.0)


def test_quiet_speech_and_a_loud_tone_come_out_equally_loud(master_to, espeak_wav, tmp_path):
    quiet = write_wav(tmp_path / "quiet.wav", read_wav(espeak_wav) * 0.03, 22050)  # -30 dB
    t = np.arange(6 * RATE) / RATE
    loud = write_wav(tmp_path / "loud.wav", 0.99 * np.sin(2 * np.pi * 440 * t))
    a = measure(master_to(quiet).path).lufs
    b = measure(master_to(loud).path).lufs
    assert a == pytest.approx(-16.0, abs=1.0)
    assert b == pytest.approx(-16.0, abs=1.0)
    assert a == pytest.approx(b, abs=1.0)


def test_segment_is_tune_pause_speech_pause_sting(master_to, tmp_path):
    sound = syllables(seconds=3.0)
    padded = np.concatenate([np.zeros(RATE), sound, np.zeros(2 * RATE)])  # engine padding
    mastered = master_to(write_wav(tmp_path / "padded.wav", padded))
    # only the padding goes, with 100 ms kept each side; the inner pause stays
    assert mastered.speech_duration_s == pytest.approx(3.0 + 0.2, abs=0.02)
    expected = INTRO_S + 0.8 + mastered.speech_duration_s + 1.0 + OUTRO_S
    assert mastered.duration_s == pytest.approx(expected, abs=0.06)
    assert measure(mastered.path).duration_s == pytest.approx(expected, abs=0.06)


def test_a_programme_without_tunes_is_just_the_speech(master_to, espeak_wav, programme_settings):
    bare = dataclasses.replace(programme_settings, intro=None, outro=None)
    mastered = master_to(espeak_wav, programme=bare)
    heard = measure(mastered.path)
    assert heard.duration_s == pytest.approx(mastered.speech_duration_s, abs=0.06)
    assert heard.lufs == pytest.approx(-16.0, abs=1.0)
    assert heard.true_peak_dbtp <= -1.0


@pytest.mark.parametrize(
    "suffix, options",
    [
        (".wav", ["-ar", "48000", "-ac", "2"]),  # stereo 48 kHz from a recorder
        (".mp3", ["-ar", "24000", "-c:a", "libmp3lame", "-b:a", "32k"]),  # like gTTS
        (".m4a", ["-ar", "44100", "-ac", "2", "-c:a", "aac"]),  # a phone recording
        (".ogg", ["-ar", "48000", "-c:a", "libopus"]),  # a voice message
    ],
)
def test_any_input_format_masters_to_the_target(master_to, espeak_wav, tmp_path, suffix, options):
    source = tmp_path / f"input{suffix}"
    ffmpeg("-i", str(espeak_wav), *options, str(source))
    mastered = master_to(source)
    heard = measure(mastered.path)
    assert heard.lufs == pytest.approx(-16.0, abs=1.0)
    assert heard.true_peak_dbtp <= -1.0
    assert mastered.speech_duration_s > 5.0


def test_tags_are_readable_by_players(master_to, espeak_wav, bulletin_tags):
    path = master_to(espeak_wav).path
    easy = mutagen.easyid3.EasyID3(path)
    assert easy["title"] == [TITLE]
    assert easy["album"] == [bulletin_tags.programme]
    assert easy["date"] == ["2025-07-01"]
    id3 = mutagen.id3.ID3(path)
    assert id3.version == (2, 3, 0)
    extra = {frame.desc: frame.text[0] for frame in id3.getall("TXXX")}
    assert extra["bulletin_id"] == bulletin_tags.bulletin_id
    assert (extra["engine"], extra["voice"]) == ("espeak", "vi")


def test_file_is_named_after_its_content(master_to, espeak_wav, renders_dir, bulletin_tags):
    mastered = master_to(espeak_wav)
    assert mastered.sha256 == hashlib.sha256(mastered.path.read_bytes()).hexdigest()
    assert mastered.path.parent == renders_dir
    name = rf"{bulletin_tags.bulletin_id}-{mastered.sha256[:12]}\.mp3"
    assert re.fullmatch(name, mastered.path.name)
    assert sorted(p.name for p in renders_dir.iterdir()) == [mastered.path.name]  # no temp left


def test_same_speech_gives_the_same_file(master_to, espeak_wav, renders_dir):
    first = master_to(espeak_wav)
    second = master_to(espeak_wav)
    assert (first.path, first.sha256) == (second.path, second.sha256)
    assert len(list(renders_dir.iterdir())) == 1


def _silent(path: Path) -> Path:
    return write_wav(path, np.zeros(3 * RATE))


def _header_only(path: Path) -> Path:
    return write_wav(path, np.zeros(0))


def _zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _too_short(path: Path) -> Path:
    return write_wav(path, syllables(seconds=0.1))


@pytest.mark.parametrize("make", [_silent, _header_only, _zero_bytes, _too_short])
def test_unusable_speech_is_refused_and_leaves_nothing(master_to, tmp_path, renders_dir, make):
    speech = make(tmp_path / "speech.wav")
    with pytest.raises(RenderError):
        master_to(speech)
    assert not renders_dir.exists() or list(renders_dir.iterdir()) == []


def test_unreadable_speech_is_an_audio_error(master_to, tmp_path, renders_dir):
    speech = tmp_path / "speech.wav"
    speech.write_text("this is not audio")
    with pytest.raises(AudioError, match="speech.wav"):
        master_to(speech)
    assert not renders_dir.exists() or list(renders_dir.iterdir()) == []


def test_an_unreachable_target_is_refused_and_leaves_nothing(
    master_to, espeak_wav, mastering_settings, renders_dir
):
    impossible = dataclasses.replace(mastering_settings, loudness_lufs=-5.0, true_peak_dbtp=-9.0)
    with pytest.raises(RenderError, match="cannot master"):
        master_to(espeak_wav, settings=impossible)
    assert list(renders_dir.iterdir()) == []


def test_a_failure_while_encoding_leaves_no_temporary_file(
    master_to, espeak_wav, renders_dir, monkeypatch
):
    def broken(samples, *, rate, bitrate_kbps, dest):
        dest.write_bytes(b"\xff\xfb" * 1000)  # half an MP3, then the process "dies"
        raise KeyboardInterrupt

    monkeypatch.setattr(mastering, "encode_mp3", broken)
    with pytest.raises(KeyboardInterrupt):
        master_to(espeak_wav)
    assert list(renders_dir.iterdir()) == []


def test_a_bulletin_id_cannot_escape_the_output_folder(master_to, espeak_wav, bulletin_tags):
    with pytest.raises(RenderError, match="file name"):
        master_to(espeak_wav, tags=dataclasses.replace(bulletin_tags, bulletin_id="../x"))


def test_published_file_follows_the_umask_not_owner_only(master_to, espeak_wav):
    old = os.umask(0o022)
    try:
        mode = master_to(espeak_wav).path.stat().st_mode
    finally:
        os.umask(old)
    assert mode & 0o777 == 0o644  # the panel and commune players read it
