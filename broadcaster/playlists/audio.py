"""Binding a playlist to the approved audio: checked, then hard-linked or copied.

A render is read and its sha256 compared with the one the plan was approved
with, once per run however many stations air it; then each station's file is
a hard link to it (no space, no time), or a copy when a link is impossible:
another filesystem, or the 65,000 links ext4 allows one file (2 links per
station per day for the opening, 3,321 communes: about nine days of output).
A copy is hashed as it is written, once per render and station per run: the
other stations' files are hard links to that first copy, which is on the
playlists' own filesystem (copying every station's file took three quarters of
a day's publishing); a station's own folder still holds one file per name.
At the end of the run every render is looked at again: one replaced or
rewritten meanwhile fails the run. Never re-encoded: what airs is, byte for byte, what was approved.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from broadcaster.errors import RenderError, path_label
from broadcaster.playlists.sessions import Entry, StationDay, clock

log = logging.getLogger(__name__)

# A hard link is impossible, not wrong: copy instead. Other errors are real.
LINK_IMPOSSIBLE = frozenset(
    {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}
)
_BLOCK = 1 << 20


class ApprovedAudio:
    """The approved renders, each checked once per run, placed by hard link or by copy."""

    def __init__(self, renders_dir: Path) -> None:
        self.renders_dir = renders_dir
        # (file, sha256) -> the source as checked, and the first entry that used it
        self._checked: dict[tuple[str, str], tuple[str, os.stat_result, StationDay, Entry]] = {}
        # (file, sha256) -> (station, this run's checked copy), when the render cannot be linked
        self._copies: dict[tuple[str, str], tuple[str, str]] = {}
        self._warned = False

    def place(self, plan: StationDay, entry: Entry, target: str) -> bool:
        """Put the entry's audio at ``target``; True when it was copied (new data on disk)."""
        source = self._check(plan, entry)
        key = (entry.item.file, entry.item.render_sha256)
        station, copy = self._copies.get(key, (plan.station_id, None))
        for original in (source, copy if station != plan.station_id else None):
            if original is None:
                continue
            try:
                os.link(original, target)
            except OSError as exc:
                if exc.errno not in LINK_IMPOSSIBLE:
                    raise
                if original is source:
                    self._warn(exc)
            else:
                return False
        self._copy(plan, entry, source, target)
        if copy is None or station != plan.station_id:  # EMLINK: the new copy takes over
            self._copies[key] = (plan.station_id, target)
        return True

    def confirm(self) -> None:
        """Every source is still the file that was checked, so every link is to approved audio.

        One stat per render instead of one per link: a render replaced or
        rewritten during the run is a new inode, size or time.
        """
        for source, checked, plan, entry in self._checked.values():
            try:
                unchanged = _same_file(os.stat(source), checked)
            except FileNotFoundError:
                unchanged = False
            if not unchanged:
                raise RenderError(
                    f"{_where(plan, entry)}: {path_label(source)} changed while the playlists "
                    "were written; write them again"
                )

    def _check(self, plan: StationDay, entry: Entry) -> str:
        key = (entry.item.file, entry.item.render_sha256)
        known = self._checked.get(key)
        if known is not None:
            return known[0]
        source = os.path.join(self.renders_dir, entry.item.file)
        try:
            with open(source, "rb") as handle:
                stat = os.fstat(handle.fileno())
                digest = _sha256(_blocks(handle))
        except FileNotFoundError:
            raise RenderError(
                f"{_where(plan, entry)}: the audio file {path_label(source)} is missing; "
                "restore it, or render, approve and plan the day again"
            ) from None
        _require_approved(plan, entry, source, digest)
        self._checked[key] = (source, stat, plan, entry)
        return source

    def _copy(self, plan: StationDay, entry: Entry, source: str, target: str) -> None:
        """Copy and hash the same bytes, so the copy is checked whatever happens to the source."""
        digest = hashlib.sha256()
        with open(source, "rb") as reader, new_file(target) as writer:
            for block in _blocks(reader):
                digest.update(block)
                writer.write(block)
        _require_approved(plan, entry, source, digest.hexdigest())

    def _warn(self, exc: OSError) -> None:
        if not self._warned:
            self._warned = True
            log.warning("cannot hard-link renders (%s): copying them instead", exc.strerror)


def _require_approved(plan: StationDay, entry: Entry, source: str, digest: str) -> None:
    approved = entry.item.render_sha256
    if digest != approved:
        raise RenderError(
            f"{_where(plan, entry)}: {path_label(source)} is not the approved audio "
            f"(sha256 {digest[:12]}…, approved {approved[:12]}…); restore the approved "
            "file, or render, approve and plan the day again"
        )


def _where(plan: StationDay, entry: Entry) -> str:
    return (
        f"station '{plan.station_id}' ({plan.station_name}), {plan.day}, item {entry.label} "
        f"at {clock(entry.start)} '{entry.item.bulletin_id}'"
    )


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (
        b.st_dev,
        b.st_ino,
        b.st_size,
        b.st_mtime_ns,
    )


def _sha256(blocks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(block)
    return digest.hexdigest()


def _blocks(handle) -> Iterator[bytes]:
    return iter(lambda: handle.read(_BLOCK), b"")


@contextlib.contextmanager
def new_file(path: str) -> Iterator[BinaryIO]:
    """A new file, readable by all whatever the umask: the panel may run as another user."""
    with open(path, "xb") as handle:
        os.fchmod(handle.fileno(), 0o644)
        yield handle
