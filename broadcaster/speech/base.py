"""What every speech engine offers, and what speaking a text yields.

Engines are chosen by name from the settings and tried in order; the rest of
the program only sees this Protocol and the :class:`Speech` it leads to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class SpeechEngine(Protocol):
    """A way to turn Vietnamese text into an audio file."""

    name: str  # as written in ``speech.engines``
    voices: tuple[str, ...]  # every voice ``voice()`` accepts; listed in error messages
    suffix: str  # the file type ``synthesize`` writes (".wav", ".mp3"): cache files carry it

    def voice(self, requested: str | None) -> str:
        """The voice this engine would use; EngineError naming the allowed ones if unknown."""
        ...

    def options(self) -> dict:
        """Everything besides voice and text that changes the sound; part of the cache key."""
        ...

    def synthesize(self, text: str, voice: str, out: Path) -> None:
        """Write the spoken ``text`` to ``out``; EngineError (or ToolMissing) on failure."""
        ...


@dataclass(frozen=True)
class Speech:
    """One text, spoken: which engine and voice did it, and what went wrong before."""

    path: Path  # the audio file (in the speech cache, or the announcer's recording)
    engine: str
    voice: str
    fallback: bool  # an engine earlier in the order has this voice but failed: retry later
    cached: bool  # no synthesis happened: the file was already in the cache
    text_hash: str  # sha256 of the exact text spoken (or read out, for a recording)
    failures: tuple[str, ...] = ()  # one reason per engine that failed before this one


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unknown_voice(engine: str, requested: str, voices: tuple[str, ...]) -> str:
    """The one wording for a refused voice, so messages read alike across engines."""
    return f"{engine}: cannot use voice '{requested}' ({engine} voices: {', '.join(voices)})"
