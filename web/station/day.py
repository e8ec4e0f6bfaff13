"""One station's planned day as the panel and the API serve it: the plan, its files, its log.

Shared by the operator area (:mod:`web.station`) and the token API (:mod:`web.api`).
The plan is read from the store; the day's folder (audio, playlist, printable
schedule, zip) is written on demand when it is missing or no longer matches the
stored plan; audio is served only after its bytes are checked against the sha256
the plan was approved with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from broadcaster.airlog.confirm import ItemLog, item_log, logged_for_item
from broadcaster.airplan.service import playlists_dir
from broadcaster.airplan.store import StoredItem, item_from_row, load_plan, stored_plan
from broadcaster.db import plan_items
from broadcaster.planning.campaigns import active_campaign
from broadcaster.planning.stations import Station
from broadcaster.playlists import write_station_day
from broadcaster.playlists.formats import PLAYLIST, playlist_m3u8
from broadcaster.playlists.sessions import StationDay, slot_minutes, station_day
from web.context import now, runtime
from web.reports.data import Schedule, schedule

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RENDER_FILE = re.compile(r"^[a-z0-9][a-z0-9-]*\.mp3$")


@dataclass(frozen=True)
class Day:
    """A station's stored plan for one day; ``plan`` is None when it has no items."""

    station: Station
    day: dt.date
    items: tuple[StoredItem, ...]
    plan: StationDay | None
    day_planned: bool  # some station has a plan that day (else: not planned yet)
    zone: dt.tzinfo

    def item(self, position: int) -> StoredItem | None:
        return next((i for i in self.items if i.position == position), None)

    def logs(self) -> dict[int, ItemLog]:
        engine = runtime().engine
        return {i.position: item_log(logged_for_item(engine, i)) for i in self.items}


def parse_day(text: str) -> dt.date | None:
    if not DAY.match(text or ""):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def today(sched: Schedule | None = None) -> dt.date:
    zone = (sched or schedule()).network.zone
    return now().astimezone(zone).date()


def find_station(station_id: str, sched: Schedule | None = None) -> Station | None:
    try:
        return (sched or schedule()).network.get(station_id)
    except KeyError:
        return None


def load_day(station: Station, day: dt.date) -> Day:
    sched = schedule()
    zone = sched.network.zone
    items = tuple(load_plan(runtime().engine, day, zone, station.id))
    plan = None
    if items:
        lengths = slot_minutes(station, day, active_campaign(sched.campaigns, day))
        plan = station_day(station, day, items, zone=zone, slot_minutes=lengths)
    planned = bool(items) or _day_planned(day)
    return Day(station, day, items, plan, planned, zone)


def _day_planned(day: dt.date) -> bool:
    query = select(plan_items.c.id).where(plan_items.c.day == day.isoformat()).limit(1)
    with runtime().engine.connect() as connection:
        return connection.execute(query).first() is not None


def planned_file(station_id: str, name: str) -> StoredItem | None:
    """A render file of the station's stored plan (any day): the newest item that uses it."""
    if not RENDER_FILE.match(name):
        return None
    query = (
        select(stored := stored_plan())
        .where(stored.c.station_id == station_id, stored.c.file == name)
        .order_by(stored.c.day.desc())
        .limit(1)
    )
    with runtime().engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    if row is None:
        return None
    return item_from_row(row, schedule().network.zone)


# ---------------------------------------------------------------- audio


_hash_lock = threading.Lock()


def approved_audio(item: StoredItem) -> Path | None:
    """The render the item was planned with, if its bytes still hash to the approved sha256.

    A render's name carries its hash and is never rewritten, so each file is hashed
    once per app (keyed by inode, size and modification time), not per request.
    """
    path = runtime().paths.renders / item.file
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    known: dict = current_app.extensions.setdefault("station_render_hashes", {})
    with _hash_lock:
        sha = known.get(key)
    if sha is None:
        with path.open("rb") as handle:
            sha = hashlib.file_digest(handle, "sha256").hexdigest()
        with _hash_lock:
            if len(known) > 10_000:
                known.clear()
            known[key] = sha
    return path if sha == item.render_sha256 else None


# ---------------------------------------------------------------- the day's folder


def day_folder(station_id: str, day: dt.date) -> Path:
    return playlists_dir(runtime()) / day.isoformat() / station_id


def zip_path(station_id: str, day: dt.date) -> Path:
    return playlists_dir(runtime()) / day.isoformat() / f"{station_id}.zip"


def ensure_folder(day: Day) -> Path:
    """The station's folder and zip for the day, written now if missing or out of date.

    Raises BroadcasterError (RenderError...) when the approved audio cannot be placed.
    """
    assert day.plan is not None
    folder = day_folder(day.station.id, day.day)
    if not _current(folder, day):
        write_station_day(
            day.station,
            day.day,
            day.items,
            renders_dir=runtime().paths.renders,
            out_root=playlists_dir(runtime()),
            zone=day.zone,
            campaigns=schedule().campaigns,
        )
    return folder


def _current(folder: Path, day: Day) -> bool:
    """The folder holds this plan: same playlist text, every entry's audio the planned render."""
    try:
        written = (folder / PLAYLIST).read_text(encoding="utf-8")
    except OSError:
        return False
    if written.replace("\r\n", "\n") != playlist_m3u8(day.plan).replace("\r\n", "\n"):
        return False
    if not zip_path(day.station.id, day.day).is_file():
        return False
    source_dir = runtime().paths.renders
    for entry in day.plan.entries:
        target, source = folder / entry.file_name, source_dir / entry.item.file
        try:
            if not os.path.samefile(target, source) and (
                target.stat().st_size != source.stat().st_size
            ):
                return False
        except OSError:
            return False
    return True
