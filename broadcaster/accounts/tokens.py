"""Station tokens: how a smart-loudspeaker platform speaks for one commune station.

A token is a random secret shown once, when it is issued; the database keeps only
its sha256, so a copy of the database does not let anyone post airings. A token
belongs to one station and stops working the moment it is revoked. Tokens are
revoked, never deleted: the airing log names the token an entry came through.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, select

from broadcaster.db import station_tokens
from broadcaster.errors import BroadcasterError

PREFIX = "bst_"  # recognisable in a config file or a leaked log line
_RANDOM_BYTES = 32  # 256 bits: a fast hash is enough, no guessing is feasible
MAX_LENGTH = 100  # anything longer is not one of ours; not worth hashing


class TokenError(BroadcasterError):
    """A token operation that cannot be carried out (an unknown token...)."""


@dataclass(frozen=True)
class StationToken:
    id: int
    station_id: str
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def actor(self) -> str:
        """How the airing log names what this token recorded."""
        return f"token:{self.id}"


@dataclass(frozen=True)
class Issued:
    token: StationToken
    secret: str  # the plain token: give it to the platform now, it is not kept


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(engine: Engine, station_id: str, *, by: str, now: dt.datetime) -> Issued:
    """A new token for ``station_id``; the caller checks that the station exists."""
    secret = PREFIX + secrets.token_urlsafe(_RANDOM_BYTES)
    with engine.begin() as connection:
        result = connection.execute(
            station_tokens.insert().values(
                station_id=station_id,
                token_sha256=digest(secret),
                created_by=by,
                created_at=now,
                revoked_at=None,
            )
        )
    token = StationToken(result.inserted_primary_key[0], station_id, by, now)
    return Issued(token, secret)


def verify(engine: Engine, secret: str) -> StationToken | None:
    """The active token with this secret, or None (unknown, malformed or revoked).

    Looked up by its hash: the comparison never touches the secret itself, so its
    timing tells nothing about how close a guess was.
    """
    if not secret or len(secret) > MAX_LENGTH or not secret.isascii():
        return None
    query = select(station_tokens).where(station_tokens.c.token_sha256 == digest(secret))
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    if row is None or row["revoked_at"] is not None:
        return None
    return _token(row)


def revoke(engine: Engine, token_id: int, *, now: dt.datetime) -> StationToken:
    """Stop a token; revoking one already revoked keeps the first revocation time."""
    with engine.begin() as connection:
        connection.execute(
            station_tokens.update()
            .where(station_tokens.c.id == token_id, station_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        row = (
            connection.execute(select(station_tokens).where(station_tokens.c.id == token_id))
            .mappings()
            .first()
        )
    if row is None:
        raise TokenError(f"no station token #{token_id}")
    return _token(row)


def get(engine: Engine, token_id: int) -> StationToken | None:
    query = select(station_tokens).where(station_tokens.c.id == token_id)
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    return _token(row) if row else None


def list_tokens(engine: Engine, station_id: str | None = None) -> list[StationToken]:
    """Newest first; revoked ones too (they explain the log's older entries)."""
    query = select(station_tokens).order_by(station_tokens.c.id.desc())
    if station_id is not None:
        query = query.where(station_tokens.c.station_id == station_id)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [_token(row) for row in rows]


def _token(row) -> StationToken:
    return StationToken(
        id=row["id"],
        station_id=row["station_id"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
