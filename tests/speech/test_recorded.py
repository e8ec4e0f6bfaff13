"""An announcer's recording: whatever device made it, it is used, unless it cannot be aired."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from broadcaster.errors import AudioError
from broadcaster.probe import probe
from broadcaster.speech import check_recording, recorded, speak_recording
from broadcaster.speech.base import sha256_text

TEXT = "Thưa bà con, đây là bản tin phòng chống lừa đảo."
VOICE_LIKE = "sine=f=220:d=2,volume=0.5"  # two seconds of a steady, speech-loud tone


def make(path: Path, source: str, *args: str) -> Path:
    argv = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", source, *args]
    subprocess.run([*argv, str(path)], check=True)
    return path


@pytest.mark.parametrize(
    ("name", "codec_args", "codec"),
    [
        ("phone.m4a", ["-c:a", "aac", "-b:a", "96k"], "aac"),
        ("zalo.ogg", ["-c:a", "libvorbis"], "vorbis"),
        ("recorder.mp3", ["-c:a", "libmp3lame", "-b:a", "128k"], "mp3"),
        ("studio.wav", ["-c:a", "pcm_s24le"], "pcm_s24le"),
    ],
)
def test_stereo_48khz_recordings_are_accepted(tmp_path, name, codec_args, codec):
    path = make(tmp_path / name, VOICE_LIKE, "-ac", "2", "-ar", "48000", *codec_args)
    info = check_recording(path)
    assert (info.channels, info.sample_rate, info.codec) == (2, 48000, codec)
    assert info.duration_s == pytest.approx(2.0, abs=0.1)


def test_a_quiet_but_real_recording_is_accepted(tmp_path):
    path = make(tmp_path / "quiet.wav", "sine=f=220:d=2,volume=0.01")  # peak about -40 dBFS
    assert check_recording(path).duration_s == pytest.approx(2.0, abs=0.05)


def test_recording_becomes_the_speech_of_its_bulletin(tmp_path):
    path = make(tmp_path / "doc-ban-tin.m4a", VOICE_LIKE, "-c:a", "aac")
    speech = speak_recording(path, TEXT)
    assert speech.path == path
    assert (speech.engine, speech.voice) == ("recorded", "doc-ban-tin.m4a")
    assert (speech.fallback, speech.cached, speech.failures) == (False, False, ())
    assert speech.text_hash == sha256_text(TEXT)


def test_a_text_file_renamed_mp3_is_refused_by_name(tmp_path):
    path = tmp_path / "ban-tin-01.mp3"
    path.write_text("Thưa bà con, đây không phải âm thanh.\n", "utf-8")
    with pytest.raises(AudioError, match=r"ban-tin-01\.mp3: not a readable audio file"):
        check_recording(path)


def test_a_picture_is_refused_as_having_no_audio(tmp_path):
    path = make(tmp_path / "anh.png", "color=c=red:s=16x16:d=1", "-frames:v", "1")
    with pytest.raises(AudioError, match=r"anh\.png: contains no audio"):
        check_recording(path)


def test_a_silent_recording_is_refused(tmp_path):
    path = make(tmp_path / "mic-off.m4a", "anullsrc=r=44100:cl=mono", "-t", "3", "-c:a", "aac")
    with pytest.raises(AudioError, match=r"mic-off\.m4a: the recording is silent") as caught:
        speak_recording(path, TEXT)
    assert "microphone" in str(caught.value)


def test_near_silence_is_refused_too(tmp_path):
    path = make(tmp_path / "hiss.wav", "anoisesrc=a=0.0005:d=2")  # about -66 dBFS of hiss
    with pytest.raises(AudioError, match="silent"):
        check_recording(path)


def test_a_recording_over_half_an_hour_is_refused(tmp_path):
    # 31 minutes at 4 kHz ADPCM: a real file, made in well under a second
    source = "sine=f=300:sample_rate=4000:d=1860"
    path = make(tmp_path / "ca-buoi.wav", source, "-c:a", "adpcm_ima_wav")
    with pytest.raises(
        AudioError, match=r"ca-buoi\.wav: the recording lasts 0:31:00; the limit is 30 minutes"
    ):
        check_recording(path)


def test_eight_channels_at_192khz_are_refused_before_decoding(tmp_path):
    """5 MB of such FLAC (named .ogg, as it was sent) once took a render to 2.27 GB."""
    source = "sine=f=220:sample_rate=192000:d=2"
    path = make(tmp_path / "da-kenh.ogg", source, "-ac", "8", "-c:a", "flac")
    with pytest.raises(
        AudioError,
        match=r"da-kenh\.ogg: the recording has 8 channels; at most 2 \(mono or stereo\)",
    ):
        check_recording(path)


def test_a_sample_rate_over_48khz_is_refused(tmp_path):
    path = make(tmp_path / "studio-96k.wav", "sine=f=220:sample_rate=96000:d=2,volume=0.5")
    with pytest.raises(
        AudioError,
        match=r"studio-96k\.wav: the recording is sampled at 96000 Hz; the limit is 48000",
    ):
        check_recording(path)


def test_a_header_that_understates_the_length_is_caught_by_decoding(tmp_path, monkeypatch):
    """An MP3 without a Xing header is timed from its first frames: two seconds at 320 kb/s
    followed by 90 at 32 kb/s say 11 s; only decoding tells the truth."""
    monkeypatch.setattr(recorded, "MAX_DURATION_S", 60.0)
    parts = []
    for seconds, kbps in ((2, 320), (90, 32)):
        source = f"sine=f=220:sample_rate=48000:d={seconds}"
        args = ("-ac", "2", "-c:a", "libmp3lame", "-b:a", f"{kbps}k", "-write_xing", "0")
        parts.append(make(tmp_path / f"{kbps}.mp3", source, *args, "-id3v2_version", "0"))
    path = tmp_path / "ghep.mp3"
    path.write_bytes(b"".join(part.read_bytes() for part in parts))
    assert probe(path).duration_s < 60  # what the header claims
    with pytest.raises(AudioError, match=r"ghep\.mp3: the recording lasts 0:01:32"):
        check_recording(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(AudioError, match=r"khong-co\.mp3: file not found"):
        check_recording(tmp_path / "khong-co.mp3")
