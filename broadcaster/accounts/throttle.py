"""Slowing password guessing without letting a stranger lock out a commune's operator.

Three back-offs, each a growing pause after a number of free failures:

- one account from one address: the guesser at that address waits, up to 15
  minutes; the account's owner at another address is not affected;
- one address, any accounts: trying a few passwords on many accounts (spraying)
  slows down as hard;
- one account, any addresses: many addresses guessing one account are slowed, but
  only by a pause of a few seconds, so that the owner still gets in.

A success clears the account's own back-offs, not its address's (an attacker with
one real account must not reset the spraying pause). Entries are forgotten after
an hour of quiet and the table holds at most ``max_entries`` (the oldest go first),
so a flood of invented names cannot grow the panel's memory. In memory: a restart
forgets, which is acceptable; scrypt already makes each guess cost. Pure: the
clock (seconds) is passed in.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field


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


@dataclass
class _Entry:
    failures: int
    last: float


class Throttle:
    """Failed logins by account, by address and by both; thread-safe."""

    def __init__(self, policy: Policy | None = None, *, clock: Callable[[], float]) -> None:
        self.policy = policy or Policy()
        self._clock = clock
        self._entries: OrderedDict[tuple[str, ...], _Entry] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    def wait(self, account: str, address: str) -> float:
        """Seconds before a login to ``account`` from ``address`` may be checked; 0: now."""
        with self._lock:
            now = self._clock()
            self._forget(now)
            waits = [0.0]
            for key, rule in self._keys(account, address):
                entry = self._entries.get(key)
                if entry is not None:
                    waits.append(entry.last + rule.pause(entry.failures) - now)
            return max(waits)

    def failed(self, account: str, address: str) -> None:
        with self._lock:
            now = self._clock()
            for key, _rule in self._keys(account, address):
                entry = self._entries.pop(key, None) or _Entry(0, now)
                entry.failures += 1
                entry.last = now
                self._entries[key] = entry  # to the young end
            while len(self._entries) > self.policy.max_entries:
                self._entries.popitem(last=False)

    def succeeded(self, account: str, address: str) -> None:
        with self._lock:
            self._entries.pop(("account", account), None)
            self._entries.pop(("pair", account, address), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _keys(self, account: str, address: str):
        return (
            (("pair", account, address), self.policy.pair),
            (("address", address), self.policy.address),
            (("account", account), self.policy.account),
        )

    def _forget(self, now: float) -> None:
        """Drop the entries quiet for long enough; they are ordered by last failure."""
        horizon = now - self.policy.forget_after_s
        while self._entries:
            oldest = next(iter(self._entries.values()))
            if oldest.last > horizon:
                break
            self._entries.popitem(last=False)
