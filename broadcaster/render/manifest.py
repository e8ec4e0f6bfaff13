"""The render manifest: what audio exists for each bulletin, and what made it.

``<data>/renders/manifest.json`` maps each bulletin id to its current render.
Files are content-addressed (``<id>-<sha12>.mp3``) and never overwritten, so
audio that staff approved stays on disk when the text changes and a new render
takes its place in the manifest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from broadcaster.atomic import remove_stale_temporaries, write_text_atomic
from broadcaster.errors import RenderError, path_label
from broadcaster.runtime.paths import DataPaths

MANIFEST_VERSION = 1
# A render writes each temporary for seconds: one this old was left by a killed process.
STALE_TEMPORARY_S = 3600.0


@dataclass(frozen=True)
class RenderRecord:
    bulletin_id: str
    file: str  # relative to the renders folder
    sha256: str
    duration_s: float
    speech_duration_s: float
    loudness_lufs: float
    true_peak_dbtp: float
    engine: str
    voice: str
    fallback: bool  # spoken by an engine other than the preferred one
    text_hash: str  # sha256 of the spoken (normalised) text
    render_key: str  # sha256 of everything that shaped the audio
    programme: str
    rendered_at: str  # ISO 8601 with offset
    failures: tuple[str, ...] = ()  # why preferred engines were passed over


def renders_dir(data_dir: Path) -> Path:
    return DataPaths(data_dir).renders


def manifest_path(data_dir: Path) -> Path:
    return DataPaths(data_dir).manifest


def load_manifest(data_dir: Path) -> dict[str, RenderRecord]:
    path = manifest_path(data_dir)
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return {
            bulletin_id: RenderRecord(**{**entry, "failures": tuple(entry.get("failures", ()))})
            for bulletin_id, entry in document["renders"].items()
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise RenderError(
            f"{path_label(path)}: unreadable render manifest ({exc}); "
            "move it aside and render again"
        ) from exc


def save_manifest(data_dir: Path, records: dict[str, RenderRecord]) -> Path:
    path = manifest_path(data_dir)
    document = {
        "version": MANIFEST_VERSION,
        "renders": {key: dataclasses.asdict(records[key]) for key in sorted(records)},
    }
    write_text_atomic(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return path


def update_manifest(data_dir: Path, renders: dict[str, RenderRecord]) -> Path:
    """Put ``renders`` into the manifest on disk, keeping every other entry.

    The command line and the panel may render at the same time, each starting
    from the manifest it read then: reading it again under an exclusive lock,
    just before writing, keeps what the other one rendered meanwhile.
    """
    with _manifest_lock(data_dir):
        records = load_manifest(data_dir)
        records.update(renders)
        return save_manifest(data_dir, records)


def sweep_temporaries(data_dir: Path, *, older_than_s: float = STALE_TEMPORARY_S) -> list[Path]:
    """Remove the half-written audio and speech that killed renders left behind.

    Only old ones: the command line and the panel may be rendering at this moment,
    and their temporaries are young. The lock keeps two sweeps from racing.
    """
    paths = DataPaths(data_dir)
    if not paths.renders.is_dir():
        return []
    with _manifest_lock(data_dir):
        return [
            *remove_stale_temporaries(paths.renders, older_than_s),
            *remove_stale_temporaries(paths.speech_cache, older_than_s),
        ]


@contextlib.contextmanager
def _manifest_lock(data_dir: Path) -> Iterator[None]:
    lock = DataPaths(data_dir).manifest_lock
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_intact(data_dir: Path, record: RenderRecord) -> bool:
    """The file the record names is there and is exactly the audio it describes."""
    path = renders_dir(data_dir) / record.file
    return path.is_file() and file_sha256(path) == record.sha256
