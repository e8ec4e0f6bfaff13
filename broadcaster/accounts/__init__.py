"""Panel accounts: who may do what is decided by role (see web/permissions.py).

Passwords are stored as salted scrypt hashes (werkzeug); accounts are disabled,
never deleted, so the names in the airing log and the audit trail stay resolvable.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from broadcaster.db import users
from broadcaster.errors import BroadcasterError

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD = 8
# Compared against when the user does not exist, so a wrong name costs the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class Role(enum.StrEnum):
    STAFF = "staff"  # culture centre: edit, render, approve, schedule, alerts
    OPERATOR = "operator"  # one commune station: its playlists and confirmations
    LEADER = "leader"  # read logs and reports
    ADMIN = "admin"  # accounts, stations, tokens

    @property
    def label(self) -> str:
        return {
            "staff": "Cán bộ Trung tâm",
            "operator": "Cán bộ đài truyền thanh xã",
            "leader": "Lãnh đạo",
            "admin": "Quản trị viên",
        }[self.value]


class AccountError(BroadcasterError):
    """A user-management request that cannot be carried out (taken name, weak password...)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    role: Role
    station_id: str | None
    active: bool


def add_user(
    engine: Engine,
    *,
    username: str,
    full_name: str,
    password: str,
    role: Role,
    station_id: str | None = None,
    now: dt.datetime,
) -> User:
    problems = []
    if not USERNAME.match(username):
        problems.append(
            f"username '{username}' must be 2-63 lowercase letters, digits, '.', '_' or '-'"
        )
    if not full_name.strip():
        problems.append("full name is empty")
    problems += _password_problems(password)
    if role is Role.OPERATOR and not station_id:
        problems.append("an operator needs the station they work for")
    if role is not Role.OPERATOR and station_id:
        problems.append("only operators belong to one station")
    if problems:
        raise AccountError("; ".join(problems))
    try:
        with engine.begin() as connection:
            result = connection.execute(
                users.insert().values(
                    username=username,
                    full_name=full_name.strip(),
                    password_hash=generate_password_hash(password),
                    role=role.value,
                    station_id=station_id,
                    active=True,
                    created_at=now,
                )
            )
    except IntegrityError as exc:
        raise AccountError(f"username '{username}' is taken") from exc
    return User(result.inserted_primary_key[0], username, full_name.strip(), role, station_id, True)


def set_password(engine: Engine, username: str, password: str) -> None:
    problems = _password_problems(password)
    if problems:
        raise AccountError("; ".join(problems))
    _update(engine, username, password_hash=generate_password_hash(password))


def set_active(engine: Engine, username: str, active: bool) -> None:
    _update(engine, username, active=active)


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.username == username)).mappings()
        row = row.first()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(row["password_hash"], password) or not row["active"]:
        return None
    return _user(row)


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return _user(row) if row else None


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as connection:
        rows = connection.execute(select(users).order_by(users.c.username)).mappings().all()
    return [_user(row) for row in rows]


def _update(engine: Engine, username: str, **values) -> None:
    with engine.begin() as connection:
        result = connection.execute(
            users.update().where(users.c.username == username).values(**values)
        )
    if result.rowcount == 0:
        raise AccountError(f"no user named '{username}'")


def _password_problems(password: str) -> list[str]:
    if len(password) < MIN_PASSWORD:
        return [f"password must have at least {MIN_PASSWORD} characters"]
    return []


def _user(row) -> User:
    return User(
        row["id"],
        row["username"],
        row["full_name"],
        Role(row["role"]),
        row["station_id"],
        bool(row["active"]),
    )
