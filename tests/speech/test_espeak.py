"""espeak-ng, the offline voice: it really speaks the Vietnamese text, in every regional voice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from broadcaster.config import EspeakSettings
from broadcaster.errors import EngineError, ToolMissing
from broadcaster.speech.espeak import VOICES, EspeakEngine, to_ssml

SHORT = "Thưa bà con, tuyệt đối không chuyển tiền cho người lạ."
LONG = (
    "Thưa bà con, từ tháng tư đến tháng tám hằng năm là mùa du lịch. Lợi dụng nhu cầu đó, "
    "kẻ gian lập các trang mạng mang tên công ty du lịch nổi tiếng, rồi đăng quảng cáo "
    "combo du lịch giá rẻ bất ngờ. Nhắn tin hỏi thì được tư vấn rất nhiệt tình, rồi được yêu "
    "cầu đặt cọc trước để giữ chỗ. Chuyển cọc xong, nhân viên lại báo phải nộp thêm tiền vì "
    "hệ thống bị lỗi. Đến khi chuyển hết tiền thì trang bị khóa, số điện thoại không liên lạc "
    "được. Nếu đã lỡ chuyển tiền, hãy báo ngay cho công an xã hoặc gọi một một ba."
)


@pytest.fixture
def espeak(speech_settings) -> EspeakEngine:
    return EspeakEngine(speech_settings.espeak)


def speak_to(engine: EspeakEngine, text: str, voice: str, out: Path) -> Path:
    engine.synthesize(text, voice, out)
    return out


def voiced_fraction(samples: np.ndarray, rate: int) -> float:
    """Share of 20 ms frames louder than -40 dBFS: speech has many, silence none."""
    frame = rate // 50
    frames = samples[: len(samples) // frame * frame].reshape(-1, frame)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return float(np.mean(rms > 0.01))


def test_speech_lasts_as_long_as_reading_the_text_aloud(espeak, tmp_path, decode):
    short = decode(speak_to(espeak, SHORT, "vi", tmp_path / "short.wav"))
    long = decode(speak_to(espeak, LONG, "vi", tmp_path / "long.wav"))
    for text, audio in ((SHORT, short), (LONG, long)):
        words_per_second = len(text.split()) / audio.duration_s
        assert 1.5 < words_per_second < 4.5  # configured for 130 words a minute
        assert audio.peak_dbfs > -20
        assert voiced_fraction(audio.samples, audio.rate) > 0.4
    assert long.duration_s > 4 * short.duration_s


def test_tone_marks_are_spoken(espeak, tmp_path, decode):
    """Vietnamese is read as Vietnamese: the same letters with other tones sound different."""
    toned = decode(speak_to(espeak, "Bà con nhớ gọi công an xã.", "vi", tmp_path / "a.wav"))
    plain = decode(speak_to(espeak, "Ba con nho goi cong an xa.", "vi", tmp_path / "b.wav"))
    assert toned.samples.shape != plain.samples.shape or not np.allclose(
        toned.samples, plain.samples, atol=0.01
    )


def test_reads_utf8_text_whatever_the_locale(espeak, tmp_path, monkeypatch):
    expected = speak_to(espeak, SHORT, "vi", tmp_path / "utf8.wav").read_bytes()
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.setenv("LANG", "C")
    assert speak_to(espeak, SHORT, "vi", tmp_path / "c.wav").read_bytes() == expected


@pytest.mark.parametrize("text", ["--help", "-v en Thưa bà con", "- Không chuyển tiền."])
def test_text_starting_with_a_dash_is_read_not_taken_as_an_option(espeak, tmp_path, text, decode):
    audio = decode(speak_to(espeak, text, "vi", tmp_path / "dash.wav"))
    assert audio.duration_s > 0.3
    assert audio.peak_dbfs > -20


@pytest.mark.parametrize("voice", VOICES)
def test_each_vietnamese_voice_speaks(espeak, tmp_path, voice, decode):
    audio = decode(speak_to(espeak, SHORT, voice, tmp_path / f"{voice}.wav"))
    assert 2.0 < audio.duration_s < 10.0
    assert voiced_fraction(audio.samples, audio.rate) > 0.4


def test_the_regional_voices_sound_different(espeak, tmp_path):
    recordings = {speak_to(espeak, SHORT, v, tmp_path / f"{v}.wav").read_bytes() for v in VOICES}
    assert len(recordings) == len(VOICES)


def test_rate_setting_changes_the_pace(speech_settings, tmp_path, decode):
    slow = EspeakEngine(EspeakSettings(voice="vi", rate=100, pitch=50))
    fast = EspeakEngine(EspeakSettings(voice="vi", rate=250, pitch=50))
    assert slow.options() != fast.options()  # so the cache keeps them apart
    slow_audio = decode(speak_to(slow, LONG, "vi", tmp_path / "slow.wav"))
    fast_audio = decode(speak_to(fast, LONG, "vi", tmp_path / "fast.wav"))
    assert slow_audio.duration_s > 1.5 * fast_audio.duration_s


def test_default_voice_comes_from_the_settings():
    engine = EspeakEngine(EspeakSettings(voice="vi-vn-x-south", rate=150, pitch=50))
    assert engine.voice(None) == "vi-vn-x-south"
    assert engine.voice("vi-vn-x-central") == "vi-vn-x-central"


def test_unknown_voice_names_the_allowed_ones(espeak):
    with pytest.raises(EngineError) as caught:
        espeak.voice("en-us")
    message = str(caught.value)
    assert "espeak" in message and "'en-us'" in message
    assert "vi, vi-vn-x-central, vi-vn-x-south" in message


def test_unknown_voice_in_the_settings_is_refused_up_front():
    with pytest.raises(EngineError, match="cannot use voice 'vi-vn-x-north'"):
        EspeakEngine(EspeakSettings(voice="vi-vn-x-north", rate=150, pitch=50))


def test_text_with_nothing_to_say_is_an_error_not_a_silent_file(espeak, tmp_path):
    with pytest.raises(EngineError, match="silence"):
        espeak.synthesize("... ...", "vi", tmp_path / "nothing.wav")


def test_missing_program_says_what_to_install(espeak, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no espeak-ng on it
    with pytest.raises(ToolMissing, match="apt-get install espeak-ng"):
        espeak.synthesize(SHORT, "vi", tmp_path / "out.wav")


def sentence_gaps(samples: np.ndarray, rate: int, shortest_s: float = 0.25) -> list[float]:
    """Lengths of the silences inside the speech (between its first and last sound)."""
    quiet = np.abs(samples) < 0.001
    loud = np.flatnonzero(~quiet)
    gaps, run = [], 0
    for silent in quiet[loud[0] : loud[-1]]:
        if silent:
            run += 1
        else:
            if run >= shortest_s * rate:
                gaps.append(run / rate)
            run = 0
    return gaps


THREE = "Thưa bà con. Không chuyển tiền cho người lạ. Hãy gọi công an xã."


@pytest.mark.parametrize("pause_ms", [400, 700, 1200])
def test_each_sentence_is_followed_by_the_configured_pause(tmp_path, decode, pause_ms):
    engine = EspeakEngine(
        EspeakSettings(voice="vi", rate=130, pitch=50, sentence_pause_ms=pause_ms)
    )
    audio = decode(speak_to(engine, THREE, "vi", tmp_path / "three.wav"))
    gaps = sentence_gaps(audio.samples, audio.rate)
    assert len(gaps) == 2, gaps  # two sentence ends inside, no pause in mid-sentence
    assert all(abs(gap - pause_ms / 1000) < 0.08 for gap in gaps), gaps


def test_lines_without_a_full_stop_are_sentences_too(tmp_path, decode):
    engine = EspeakEngine(EspeakSettings(voice="vi", rate=130, pitch=50, sentence_pause_ms=900))
    audio = decode(speak_to(engine, "Thông báo khẩn\nBà con chú ý", "vi", tmp_path / "l.wav"))
    assert [round(gap, 1) for gap in sentence_gaps(audio.samples, audio.rate)] == [0.9]


def test_markup_in_the_text_is_text(espeak, tmp_path, decode):
    """The text goes in as SSML: a tag typed in a bulletin must not become a 3-second hole."""
    text = 'Gõ <break time="3s"/> rồi bấm & gửi.'
    audio = decode(speak_to(espeak, text, "vi", tmp_path / "m.wav"))
    assert audio.duration_s > 1.0
    assert max(sentence_gaps(audio.samples, audio.rate, shortest_s=0.1), default=0) < 1.0


def test_ssml_marks_sentence_and_line_ends_only():
    assert to_ssml('Một. "Hai!" A & B < C\nBa', 500) == (
        '<speak>Một.<break time="500ms"/> "Hai!"<break time="500ms"/> A &amp; B &lt; C'
        '<break time="500ms"/>\nBa<break time="500ms"/></speak>'
    )


def test_the_pause_is_part_of_the_cache_key():
    short = EspeakEngine(EspeakSettings(voice="vi", rate=130, pitch=50, sentence_pause_ms=300))
    long = EspeakEngine(EspeakSettings(voice="vi", rate=130, pitch=50, sentence_pause_ms=900))
    assert short.options() != long.options()


def test_the_shipped_settings_read_at_a_horn_pace(settings, repo, tmp_path, decode):
    """The configured defaults read a shipped bulletin at 150 to 180 spoken words a minute,
    pauses included: slower than espeak-ng's own pace (about 200) that horns blur."""
    from broadcaster.library.bulletins import load_library
    from broadcaster.normalize import normalize

    bulletin = load_library(repo / "bulletins").get("f01-combo-du-lich")
    spoken = normalize(bulletin.body)
    engine = EspeakEngine(settings.speech.espeak)
    audio = decode(speak_to(engine, spoken, "vi", tmp_path / "f01.wav"))
    loud = np.flatnonzero(np.abs(audio.samples) >= 0.001)
    minutes = (loud[-1] - loud[0]) / audio.rate / 60
    assert 150 <= len(spoken.split()) / minutes <= 180
