"""The on-air marker: what was playing if the daemon died in the middle of it.

The airing log takes an entry only once an item has ended, so an item cut off
by a crash or a power cut would leave no trace, and the next start would play
it again from the beginning. A marker row is written just before the player
starts and deleted once the entry is in the log; a marker found at start-up is
an item that was interrupted, and it is logged failed instead of replayed.

This is working state, not evidence: rows come and go. The table,
``playout_on_air``, is in :mod:`broadcaster.db.schema`; ``db.connect`` creates it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select

from broadcaster import airlog
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.db import playout_on_air as on_air
from broadcaster.playout.agenda import Cue

INTERRUPTED = "interrupted: playout stopped"


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


def mark(engine: Engine, cue: Cue, *, started_at: dt.datetime, recorded_by: str) -> int:
    with engine.begin() as connection:
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


def recover(engine: Engine, station_id: str, *, recorded_by: str, now: dt.datetime) -> list[int]:
    """Log every item the last run left on air as failed; returns the new entries' ids.

    A marker whose entry did reach the log (the process died between the two
    writes) is only removed.
    """
    ids = []
    for marker in markers(engine, station_id):
        logged = airlog.logged_for(engine, station_id, marker.scheduled_at)
        if not any(entry.started_at == marker.started_at for entry in logged):
            ids.append(
                airlog.record(
                    engine,
                    Airing(
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
                        reason=f"{INTERRUPTED} (the daemon died while it played; found at restart)",
                    ),
                )
            )
        clear(engine, marker.id)
    return ids
