"""Approval (kiểm duyệt): a decision bound to the exact audio, by its sha256.

Editing the text, changing the voice or the jingle makes a new render with a
new sha256, which has no decision yet: only audio someone approved is planned.
Decisions are never edited; the latest one for a render counts.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, ScalarSelect, func, select

from broadcaster.db import approvals
from broadcaster.render.manifest import RenderRecord


class Verdict(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Decision:
    bulletin_id: str
    render_sha256: str
    verdict: Verdict
    decided_by: str
    decided_at: dt.datetime
    comment: str = ""


def decide(
    engine: Engine,
    record: RenderRecord,
    *,
    verdict: Verdict,
    by: str,
    now: dt.datetime,
    comment: str = "",
) -> Decision:
    decision = Decision(record.bulletin_id, record.sha256, verdict, by, now, comment)
    with engine.begin() as connection:
        connection.execute(
            approvals.insert().values(
                bulletin_id=decision.bulletin_id,
                render_sha256=decision.render_sha256,
                decision=decision.verdict.value,
                decided_by=decision.decided_by,
                decided_at=decision.decided_at,
                comment=decision.comment,
            )
        )
    return decision


def standing_verdict(render_sha256) -> ScalarSelect:
    """SQL: the latest verdict on the audio ``render_sha256`` names (a value or a column),
    or NULL if none was taken."""
    return (
        select(approvals.c.decision)
        .where(approvals.c.render_sha256 == render_sha256)
        .order_by(approvals.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def latest_decisions(engine: Engine) -> dict[str, Decision]:
    """The standing decision for every render that has one, by render sha256."""
    latest = select(func.max(approvals.c.id)).group_by(approvals.c.render_sha256).scalar_subquery()
    query = select(approvals).where(approvals.c.id.in_(latest))
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return {row["render_sha256"]: _decision(row) for row in rows}


def decisions_for(engine: Engine, bulletin_id: str) -> list[Decision]:
    """Every decision ever taken on this bulletin's audio, newest first."""
    query = (
        select(approvals)
        .where(approvals.c.bulletin_id == bulletin_id)
        .order_by(approvals.c.id.desc())
    )
    with engine.connect() as connection:
        return [_decision(row) for row in connection.execute(query).mappings()]


def _decision(row) -> Decision:
    return Decision(
        row["bulletin_id"],
        row["render_sha256"],
        Verdict(row["decision"]),
        row["decided_by"],
        row["decided_at"],
        row["comment"],
    )


def approved_renders(
    renders: Mapping[str, RenderRecord], decisions: Mapping[str, Decision]
) -> dict[str, RenderRecord]:
    """The current renders whose exact audio stands approved."""
    return {
        bulletin_id: record
        for bulletin_id, record in renders.items()
        if (d := decisions.get(record.sha256)) is not None and d.verdict is Verdict.APPROVED
    }
