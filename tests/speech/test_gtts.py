"""gTTS, the online voice, against a Google that answers, throttles, breaks or is unreachable."""

from __future__ import annotations

import pytest
import requests
from gtts import gTTS

from broadcaster.errors import EngineError
from broadcaster.probe import probe
from broadcaster.speech.gtts_engine import VOICE, GttsEngine, split_text

PARAGRAPH = (
    "Thưa bà con, kẻ gian gọi điện xưng là công an, nói bà con liên quan đến một vụ án. "
    "Chúng yêu cầu chuyển tiền vào tài khoản tạm giữ để chứng minh trong sạch. "
    "Công an không bao giờ làm việc qua điện thoại và không bao giờ yêu cầu chuyển tiền. "
    "Khi nhận cuộc gọi như vậy, bà con hãy tắt máy và báo ngay cho công an xã."
)
BULLETIN = "\n\n".join([PARAGRAPH] * 4)  # about 1300 characters: several chunks


@pytest.fixture
def gtts(speech_settings, sleeps) -> GttsEngine:
    return GttsEngine(speech_settings.gtts, sleep=sleeps.append)


def letters(text: str) -> str:
    """What must reach Google: every letter and digit, whatever happens to spaces and commas."""
    return "".join(c for c in text if c.isalnum())


def requests_for(text: str) -> int:
    """How many requests gTTS itself makes for ``text`` (it sends ~100 characters at a time)."""
    return len(gTTS(text, lang="vi").get_bodies())


def assert_pieces(duration_s: float, pieces: int) -> None:
    """Each answer holds 0.5 s of tone; frames are copied, not re-encoded, so each piece also
    keeps its encoder delay and padding (under 0.06 s at 24 kHz), as in Google's own answers."""
    assert 0.5 * pieces <= duration_s <= 0.56 * pieces


def test_speaks_every_word_into_one_mp3_of_the_right_length(gtts, google, tmp_path, decode):
    out = tmp_path / "speech.mp3"
    gtts.synthesize(BULLETIN, VOICE, out)

    assert google.langs == {"vi"}
    assert letters("".join(google.texts)) == letters(BULLETIN)  # no sentence lost
    audio = decode(out)
    assert audio.errors == ""  # no tags or headers left between the pieces
    assert_pieces(audio.duration_s, google.calls)
    info = probe(out)  # what players and the mastering stage read from the header
    assert info.codec == "mp3"
    assert_pieces(info.duration_s, google.calls)


def test_long_text_goes_out_in_sentence_chunks(gtts, google, tmp_path):
    chunks = split_text(BULLETIN)
    assert len(chunks) >= 3
    assert all(len(chunk) <= 500 for chunk in chunks)
    assert all(chunk.endswith(".") for chunk in chunks)
    gtts.synthesize(BULLETIN, VOICE, tmp_path / "speech.mp3")
    assert google.calls == sum(requests_for(chunk) for chunk in chunks)


def test_rate_limit_is_retried_with_growing_pauses(gtts, google, sleeps, tmp_path, decode):
    google.fail(429, 429)
    gtts.synthesize(PARAGRAPH, VOICE, tmp_path / "speech.mp3")
    assert sleeps == [1.0, 2.0]
    assert google.calls == requests_for(PARAGRAPH) + 2
    assert_pieces(decode(tmp_path / "speech.mp3").duration_s, requests_for(PARAGRAPH))


def test_failure_halfway_retries_only_its_chunk(gtts, google, sleeps, tmp_path, decode):
    chunks = split_text(BULLETIN)
    clean = sum(requests_for(chunk) for chunk in chunks)
    # the first chunk goes through, then one request of the second, then Google fails once
    google.fail(*[None] * (requests_for(chunks[0]) + 1), 503)
    gtts.synthesize(BULLETIN, VOICE, tmp_path / "speech.mp3")
    assert sleeps == [1.0]
    assert google.calls == clean + 2  # the failed request, and the one redone before it
    assert_pieces(decode(tmp_path / "speech.mp3").duration_s, clean)


