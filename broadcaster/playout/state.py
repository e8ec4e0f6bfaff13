"""The on-air marker: what was playing if the daemon died in the middle of it.

The airing log takes an entry only once an item has ended, so an item cut off
by a crash or a power cut would leave no trace, and the next start would play
it again from the beginning. A marker row is written just before the player
starts and deleted once the entry is in the log; a marker found at start-up is
an item that was interrupted, and it is logged failed instead of replayed.

This is working state, not evidence: rows come and go. The table,
``playout_on_air``, is in :mod:`broadcaster.db.schema`; ``db.connect`` creates it.

With several daemons for a station (hot standby), a marker belongs to the one that
held the lease: it is written under the lease (``fence``) and recovered only by
the daemon that took the lease over, so a standby starting up never touches the
leader's item on air.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, select

from broadcaster import airlog
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.db import playout_on_air as on_air
from broadcaster.playout.agenda import Cue

INTERRUPTED = "interrupted: playout stopped"

Fence = Callable[[Connection], None]  # raises when the writer no longer holds the lease


@dataclass(frozen=True)
class Marker:
    id: int
    station_id: str
    scheduled_at: dt.datetime
    bulletin_id: str
    form: int | None
    render_sha256: str
    started_at: dt.datetime
    recorded_by: str


def mark(
    engine: Engine,
    cue: Cue,
    *,
    started_at: dt.datetime,
    recorded_by: str,
    fence: Fence | None = None,
) -> int:
    """The player is about to start; under ``fence``, only while holding the lease."""
    with engine.begin() as connection:
        if fence is not None:
            fence(connection)
        return connection.execute(
            on_air.insert().values(
                station_id=cue.station_id,
                scheduled_at=cue.scheduled_at,
                bulletin_id=cue.bulletin_id,
                form=cue.form,
                render_sha256=cue.render_sha256,
                started_at=started_at,
                recorded_by=recorded_by,
            )
        ).inserted_primary_key[0]


def clear(engine: Engine, marker_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(delete(on_air).where(on_air.c.id == marker_id))


def markers(engine: Engine, station_id: str) -> list[Marker]:
    query = select(on_air).where(on_air.c.station_id == station_id).order_by(on_air.c.id)
    with engine.connect() as connection:
        return [Marker(**row) for row in connection.execute(query).mappings()]


def recover(
    engine: Engine,
    station_id: str,
    *,
    recorded_by: str,
    now: dt.datetime,
    fence: Fence | None = None,
    predecessor: str | None = None,
) -> list[int]:
    """Log every item the last leader left on air as failed; returns the new entries' ids.

    Called only by a daemon that has just taken the station's lease, so every
    marker is a lapsed holder's. ``predecessor`` is the ``recorded_by`` of the
    daemon this one restarts (the same data directory): its items were "found at
    restart", another machine's "found at takeover". A marker whose entry did reach
    the log (the process died between the two writes) is only removed.
    """
    ids = []
    for marker in markers(engine, station_id):
        logged = airlog.logged_for(engine, station_id, marker.scheduled_at)
        if not any(entry.started_at == marker.started_at for entry in logged):
            if marker.recorded_by == predecessor:
                found = "the daemon died while it played; found at restart"
            else:
                found = f"{marker.recorded_by} lost its lease while it played; found at takeover"
            airing = Airing(
                station_id=station_id,
                bulletin_id=marker.bulletin_id,
                render_sha256=marker.render_sha256,
                outcome=Outcome.FAILED,
                source=Source.PLAYOUT,
                recorded_by=recorded_by,
                recorded_at=now,
                form=marker.form,
                scheduled_at=marker.scheduled_at,
                started_at=marker.started_at,
                reason=f"{INTERRUPTED} ({found})",
            )
            with engine.begin() as connection:
                if fence is not None:
                    fence(connection)
                ids.append(airlog.append(connection, airing))
        clear(engine, marker.id)
    return ids
