"""The audit trail: who did what, when (append-only, like the airing log)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select

from broadcaster.db import audit


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    actor: str
    action: str  # edit | render | upload | approve | reject | alert | plan | confirm | ...
    target: str = ""
    detail: str = ""
    id: int | None = None


def log(engine: Engine, entry: Entry) -> None:
    with engine.begin() as connection:
        connection.execute(
            audit.insert().values(
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                target=entry.target,
                detail=entry.detail,
            )
        )


def recent(engine: Engine, limit: int = 200, target: str | None = None) -> list[Entry]:
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if target is not None:
        query = query.where(audit.c.target == target)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [
        Entry(r["at"], r["actor"], r["action"], r["target"], r["detail"], r["id"]) for r in rows
    ]
