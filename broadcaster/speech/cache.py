"""Speech already made, kept so that re-rendering never calls an engine twice for the same words.

An entry is the audio file plus a small JSON sidecar holding its size and
sha256. The sidecar is written last, so it marks a complete entry; reading an
entry re-checks size and hash (cheap: a few MB), and anything that does not
match is removed and made again rather than handed to the mastering stage.
Only fresh audio is probed, once, before it enters the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from broadcaster.atomic import TEMP_PREFIX
from broadcaster.errors import AudioError, EngineError
from broadcaster.probe import duration_s
from broadcaster.speech.base import SpeechEngine, sha256_file, sha256_text

log = logging.getLogger(__name__)


class SpeechCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory  # normally data_dir / "cache" / "speech"

    def key(self, engine: SpeechEngine, voice: str, text: str) -> str:
        """Everything that changes the sound, and nothing else."""
        options = json.dumps(engine.options(), sort_keys=True, ensure_ascii=False)
        material = json.dumps([engine.name, voice, options, text], ensure_ascii=False)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def lookup(self, engine: SpeechEngine, voice: str, text: str) -> Path | None:
        """The cached audio, or None when absent or damaged (a damaged entry is removed)."""
        key = self.key(engine, voice, text)
        audio, sidecar = self._paths(key, engine.suffix)
        if not audio.exists() and not sidecar.exists():
            return None
        problem = _damage(audio, sidecar)
        if problem is None:
            return audio
        log.warning("speech cache: removing damaged entry %s (%s)", audio.name, problem)
        for path in (audio, sidecar):
            path.unlink(missing_ok=True)
        return None

    def fill(self, engine: SpeechEngine, voice: str, text: str) -> Path:
        """Synthesise into the cache; EngineError if the engine fails or writes unusable audio."""
        key = self.key(engine, voice, text)
        audio, sidecar = self._paths(key, engine.suffix)
        self.directory.mkdir(parents=True, exist_ok=True)
        with _scratch(self.directory, key, engine.suffix) as fresh:
            engine.synthesize(text, voice, fresh)
            duration_s = _usable_duration(engine.name, fresh)
            record = {
                "engine": engine.name,
                "voice": voice,
                "options": engine.options(),
                "text_sha256": sha256_text(text),
                "duration_s": duration_s,
                "size": fresh.stat().st_size,
                "sha256": sha256_file(fresh),
            }
            with _scratch(self.directory, key, ".json") as note:
                note.write_text(json.dumps(record, ensure_ascii=False, indent=1), "utf-8")
                for path in (fresh, note):
                    path.chmod(0o644)  # not mkstemp's 0600: the panel may run as another user
                os.replace(fresh, audio)
                os.replace(note, sidecar)  # last: from now on the entry counts as complete
        return audio

    def _paths(self, key: str, suffix: str) -> tuple[Path, Path]:
        return self.directory / f"{key}{suffix}", self.directory / f"{key}.json"


def _damage(audio: Path, sidecar: Path) -> str | None:
    """Why this entry cannot be trusted, or None if its size and hash are as recorded."""
    try:
        record = json.loads(sidecar.read_text("utf-8"))
        size, digest = int(record["size"]), str(record["sha256"])
    except FileNotFoundError:
        return "no sidecar: the write never finished"
    except (OSError, ValueError, KeyError, TypeError):
        return "unreadable sidecar"
    try:
        actual = audio.stat().st_size
    except FileNotFoundError:
        return "audio file missing"
    if actual != size or size == 0:
        return f"{actual} bytes instead of {size}"
    if sha256_file(audio) != digest:
        return "content changed since it was written"
    return None


def _usable_duration(engine: str, path: Path) -> float:
    if not path.exists() or path.stat().st_size == 0:
        raise EngineError(f"{engine}: wrote no audio")
    try:
        seconds = duration_s(path)
    except AudioError as exc:
        raise EngineError(f"{engine}: wrote unusable audio ({exc})") from exc
    if seconds <= 0:
        raise EngineError(f"{engine}: wrote audio of zero length")
    return seconds


@contextlib.contextmanager
def _scratch(directory: Path, key: str, suffix: str):
    """A temporary file beside the entry (so os.replace is atomic), removed unless moved in."""
    handle, name = tempfile.mkstemp(
        dir=directory, prefix=f"{TEMP_PREFIX}{key[:16]}-", suffix=suffix
    )
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
