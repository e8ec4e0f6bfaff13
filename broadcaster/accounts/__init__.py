"""Panel accounts: who may do what is decided by role (see web/permissions.py).

Passwords are stored as salted scrypt hashes (werkzeug) and must pass
:mod:`broadcaster.accounts.passwords`; accounts are disabled, never deleted, so the
names in the airing log and the audit trail stay resolvable. Each account has a
session version that a panel session must match: changing the password, disabling
the account or logging out raises it, which ends every copy of every session cookie.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from broadcaster.accounts.passwords import MAX_LENGTH as MAX_PASSWORD
from broadcaster.accounts.passwords import MIN_LENGTH as MIN_PASSWORD
from broadcaster.accounts.passwords import PasswordProblem, password_problems
from broadcaster.db import users
from broadcaster.errors import BroadcasterError

__all__ = [
    "MAX_PASSWORD",
    "MAX_USERNAME",
    "MIN_PASSWORD",
    "USERNAME",
    "AccountError",
    "PasswordProblem",
    "Role",
    "User",
    "add_user",
    "authenticate",
    "end_sessions",
    "get_user",
    "list_users",
    "password_problems",
    "set_active",
    "set_password",
]

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MAX_USERNAME = 64  # longer than any valid name: refused before it is looked up or kept


@functools.cache
def _dummy_hash() -> str:
    """Compared against when the user does not exist, so a wrong name costs the same time.
    Made on first use: a scrypt hash at import would slow every command's start."""
    return generate_password_hash("not-a-real-password")


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
    """A user-management request that cannot be carried out (taken name, weak password...).

    ``codes`` names the password problems among the reasons, for the panel to translate.
    """

    def __init__(self, message: str, *, codes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.codes = codes


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    role: Role
    station_id: str | None
    active: bool
    session_version: int = 0  # a panel session is valid only while it matches


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
    weak = password_problems(password)
    problems += [p.message for p in weak]
    if role is Role.OPERATOR and not station_id:
        problems.append("an operator needs the station they work for")
    if role is not Role.OPERATOR and station_id:
        problems.append("only operators belong to one station")
    if problems:
        raise AccountError("; ".join(problems), codes=tuple(p.code for p in weak))
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
    """A new password, and every session opened with the old one ends."""
    weak = password_problems(password)
    if weak:
        raise AccountError("; ".join(p.message for p in weak), codes=tuple(p.code for p in weak))
    _update(
        engine,
        username,
        password_hash=generate_password_hash(password),
        session_version=users.c.session_version + 1,
    )


def set_active(engine: Engine, username: str, active: bool) -> None:
    """Disable or enable; either way the account's sessions end (re-enabling must not
    bring back a cookie copied before it was disabled)."""
    _update(engine, username, active=active, session_version=users.c.session_version + 1)


def end_sessions(engine: Engine, user_id: int) -> None:
    """Log the user out everywhere: every session cookie issued so far stops working."""
    with engine.begin() as connection:
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_version=users.c.session_version + 1)
        )


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way).

    Over-long input cannot be an account's: refused before anything is hashed.
    """
    if len(username) > MAX_USERNAME or len(password) > MAX_PASSWORD:
        return None
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.username == username)).mappings()
        row = row.first()
    if row is None:
        check_password_hash(_dummy_hash(), password)
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


def _user(row) -> User:
    return User(
        row["id"],
        row["username"],
        row["full_name"],
        Role(row["role"]),
        row["station_id"],
        bool(row["active"]),
        row["session_version"],
    )
