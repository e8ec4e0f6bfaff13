"""The login throttle: guessers wait, the account's owner does not, the table stays bounded,
and the panel's worker processes count together (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest

from broadcaster import db
from broadcaster.accounts.throttle import Backoff, Policy, Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(database_url):
    engine = db.connect(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def throttle(engine, clock) -> Throttle:
    return Throttle(engine, clock=clock)


def fail(throttle: Throttle, account: str, address: str, times: int) -> None:
    """Guess as fast as allowed: an attempt is made only when the throttle lets it."""
    for _ in range(times):
        if throttle.wait(account, address) == 0:
            throttle.failed(account, address)


@pytest.mark.parametrize(
    ("failures", "pause"),
    [(0, 0), (4, 0), (5, 30), (6, 60), (9, 480), (10, 900), (40, 900), (10_000, 900)],
)
def test_the_pause_grows_then_stops_growing(failures, pause):
    assert Policy().pair.pause(failures) == pause


def test_one_address_guessing_one_account_waits(throttle, clock):
    fail(throttle, "canbo", "203.0.113.9", 5)
    assert throttle.wait("canbo", "203.0.113.9") == 30
    clock.now += 30
    assert throttle.wait("canbo", "203.0.113.9") == 0
    throttle.failed("canbo", "203.0.113.9")
    assert throttle.wait("canbo", "203.0.113.9") == 60


def test_the_owner_at_another_address_is_not_stopped(throttle):
    fail(throttle, "canbo", "203.0.113.9", 50)
    assert throttle.wait("canbo", "203.0.113.9") > 0
    assert throttle.wait("canbo", "198.51.100.7") == 0


def test_many_addresses_on_one_account_only_delay_the_owner_a_few_seconds(throttle, clock):
    for n in range(200):
        fail(throttle, "canbo", f"10.0.{n // 250}.{n % 250}", 5)
        clock.now += 0.5
    owner_waits = throttle.wait("canbo", "198.51.100.7")
    assert 0 < owner_waits <= 5
    clock.now += owner_waits
    assert throttle.wait("canbo", "198.51.100.7") == 0


def test_one_address_trying_many_accounts_is_slowed(throttle, clock):
    for n in range(20):
        fail(throttle, f"user{n}", "203.0.113.9", 1)
    assert throttle.wait("someone-else", "203.0.113.9") == 5
    assert throttle.wait("someone-else", "198.51.100.7") == 0


def test_a_success_clears_the_account_but_not_the_address(throttle):
    fail(throttle, "canbo", "203.0.113.9", 4)
    for n in range(15):
        fail(throttle, f"user{n}", "203.0.113.9", 1)
    throttle.succeeded("canbo", "203.0.113.9")  # an attacker's own account, say
    fail(throttle, "canbo", "203.0.113.9", 1)  # the address's 20th failure, canbo's first
    assert throttle.wait("canbo", "203.0.113.9") == 5  # the spraying pause holds
    assert throttle.wait("canbo", "198.51.100.7") == 0


def test_entries_are_forgotten_after_a_quiet_hour(throttle, clock):
    fail(throttle, "canbo", "203.0.113.9", 5)
    assert len(throttle) == 3
    clock.now += 60 * 60
    assert throttle.wait("canbo", "203.0.113.9") == 0
    throttle.failed("someone", "198.51.100.7")  # any write sweeps the quiet ones out
    assert len(throttle) == 3


def test_a_flood_of_invented_names_keeps_the_table_bounded(engine, clock):
    never = Backoff(10**9, 1, 1)
    policy = Policy(pair=Backoff(1, 10, 10), address=never, account=never, max_entries=1000)
    throttle = Throttle(engine, policy, clock=clock)
    for n in range(1500):
        throttle.failed(f"name-{n}", "203.0.113.9")
        clock.now += 0.001
    assert len(throttle) == 1000
    assert throttle.wait("name-1499", "203.0.113.9") > 0  # the newest are kept
    assert throttle.wait("name-0", "203.0.113.9") == 0  # the oldest went first


def test_two_workers_count_together(database_url, clock):
    """Two panel processes behind one proxy, each with its own engine: failures split
    across them lock the pair as five failures on one would."""
    engines = [db.connect(database_url), db.connect(database_url)]
    workers = [Throttle(engine, clock=clock) for engine in engines]
    try:
        for n in range(5):
            workers[n % 2].failed("canbo", "203.0.113.9")
        assert [w.wait("canbo", "203.0.113.9") for w in workers] == [30, 30]
        assert workers[1].wait("canbo", "198.51.100.7") == 0  # the owner elsewhere
        workers[0].succeeded("canbo", "203.0.113.9")
        assert workers[1].wait("canbo", "203.0.113.9") == 0  # a success clears it for all
    finally:
        for engine in engines:
            engine.dispose()
