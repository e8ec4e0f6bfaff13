"""Session versions: what ends every copy of a panel session, and older databases."""

from __future__ import annotations

import datetime as dt
import sqlite3

from broadcaster import accounts, db
from broadcaster.accounts import Role
from broadcaster.db import migrations

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def version(engine, username: str) -> int:
    (user,) = [u for u in accounts.list_users(engine) if u.username == username]
    return user.session_version


def test_password_change_disabling_enabling_and_logout_each_end_the_sessions(data_dir):
    engine = db.connect(f"sqlite:///{data_dir / 'broadcaster.db'}")
    user = accounts.add_user(
        engine, username="canbo", full_name="A", password="mat-khau-demo", role=Role.STAFF, now=NOW
    )
    seen = [version(engine, "canbo")]
    accounts.set_password(engine, "canbo", "doi-mat-khau-2")
    seen.append(version(engine, "canbo"))
    accounts.set_active(engine, "canbo", False)
    seen.append(version(engine, "canbo"))
    accounts.set_active(engine, "canbo", True)
    seen.append(version(engine, "canbo"))
    accounts.end_sessions(engine, user.id)
    seen.append(version(engine, "canbo"))
    assert seen == [0, 1, 2, 3, 4]


def test_over_long_credentials_are_refused_before_hashing(data_dir):
    engine = db.connect(f"sqlite:///{data_dir / 'broadcaster.db'}")
    assert accounts.authenticate(engine, "a" * 65, "x") is None
    assert accounts.authenticate(engine, "canbo", "x" * 1025) is None


def test_an_older_database_gets_the_session_version(data_dir):
    """Made before session versions existed: `db upgrade` adds the column, users keep working."""
    data_dir.mkdir(parents=True)
    path = data_dir / "broadcaster.db"
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(100) NOT NULL UNIQUE,"
            " full_name VARCHAR(200) NOT NULL, password_hash VARCHAR(300) NOT NULL,"
            " role VARCHAR(10) NOT NULL, station_id VARCHAR(100), active BOOLEAN NOT NULL,"
            " created_at VARCHAR NOT NULL)"
        )
        old.execute(
            "INSERT INTO users VALUES (1, 'canbo', 'A', 'scrypt:x', 'staff', NULL, 1,"
            " '2026-11-30 01:00:00.000000')"
        )
    migrations.upgrade(f"sqlite:///{path}")
    engine = db.connect(f"sqlite:///{path}")
    assert version(engine, "canbo") == 0
    accounts.end_sessions(engine, 1)
    assert version(engine, "canbo") == 1