def test_rate_limit_that_does_not_end_gives_up_after_the_configured_retries(
    gtts, google, sleeps, tmp_path
):
    google.always = 429
    with pytest.raises(EngineError) as caught:
        gtts.synthesize(PARAGRAPH, VOICE, tmp_path / "speech.mp3")
    assert sleeps == [1.0, 2.0, 4.0]
    assert google.calls == 4
    assert str(caught.value) == (
        "gtts: translate.google.com.vn answered HTTP 429 (rate-limited) after 4 attempts"
    )


@pytest.mark.parametrize("status", [400, 403, 404])
def test_client_errors_are_not_retried(gtts, google, sleeps, tmp_path, status):
    google.always = status
    with pytest.raises(EngineError, match=f"answered HTTP {status}"):
        gtts.synthesize(PARAGRAPH, VOICE, tmp_path / "speech.mp3")
    assert google.calls == 1
    assert sleeps == []


def test_offline_is_said_plainly_and_not_retried(gtts, google, sleeps, tmp_path):
    google.offline()
    with pytest.raises(EngineError) as caught:
        gtts.synthesize(PARAGRAPH, VOICE, tmp_path / "speech.mp3")
    assert str(caught.value) == "gtts: cannot reach translate.google.com.vn (offline?)"
    assert sleeps == []


def test_timeout_names_the_limit(gtts, google, tmp_path):
    google.always = requests.ReadTimeout("read timed out")
    with pytest.raises(EngineError, match="did not answer within 10 s"):
        gtts.synthesize(PARAGRAPH, VOICE, tmp_path / "speech.mp3")


def test_answer_that_is_not_audio_is_refused(gtts, google, tmp_path):
    google.always = b"<!DOCTYPE html><html>Our systems have detected unusual traffic</html>"
    with pytest.raises(EngineError, match="not MP3"):
        gtts.synthesize(PARAGRAPH, VOICE, tmp_path / "speech.mp3")


def test_answer_without_audio_is_refused_rather_than_dropping_a_sentence(gtts, google, tmp_path):
    google.fail(None, None, 200)  # the third answer is a page with no audio line in it
    with pytest.raises(EngineError, match="sent audio for 6 of 7 pieces of text"):
        gtts.synthesize(PARAGRAPH, VOICE, tmp_path / "speech.mp3")


def test_answer_with_an_empty_audio_field_is_refused(gtts, google, tmp_path):
    google.always = ')]}\'\n\n[["wrb.fr","jQ1olc",null,null,null,[3],"generic"]]\n'
    with pytest.raises(EngineError, match="answered without audio"):
        gtts.synthesize(PARAGRAPH, VOICE, tmp_path / "speech.mp3")


def test_one_voice_and_the_settings_that_shape_it(gtts):
    assert gtts.voice(None) == "gtts-vi"
    assert gtts.voice("gtts-vi") == "gtts-vi"
    assert gtts.options() == {"lang": "vi", "tld": "com.vn", "slow": False}


def test_espeak_voice_names_are_refused_clearly(gtts):
    with pytest.raises(EngineError) as caught:
        gtts.voice("vi-vn-x-south")
    assert str(caught.value) == "gtts: cannot use voice 'vi-vn-x-south' (gtts voices: gtts-vi)"


@pytest.mark.parametrize(
    ("text", "limit", "chunks"),
    [
        ("Một câu.", 500, ["Một câu."]),
        ("Câu một. Câu hai! Câu ba?", 500, ["Câu một. Câu hai! Câu ba?"]),
        ("Câu một. Câu hai. Câu ba.", 18, ["Câu một. Câu hai.", "Câu ba."]),
        ("Đoạn một\n\nĐoạn hai", 500, ["Đoạn một Đoạn hai"]),
        ("Đoạn một\n\nĐoạn hai", 10, ["Đoạn một", "Đoạn hai"]),
        ("Nộp 5.000.000 đồng. Gọi 113.", 20, ["Nộp 5.000.000 đồng.", "Gọi 113."]),
        ("một, hai, ba, bốn", 9, ["một, hai,", "ba, bốn"]),
        ("một hai ba bốn năm", 8, ["một hai", "ba bốn", "năm"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("  \n ", 500, []),
    ],
)
def test_split_text(text, limit, chunks):
    assert split_text(text, limit) == chunks


def test_split_text_keeps_every_word_and_the_limit():
    chunks = split_text(BULLETIN, 120)
    assert " ".join(chunks).split() == BULLETIN.split()
    assert all(len(chunk) <= 120 for chunk in chunks)
