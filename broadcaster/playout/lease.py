"""One playout leader per station across machines: a lease row in the shared database.

Two daemons for one station on one database would both play every item. So a
daemon plays only while it holds its station's row in ``playout_leases``:

- the leader renews the row every third of ``playout.lease_s``; a standby (another
  machine, the same database) polls it and takes it over once ``expires_at`` has
  passed, a compare-and-set that raises the fencing token by one, so two standbys
  never both win;
- every write the leader makes about what it airs (the on-air marker before the
  player starts, each log entry) first renews the row *for its own token* in the
  same transaction: a leader that lost the lease while frozen (a suspended VM, a
  long GC, SIGSTOP) finds 0 rows updated and writes nothing (:class:`LeaseLost`).
  The row lock (PostgreSQL) or the write lock (SQLite) orders that check against a
  takeover;
- a daemon that stops cleanly lets the lease lapse at once; one that died is
  taken over by its restart at once too when the data directory's lock file names
  it (the lock proves it ended), else by a standby after ``lease_s``.

Times are the daemons' clocks: machines must agree to well within ``lease_s``
(NTP). Safety does not rest on that: a stale leader's writes are refused by token.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, select, update
from sqlalchemy.exc import IntegrityError

from broadcaster.db.schema import playout_leases as leases
from broadcaster.errors import BroadcasterError


class LeaseLost(BroadcasterError):
    """Another daemon took this station's lease: this one may neither play nor log."""


def instance_id() -> str:
    """This daemon among all: ``host:pid:random`` (a restarted pid is another daemon)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Holding:
    """The lease row as stored: who leads a station, since when, until when."""

    station_id: str
    holder: str
    token: int
    acquired_at: dt.datetime
    expires_at: dt.datetime
    heartbeat_at: dt.datetime


def holding(engine: Engine, station_id: str) -> Holding | None:
    with engine.connect() as connection:
        return _read(connection, station_id)


def holdings(engine: Engine) -> list[Holding]:
    """Every station's lease (for ``doctor``)."""
    with engine.connect() as connection:
        rows = connection.execute(select(leases).order_by(leases.c.station_id)).mappings()
        return [Holding(**row) for row in rows]


def _read(connection: Connection, station_id: str) -> Holding | None:
    row = (
        connection.execute(select(leases).where(leases.c.station_id == station_id))
        .mappings()
        .first()
    )
    return None if row is None else Holding(**row)


class Lease:
    """One daemon's side of its station's lease: take it, keep it, check it, let it go."""

    def __init__(
        self,
        engine: Engine,
        station_id: str,
        holder: str,
        *,
        lease_s: float,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.engine = engine
        self.station_id = station_id
        self.holder = holder
        self.lease_s = lease_s
        self._clock = clock
        self.token: int | None = None  # while held: the fencing token it was won with
        self.valid_until: dt.datetime | None = None  # by this daemon's clock, last renewal

    @property
    def held(self) -> bool:
        return self.token is not None

    def acquire(self, *, dead: str | None = None) -> bool:
        """Take the lease if it is free, lapsed, or held by ``dead`` (a holder known to
        have ended); True when this daemon now leads with a new token."""
        now = self._clock()
        values = {
            "holder": self.holder,
            "acquired_at": now,
            "expires_at": self._expiry(now),
            "heartbeat_at": now,
        }
        current = holding(self.engine, self.station_id)
        if current is None:
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        leases.insert().values(station_id=self.station_id, token=1, **values)
                    )
            except IntegrityError:  # another daemon inserted it first
                return False
            token = 1
        else:
            if current.expires_at > now and current.holder != dead:
                return False
            free = leases.c.expires_at <= now
            if dead is not None:
                free = free | (leases.c.holder == dead)
            token = current.token + 1
            with self.engine.begin() as connection:
                taken = connection.execute(
                    update(leases)
                    .where(
                        and_(
                            leases.c.station_id == self.station_id,
                            leases.c.token == current.token,  # nobody took it meanwhile
                            free,  # and its leader did not renew meanwhile
                        )
                    )
                    .values(token=token, **values)
                ).rowcount
            if taken != 1:
                return False
        self.token, self.valid_until = token, values["expires_at"]
        return True

    def fence(self, connection: Connection) -> None:
        """In the caller's transaction, before it writes: renew the lease for this
        daemon's token, or raise :class:`LeaseLost` (and the caller's write is undone)."""
        if self.token is None:
            raise LeaseLost(f"playout for {self.station_id} does not hold its lease")
        now = self._clock()
        renewed = connection.execute(
            update(leases)
            .where(
                and_(
                    leases.c.station_id == self.station_id,
                    leases.c.holder == self.holder,
                    leases.c.token == self.token,
                )
            )
            .values(expires_at=self._expiry(now), heartbeat_at=now)
        ).rowcount
        if renewed != 1:
            raise LeaseLost(
                f"playout for {self.station_id}: lease token {self.token} was taken over"
            )
        self.valid_until = self._expiry(now)

    def renew(self) -> bool:
        """The leader's heartbeat; False when another daemon has taken the lease."""
        try:
            with self.engine.begin() as connection:
                self.fence(connection)
        except LeaseLost:
            self.token = None
            return False
        return True

    def lapsed(self) -> bool:
        """By this daemon's clock, its last renewal has run out (the database unreachable)."""
        return self.valid_until is None or self._clock() >= self.valid_until

    def release(self) -> None:
        """A clean stop: the lease lapses now, so a standby need not wait for it."""
        if self.token is None:
            return
        now = self._clock()
        with self.engine.begin() as connection:
            connection.execute(
                update(leases)
                .where(
                    and_(
                        leases.c.station_id == self.station_id,
                        leases.c.holder == self.holder,
                        leases.c.token == self.token,
                    )
                )
                .values(expires_at=now, heartbeat_at=now)
            )
        self.token = None

    def forget(self) -> None:
        """Stop counting on the lease (lost, or given up) without touching the row."""
        self.token = None

    def _expiry(self, now: dt.datetime) -> dt.datetime:
        return now + dt.timedelta(seconds=self.lease_s)
