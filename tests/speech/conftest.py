"""Fixtures for the speech stage: real espeak-ng and ffmpeg, a fake Google on the HTTP layer.

Google's endpoint is the only thing faked. It answers the way
``translate.google.<tld>/_/TranslateWebserverUi/data/batchexecute`` does (the
format gTTS parses), with real MP3 audio made by ffmpeg, and can be told to
fail: an HTTP status, a dropped connection, or audio that is not MP3.
"""

from __future__ import annotations

import base64
import json
import subprocess
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import requests
import responses

from broadcaster.config import EspeakSettings, GttsSettings, SpeechSettings
from broadcaster.speech import SpeechCache, build_engines

TLD = "com.vn"
BATCHEXECUTE = f"https://translate.google.{TLD}/_/TranslateWebserverUi/data/batchexecute"
PIECE_S = 0.5  # every fake answer carries this much audio


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def google_mp3(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Half a second of tone shaped like Google's answers: 24 kHz mono MP3, 32 kbit/s."""
    path = tmp_path_factory.mktemp("google") / "piece.mp3"
    tone = f"sine=440:d={PIECE_S}"
    ffmpeg("-f", "lavfi", "-i", tone, "-ac", "1", "-ar", "24000", "-b:a", "32k", str(path))
    return path.read_bytes()


class FakeGoogle:
    """Answers gTTS's POSTs; ``fail`` queues outcomes used before answering normally."""

    def __init__(self, audio: bytes) -> None:
        self.audio = audio
        self.queued: list[int | Exception | bytes | str | None] = []
        self.always: int | Exception | bytes | str | None = None  # once the queue is empty
        self.calls = 0
        self.texts: list[str] = []  # what Google was asked to say, request by request
        self.langs: set[str] = set()

    def fail(self, *outcomes: int | Exception | bytes | str | None) -> None:
        """Outcomes for the next requests, in order: a status, an exception raised instead
        of answering, audio bytes to send, a raw answer body, or None for a normal answer."""
        self.queued += outcomes

    def offline(self) -> None:
        self.always = requests.ConnectionError("Failed to resolve 'translate.google.com.vn'")

    def answer(self, request: requests.PreparedRequest):
        self.calls += 1
        outcome = self.queued.pop(0) if self.queued else self.always
        if isinstance(outcome, Exception):
            return outcome
        if isinstance(outcome, int):
            return outcome, {"Content-Type": "text/html"}, "<html>Error</html>"
        if isinstance(outcome, str):
            return 200, {"Content-Type": "application/json; charset=utf-8"}, outcome
        text, lang, _speed, _ = _rpc_parameter(request.body)
        self.texts.append(text)
        self.langs.add(lang)
        audio = outcome if isinstance(outcome, bytes) else self.audio
        return 200, {"Content-Type": "application/json; charset=utf-8"}, _batchexecute(audio)


def _rpc_parameter(body: str | bytes | None) -> list:
    """The [text, lang, speed, "null"] list gTTS packs into the ``f.req`` form field."""
    form = urllib.parse.parse_qs(body.decode() if isinstance(body, bytes) else body or "")
    rpc = json.loads(form["f.req"][0])
    return json.loads(rpc[0][0][1])


def _batchexecute(audio: bytes) -> str:
    """Google's length-prefixed batchexecute answer, the audio base64 inside a JSON string."""
    inner = json.dumps([base64.b64encode(audio).decode("ascii")])
    envelope = [
        ["wrb.fr", "jQ1olc", inner, None, None, None, "generic"],
        ["di", 57],
        ["af.httprm", 56, "-6170366427049476640", 27],
    ]
    first = json.dumps(envelope, separators=(",", ":"))
    second = json.dumps([["e", 4, None, None, len(first) + 60]], separators=(",", ":"))
    return f")]}}'\n\n{len(first)}\n{first}\n{len(second)}\n{second}\n"


@pytest.fixture(autouse=True)
def google(google_mp3: bytes) -> Iterator[FakeGoogle]:
    """Every speech test runs with the network replaced: nothing ever leaves the machine."""
    fake = FakeGoogle(google_mp3)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, BATCHEXECUTE, callback=fake.answer)
        yield fake


@pytest.fixture
def sleeps() -> list[float]:
    """The pauses the gTTS engine asked for, instead of taking them."""
    return []


@pytest.fixture
def speech_settings() -> SpeechSettings:
    """The shipped defaults (defaults.yaml), spelled out so these tests stand alone."""
    return SpeechSettings(
        engines=("gtts", "espeak"),
        gtts=GttsSettings(tld=TLD, slow=False, timeout_s=10.0, retries=3, backoff_s=1.0),
        espeak=EspeakSettings(voice="vi", rate=130, pitch=50, sentence_pause_ms=700),
    )


class Counting:
    """A real engine, counted: how many times did speak() really synthesise?"""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.name, self.voices, self.suffix = engine.name, engine.voices, engine.suffix
        self.calls = 0

    def voice(self, requested: str | None) -> str:
        return self.engine.voice(requested)

    def options(self) -> dict:
        return self.engine.options()

    def synthesize(self, text: str, voice: str, out: Path) -> None:
        self.calls += 1
        self.engine.synthesize(text, voice, out)


@pytest.fixture
def engines(speech_settings: SpeechSettings, sleeps: list[float]) -> list[Counting]:
    """gTTS then espeak-ng, as configured by default, each counting its syntheses."""
    return [Counting(e) for e in build_engines(speech_settings, sleep=sleeps.append)]


@pytest.fixture
def cache(tmp_path: Path) -> SpeechCache:
    return SpeechCache(tmp_path / "var" / "cache" / "speech")


@dataclass(frozen=True)
class Decoded:
    samples: np.ndarray  # mono float32 in -1..1
    rate: int
    errors: str  # what ffmpeg complained about while decoding; empty for a clean file

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate

    @property
    def peak_dbfs(self) -> float:
        peak = float(np.max(np.abs(self.samples))) if len(self.samples) else 0.0
        return 20 * np.log10(peak) if peak > 0 else float("-inf")


@pytest.fixture(scope="session")
def decode():
    """Decode a whole file with ffmpeg, as the mastering stage will."""

    def run(path: Path, rate: int = 16000) -> Decoded:
        argv = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path)]
        argv += ["-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
        done = subprocess.run(argv, capture_output=True, check=True)
        samples = np.frombuffer(done.stdout, dtype="<f4")
        return Decoded(samples, rate, done.stderr.decode("utf-8", "replace").strip())

    return run
