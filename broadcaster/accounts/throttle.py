"""Slowing password guessing without letting a stranger lock out a commune's operator.

Three back-offs, each a growing pause after a number of free failures:

- one account from one address: the guesser at that address waits, up to 15
  minutes; the account's owner at another address is not affected;
- one address, any accounts: trying a few passwords on many accounts (spraying)
  slows down as hard;
- one account, any addresses: many addresses guessing one account are slowed, but
  only by a pause of a few seconds, so that the owner still gets in.

A success clears the account's own back-offs, not its address's (an attacker with
one real account must not reset the spraying pause). The counts live in the
database (``login_failures``), so the panel's worker processes count together: a
guesser gains nothing from a reverse proxy that spreads his attempts over them.
Entries are forgotten after an hour of quiet and the table holds at most
``max_entries`` (the oldest go first), so a flood of invented names cannot grow it.
The clock (seconds) is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, delete, func, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from broadcaster.db.schema import login_failures as table

MAX_ADDRESS = 100  # the column's width; a longer "address" is no real client's


@dataclass(frozen=True)
class Backoff:
    free: int  # failures allowed before any pause
    first_pause_s: float  # the pause after the first failure past them, doubled after each
    max_pause_s: float

    def pause(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.max_pause_s, self.first_pause_s * 2 ** min(failures - self.free, 32))


@dataclass(frozen=True)
class Policy:
    pair: Backoff = field(default_factory=lambda: Backoff(5, 30.0, 15 * 60.0))
    address: Backoff = field(default_factory=lambda: Backoff(20, 5.0, 15 * 60.0))
    account: Backoff = field(default_factory=lambda: Backoff(10, 1.0, 5.0))
    forget_after_s: float = 60 * 60.0  # at least the longest pause
    max_entries: int = 10_000


class Throttle:
    """Failed logins by account, by address and by both, shared by every process on
    the database."""

    def __init__(
        self, engine: Engine, policy: Policy | None = None, *, clock: Callable[[], float]
    ) -> None:
        self.engine = engine
        self.policy = policy or Policy()
        self._clock = clock

    def wait(self, account: str, address: str) -> float:
        """Seconds before a login to ``account`` from ``address`` may be checked; 0: now.
        Only reads: entries too old to count are ignored here and removed by writes."""
        now = self._clock()
        horizon = now - self.policy.forget_after_s
        rules = dict(self._keys(account, address))
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(
                    table.c.scope,
                    table.c.username,
                    table.c.address,
                    table.c.failures,
                    table.c.last_s,
                )
                .where(tuple_(table.c.scope, table.c.username, table.c.address).in_(rules))
                .where(table.c.last_s > horizon)
            ).all()
        waits = [0.0]
        for scope, username, addr, failures, last_s in rows:
            waits.append(last_s + rules[(scope, username, addr)].pause(failures) - now)
        return max(waits)

    def failed(self, account: str, address: str) -> None:
        for attempt in range(3):  # another worker may insert the same key at the same time
            try:
                with self.engine.begin() as connection:
                    self._count_failure(connection, account, address)
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    def succeeded(self, account: str, address: str) -> None:
        with self.engine.begin() as connection:
            for scope, username, addr in (
                (("account", account, "")),
                ("pair", account, _clip(address)),
            ):
                connection.execute(
                    delete(table).where(
                        table.c.scope == scope,
                        table.c.username == username,
                        table.c.address == addr,
                    )
                )

    def __len__(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table)).scalar_one()

    def _count_failure(self, connection: Connection, account: str, address: str) -> None:
        now = self._clock()
        connection.execute(delete(table).where(table.c.last_s <= now - self.policy.forget_after_s))
        for (scope, username, addr), _rule in self._keys(account, address):
            key = (table.c.scope == scope, table.c.username == username, table.c.address == addr)
            bumped = connection.execute(
                update(table).where(*key).values(failures=table.c.failures + 1, last_s=now)
            )
            if bumped.rowcount == 0:
                connection.execute(
                    insert(table).values(
                        scope=scope, username=username, address=addr, failures=1, last_s=now
                    )
                )
        self._bound(connection)

    def _bound(self, connection: Connection) -> None:
        """Keep the newest ``max_entries`` rows (ties broken by key, so exactly that many)."""
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        if count <= self.policy.max_entries:
            return
        key = tuple_(table.c.scope, table.c.username, table.c.address)
        newest = (
            select(table.c.scope, table.c.username, table.c.address)
            .order_by(table.c.last_s.desc(), table.c.scope, table.c.username, table.c.address)
            .limit(self.policy.max_entries)
        )
        connection.execute(delete(table).where(key.not_in(newest)))

    def _keys(self, account: str, address: str):
        address = _clip(address)
        return (
            (("pair", account, address), self.policy.pair),
            (("address", "", address), self.policy.address),
            (("account", account, ""), self.policy.account),
        )


def _clip(address: str) -> str:
    return address[:MAX_ADDRESS]
