"""The offline voice: the espeak-ng program, robotic but always there.

The text goes in on stdin, never as an argument, so a bulletin of any length,
or one starting with a dash, is read as text and not as options.

Horn loudspeakers in the open air need clear breaks between sentences: the text
is sent as SSML with a ``<break>`` of ``sentence_pause_ms`` after every sentence
and line, which replaces espeak-ng's own short pause (about 0.4 s at 150 words
a minute) by exactly that length; the rate is espeak-ng's ``-s``.
"""

from __future__ import annotations

import re
import subprocess
import wave
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from broadcaster.config import ESPEAK_VOICES as VOICES
from broadcaster.config import EspeakSettings
from broadcaster.errors import EngineError
from broadcaster.probe import require_tool
from broadcaster.speech.base import unknown_voice

TIMEOUT_S = 120  # a 3000-character bulletin takes well under a second
SILENT_PEAK = 33  # of 32767: below -60 dBFS nothing was said
# A sentence ends at ".", "!", "?" or "…" (closing quotes and brackets may follow) before a
# space or the line's end, and every line with text ends one.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*(?=\s|$)|(?<=\S)(?=[ \t]*$)", re.MULTILINE)


class EspeakEngine:
    name = "espeak"
    voices = VOICES
    suffix = ".wav"

    def __init__(self, settings: EspeakSettings) -> None:
        if settings.voice not in VOICES:
            raise EngineError(unknown_voice(self.name, settings.voice, VOICES))
        self.settings = settings

    def voice(self, requested: str | None) -> str:
        if requested is None:
            return self.settings.voice
        if requested not in VOICES:
            raise EngineError(unknown_voice(self.name, requested, VOICES))
        return requested

    def options(self) -> dict:
        return {
            "rate": self.settings.rate,
            "pitch": self.settings.pitch,
            "sentence_pause_ms": self.settings.sentence_pause_ms,
        }

    def synthesize(self, text: str, voice: str, out: Path) -> None:
        argv = [
            require_tool("espeak-ng"),
            *("-v", self.voice(voice)),
            *("-s", str(self.settings.rate), "-p", str(self.settings.pitch)),
            *("-b", "1"),  # the input is UTF-8, whatever the locale says
            "-m",  # SSML: the sentence breaks
            *("-w", str(out)),
            "--stdin",
        ]
        try:
            done = subprocess.run(
                argv,
                input=to_ssml(text, self.settings.sentence_pause_ms).encode("utf-8"),
                capture_output=True,
                timeout=TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as exc:
            raise EngineError(f"espeak: espeak-ng did not finish within {TIMEOUT_S} s") from exc
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip() or "no message"
            raise EngineError(f"espeak: espeak-ng failed (exit {done.returncode}): {reason}")
        _check_wav(out)


def to_ssml(text: str, pause_ms: int) -> str:
    """The text, escaped, with a break of ``pause_ms`` after each sentence and line."""
    marked = _SENTENCE_END.sub(lambda m: f"{m.group()}\0", text)
    body = escape(marked).replace("\0", f'<break time="{pause_ms}ms"/>')
    return f"<speak>{body}</speak>"


def _check_wav(path: Path) -> None:
    """espeak-ng exits 0 even when it said nothing (text of punctuation only, say)."""
    try:
        with wave.open(str(path), "rb") as wav:
            width = wav.getsampwidth()
            frames = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise EngineError(f"espeak: espeak-ng wrote no valid WAV file ({exc})") from exc
    if not frames:
        raise EngineError("espeak: espeak-ng produced no audio for this text")
    if width == 2:  # espeak-ng writes 16-bit PCM
        samples = np.frombuffer(frames, dtype="<i2")
        peak = max(int(samples.max()), -int(samples.min()))
        if peak < SILENT_PEAK:
            raise EngineError("espeak: espeak-ng produced only silence for this text")
