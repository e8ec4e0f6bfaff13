"""The online voice: Google Translate's text-to-speech through the gTTS library.

Natural-sounding but remote: it needs the internet and Google rate-limits it.
Long texts go out in chunks of whole sentences so that a failure retries
little, and every piece of audio Google returns is joined into one MP3.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
from gtts import gTTS, gTTSError

from broadcaster.config import GttsSettings
from broadcaster.errors import EngineError
from broadcaster.probe import require_tool
from broadcaster.speech.base import unknown_voice

LANG = "vi"
VOICE = "gtts-vi"  # Google has one Vietnamese voice; its accent follows the tld (an option)
CHUNK_CHARS = 500  # gTTS itself sends ~100 characters per request; this bounds a retry
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\s*\n\s*")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+")
_WORD_BREAK = re.compile(r"\s+")


class GttsEngine:
    name = "gtts"
    voices = (VOICE,)
    suffix = ".mp3"

    def __init__(
        self, settings: GttsSettings, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.settings = settings
        self.sleep = sleep  # injectable so tests see the backoff without waiting for it
        self.host = f"translate.google.{settings.tld}"

    def voice(self, requested: str | None) -> str:
        if requested not in (None, VOICE):
            raise EngineError(unknown_voice(self.name, requested, self.voices))
        return VOICE

    def options(self) -> dict:
        return {"lang": LANG, "tld": self.settings.tld, "slow": self.settings.slow}

    def synthesize(self, text: str, voice: str, out: Path) -> None:
        self.voice(voice)
        parts: list[bytes] = []
        for chunk in split_text(text):
            parts += self._fetch(chunk)
        if not parts:
            raise EngineError("gtts: nothing to speak in this text")  # only whitespace
        join_mp3(parts, out)

    def _fetch(self, chunk: str) -> list[bytes]:
        """The MP3 pieces for one chunk, retrying 429 and 5xx answers with growing pauses."""
        attempt = 0
        while True:
            attempt += 1
            tts = gTTS(
                chunk,
                lang=LANG,
                tld=self.settings.tld,
                slow=self.settings.slow,
                timeout=self.settings.timeout_s,
            )
            try:
                pieces = list(tts.stream())
            except gTTSError as exc:
                if attempt > self.settings.retries or not _worth_retrying(exc):
                    raise EngineError(self._describe(exc, attempt)) from exc
                self.sleep(self.settings.backoff_s * 2 ** (attempt - 1))
                continue
            except AssertionError as exc:  # gTTS's own check: only punctuation left
                raise EngineError(f"gtts: nothing to speak in {chunk[:40]!r}") from exc
            return self._complete(tts, pieces)

    def _complete(self, tts: gTTS, pieces: list[bytes]) -> list[bytes]:
        """gTTS skips an answer that holds no audio line at all; a sentence must not vanish."""
        expected = len(tts.get_bodies())
        if len(pieces) != expected:
            raise EngineError(
                f"gtts: {self.host} sent audio for {len(pieces)} of {expected} pieces of text"
            )
        return pieces

    def _describe(self, exc: gTTSError, attempts: int) -> str:
        """gTTSError in our words: gTTS keeps the HTTP answer in ``.rsp``, the cause as context."""
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        if exc.rsp is None:
            if isinstance(exc.__context__, requests.Timeout):
                return f"gtts: {self.host} did not answer within {self.settings.timeout_s:g} s"
            return f"gtts: cannot reach {self.host} (offline?)"
        status, reason = exc.rsp.status_code, exc.rsp.reason or ""
        if status == 429:
            return f"gtts: {self.host} answered HTTP 429 (rate-limited){tries}"
        if status == 200:
            return f"gtts: {self.host} answered without audio (has Google changed its API?)"
        return f"gtts: {self.host} answered HTTP {status} {reason}".rstrip() + tries


def _worth_retrying(exc: gTTSError) -> bool:
    """Rate limits and server errors pass; other answers and a dead network do not."""
    return exc.rsp is not None and (exc.rsp.status_code == 429 or exc.rsp.status_code >= 500)


def split_text(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Cut ``text`` into chunks of at most ``limit`` characters, at sentence ends when possible.

    Only whitespace is lost: joining the chunks with spaces gives the text back
    with its runs of whitespace collapsed.
    """
    pieces = [p for s in _SENTENCE_BREAK.split(text.strip()) for p in _fit(s, limit) if p]
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        joined = f"{current} {piece}" if current else piece
        if len(joined) <= limit:
            current = joined
            continue
        chunks.append(current)
        current = piece
    if current:
        chunks.append(current)
    return chunks


def _fit(sentence: str, limit: int) -> list[str]:
    """A sentence too long for one chunk, cut at clauses, then words, then anywhere."""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return [sentence]
    for pattern in (_CLAUSE_BREAK, _WORD_BREAK):
        parts = pattern.split(sentence)
        if len(parts) > 1:
            return [piece for part in parts for piece in _fit(part, limit)]
    return [sentence[i : i + limit] for i in range(0, len(sentence), limit)]


def join_mp3(parts: list[bytes], out: Path) -> None:
    """Join the MP3 pieces Google sent into one file with a truthful header.

    Plain byte concatenation (what gTTS's own ``save`` does) leaves every
    piece's ID3 tag and Xing/Info frame in the middle of the stream and the
    first piece's frame count at the top, so players and ffprobe report the
    length of the first piece only. ffmpeg's concat demuxer reads each piece
    as its own file and copies the audio frames without re-encoding, then
    writes one fresh header.
    """
    for index, part in enumerate(parts):
        if not _looks_like_mp3(part):
            raise EngineError(f"gtts: piece {index + 1} of the audio received is not MP3")
    ffmpeg = require_tool("ffmpeg")
    with tempfile.TemporaryDirectory(prefix="broadcaster-gtts-") as folder:
        listing = []
        for index, part in enumerate(parts):
            piece = Path(folder, f"{index:05d}.mp3")
            piece.write_bytes(part)
            listing.append(f"file '{piece.name}'\n")
        playlist = Path(folder, "pieces.txt")
        playlist.write_text("".join(listing), encoding="utf-8")
        argv = [ffmpeg, "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0"]
        argv += ["-i", str(playlist), "-c:a", "copy", "-map_metadata", "-1", "-f", "mp3", str(out)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no message"
        raise EngineError(f"gtts: could not join the audio received ({reason})")


def _looks_like_mp3(data: bytes) -> bool:
    """An ID3 tag or an MPEG audio frame sync at the start; enough to catch an error page."""
    if data.startswith(b"ID3"):
        return True
    return len(data) >= 4 and data[0] == 0xFF and (data[1] & 0xE0) == 0xE0
