"""Writing a day's playlists: one folder per station, swapped in whole.

::

    <out_root>/<YYYY-MM-DD>/<station-id>/      01-0630-f07-....mp3 (the approved renders),
                                               playlist.m3u8, lich-phat.txt, lich-phat.html
    <out_root>/<YYYY-MM-DD>/<station-id>.zip   that folder, for one download

The audio is the approved audio, hard-linked or copied, never re-encoded
(see :mod:`broadcaster.playlists.audio`).

Every station's folder is built beside the live one, made durable, and renamed
into place; the old one is renamed away first and removed after. An operator
downloading meanwhile gets the old folder or the new one, never half of one,
and a failure anywhere leaves every previous folder of the day as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import fcntl
import os
import secrets
import shutil
import sys
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from broadcaster.airplan.store import StoredItem
from broadcaster.atomic import TEMP_PREFIX, write_bytes_atomic
from broadcaster.errors import BroadcasterError
from broadcaster.library.bulletins import ID_PATTERN
from broadcaster.planning.campaigns import Campaign, active_campaign
from broadcaster.planning.stations import DEFAULT_TIMEZONE, Network, Station
from broadcaster.playlists.archive import zip_folder
from broadcaster.playlists.audio import ApprovedAudio
from broadcaster.playlists.formats import (
    PLAYLIST,
    SCHEDULE_HTML,
    SCHEDULE_TEXT,
    playlist_m3u8,
    schedule_text,
)
from broadcaster.playlists.printable import schedule_html
from broadcaster.playlists.sessions import StationDay, slot_minutes, station_day

OLD_PREFIX = ".old-"
LOCK_FILE = ".lock"
# From this many stations on, one syncfs(2) is cheaper than an fsync per file.
SYNC_ALL_FROM = 16
_VIETNAM = zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)


def write_day(
    day: dt.date,
    items: Iterable[StoredItem],
    network: Network,
    *,
    renders_dir: Path,
    out_root: Path,
    campaigns: Sequence[Campaign] = (),
    zips: bool = True,
) -> list[Path]:
    """Every station's folder for ``day`` (the stations with items), and nothing else.

    Folders (and zips) of stations with no items left in the plan are removed;
    an empty plan is an error, not a reason to remove them all.
    ``campaigns`` give the slots' lengths on a peak day; the stored plan lacks them.
    ``zips`` also writes each folder as a zip, as large as the folder's audio
    (every station's own copy: about 20 MB a commune a day at 96 kbit/s).
    Returns the station folders in network order.
    """
    by_station: dict[str, list[StoredItem]] = defaultdict(list)
    for item in items:
        by_station[item.station_id].append(item)
    if not by_station:  # rather than wipe the day's folders for want of a plan
        raise BroadcasterError(f"nothing is planned on {day}: plan the day first")
    unknown = sorted(set(by_station) - {station.id for station in network.stations})
    if unknown:
        raise BroadcasterError(
            f"the plan for {day} names stations that the schedule does not have: "
            f"{', '.join(unknown)}; plan the day again"
        )
    campaign = active_campaign(campaigns, day)
    plans = [
        station_day(
            station,
            day,
            by_station[station.id],
            zone=network.zone,
            slot_minutes=slot_minutes(station, day, campaign),
        )
        for station in network.stations
        if by_station.get(station.id)
    ]
    return _publish(day, plans, renders_dir, out_root, network.zone, zips, whole_day=True)


def write_station_day(
    station: Station,
    day: dt.date,
    items: Iterable[StoredItem],
    *,
    renders_dir: Path,
    out_root: Path,
    zone: dt.tzinfo = _VIETNAM,
    campaigns: Sequence[Campaign] = (),
    zips: bool = True,
) -> Path:
    """One station's folder for ``day``; ``items`` may hold the whole day's plan."""
    mine = [item for item in items if item.station_id == station.id]
    if not mine:
        raise BroadcasterError(
            f"nothing is planned for {station.id} ({station.name}) on {day}: plan the day first"
        )
    plan = station_day(
        station,
        day,
        mine,
        zone=zone,
        slot_minutes=slot_minutes(station, day, active_campaign(campaigns, day)),
    )
    (folder,) = _publish(day, [plan], renders_dir, out_root, zone, zips, whole_day=False)
    return folder


def write_calendar(
    station: Station,
    items: Iterable[StoredItem],
    path: Path,
    *,
    zone: dt.tzinfo = _VIETNAM,
    campaigns: Sequence[Campaign] = (),
    now: dt.datetime,
) -> Path:
    """The station's sessions over the days of ``items`` as one .ics file, stamped ``now``."""
    # icalendar costs the panel's start a tenth of its imports; few ask for a calendar
    from broadcaster.playlists.ics import calendar_ics

    by_day: dict[dt.date, list[StoredItem]] = defaultdict(list)
    for item in items:
        if item.station_id == station.id:
            by_day[item.day].append(item)
    sessions = []
    for day in sorted(by_day):
        lengths = slot_minutes(station, day, active_campaign(campaigns, day))
        plan = station_day(station, day, by_day[day], zone=zone, slot_minutes=lengths)
        sessions += plan.sessions
    zone_name = getattr(zone, "key", None)
    write_bytes_atomic(
        path, calendar_ics(station.id, station.name, sessions, stamp=now, zone_name=zone_name)
    )
    return path


# -- publishing ----------------------------------------------------------------


@dataclass
class _Build:
    """A station's new folder (and zip) under temporary names beside the live ones."""

    station_id: str
    temp: Path
    folder: Path
    zip: Path
    temp_zip: Path | None = None
    written: list[Path] = field(default_factory=list)  # new data that must reach the disk

    def swap_in(self) -> Path | None:
        """Rename the new folder and zip into place; return the old folder, now aside."""
        old = None
        if self.folder.exists():
            old = _aside(self.folder)
            os.rename(self.folder, old)
        os.rename(self.temp, self.folder)
        if self.temp_zip is not None:
            os.replace(self.temp_zip, self.zip)
        else:
            self.zip.unlink(missing_ok=True)  # it would describe an older plan
        return old

    def discard(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)
        if self.temp_zip is not None:
            self.temp_zip.unlink(missing_ok=True)


def _publish(
    day: dt.date,
    plans: list[StationDay],
    renders_dir: Path,
    out_root: Path,
    zone: dt.tzinfo,
    zips: bool,
    *,
    whole_day: bool,
) -> list[Path]:
    day_dir = out_root / day.isoformat()
    day_dir.mkdir(parents=True, exist_ok=True)
    with _locked(day_dir):
        _clear_leftovers(day_dir)
        audio = ApprovedAudio(renders_dir)
        run = secrets.token_hex(4)  # temporary names: unique under the lock, leftovers cleared
        builds: list[_Build] = []
        try:
            for plan in plans:
                builds.append(_build(plan, audio, day_dir, zone, zips, run))
            audio.confirm()
            _make_durable(builds)
        except BaseException:
            for build in builds:
                build.discard()
            raise
        # All renames first, so every station switches within a moment of the others.
        replaced = [old for old in (build.swap_in() for build in builds) if old is not None]
        if whole_day:
            replaced += _set_aside_stale(day_dir, keep={plan.station_id for plan in plans})
        _fsync_directory(day_dir)
        for old in replaced:
            _remove(old)
    return [build.folder for build in builds]


def _build(
    plan: StationDay, audio: ApprovedAudio, day_dir: Path, zone: dt.tzinfo, zips: bool, run: str
) -> _Build:
    temp = day_dir / f"{TEMP_PREFIX}{plan.station_id}-{run}"
    folder = day_dir / plan.station_id
    build = _Build(plan.station_id, temp, folder, folder.with_name(f"{plan.station_id}.zip"))
    os.mkdir(temp)
    try:
        for entry in plan.entries:
            target = os.path.join(temp, entry.file_name)  # str: thousands of stations
            if audio.place(plan, entry, target):
                build.written.append(Path(target))
        for name, text in (
            (PLAYLIST, playlist_m3u8(plan)),
            (SCHEDULE_TEXT, schedule_text(plan)),
            (SCHEDULE_HTML, schedule_html(plan)),
        ):
            _write_new(os.path.join(temp, name), text.encode("utf-8"))
            build.written.append(temp / name)
        os.chmod(temp, 0o755)  # whatever the umask: the panel may run as another user
        build.written.append(temp)
        if zips:
            build.temp_zip = temp.with_name(f"{temp.name}.zip")
            top = f"{plan.day.isoformat()}-{plan.station_id}"
            zip_folder(temp, build.temp_zip, top=top, zone=zone)
            os.chmod(build.temp_zip, 0o644)
            build.written.append(build.temp_zip)
    except BaseException:
        build.discard()
        raise
    return build


def _write_new(path: str, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.fchmod(handle, 0o644)  # whatever the umask: the panel may run as another user
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    finally:
        os.close(handle)


def _make_durable(builds: list[_Build]) -> None:
    """On disk before the swap: after a crash, a live folder is never one of empty files.

    Thousands of stations are flushed by one syncfs(2) of the day's filesystem:
    what this run wrote, without waiting as sync(2) did for every other
    filesystem's pending writes. Where there is no syncfs, each file is fsynced.
    """
    if len(builds) >= SYNC_ALL_FROM and _syncfs(builds[0].temp):
        return
    for build in builds:
        for path in build.written:
            _fsync_path(path)


def _syncfs(path: Path) -> bool:
    """Flush the filesystem holding ``path``; False where syncfs(2) is not available."""
    syncfs = _libc_syncfs()
    if syncfs is None:
        return False
    handle = os.open(path, os.O_RDONLY)
    try:
        if syncfs(handle) != 0:  # since Linux 5.8 it also reports failed writebacks
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), str(path))
    finally:
        os.close(handle)
    return True


def _libc_syncfs():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


def _fsync_path(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _fsync_directory(path: Path) -> None:
    _fsync_path(path)


@contextlib.contextmanager
def _locked(day_dir: Path):
    """One writer per day: a second one waits rather than racing the swaps."""
    with open(day_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def _clear_leftovers(day_dir: Path) -> None:
    """What a crashed run left: temporary folders and zips, folders swapped out."""
    for path in day_dir.iterdir():
        if path.name.startswith((TEMP_PREFIX, OLD_PREFIX)):
            _remove(path)


def _set_aside_stale(day_dir: Path, keep: set[str]) -> list[Path]:
    """Folders of stations no longer in the day's plan, renamed aside; their zips removed."""
    aside = []
    for path in day_dir.iterdir():
        name = path.name
        if name.startswith("."):
            continue
        if path.is_dir() and ID_PATTERN.match(name) and name not in keep:
            aside.append(_aside(path))
            os.rename(path, aside[-1])
        elif name.endswith(".zip") and ID_PATTERN.match(name[:-4]) and name[:-4] not in keep:
            path.unlink()
    return aside


def _aside(path: Path) -> Path:
    return path.with_name(f"{OLD_PREFIX}{path.name}-{secrets.token_hex(4)}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
