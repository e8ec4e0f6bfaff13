"""The state each bulletin is in, derived and never stored.

From the library (validity dates), the render manifest (is there audio, and was it
made from the current text, voice and settings?) and the latest approval decision
for that exact audio. Also the history that the approval rules read: past decisions
on a bulletin, and who last changed what it says (from the audit trail).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from broadcaster.approval import Decision, Verdict
from broadcaster.config import Settings
from broadcaster.library.bulletins import Bulletin
from broadcaster.normalize import Lexicon
from broadcaster.render.manifest import RenderRecord

# Audit actions that make someone the author of what a bulletin says: its text, or
# the announcer's recording that replaces the synthetic voice.


class Status(enum.StrEnum):
    DRAFT = "draft"  # never rendered, or edited since its last render
    RENDERED = "rendered"  # current audio, awaiting a decision
    APPROVED = "approved"
    REJECTED = "rejected"
    RETIRED = "retired"  # valid_until has passed
    STOPPED = "stopped"  # retired by staff (retired: true): kept for history, never planned

    @property
    def label(self) -> str:
        return {
            "draft": "nháp",
            "rendered": "đã dựng",
            "approved": "đã duyệt",
            "rejected": "bị từ chối",
            "retired": "hết hiệu lực",
            "stopped": "ngừng dùng",
        }[self.value]


@dataclass(frozen=True)
class BulletinState:
    bulletin: Bulletin
    status: Status
    record: RenderRecord | None  # the current render, even when stale
    decision: Decision | None  # the standing decision on that exact audio
    stale: bool  # no render, or one made from other text, voice or settings


def state_of(
    bulletin: Bulletin,
    record: RenderRecord | None,
    render_key: str,
    decision: Decision | None,
    today: dt.date,
) -> BulletinState:
    """Pure: the status follows from the validity dates, the render key and the decision."""
    stale = record is None or record.render_key != render_key
    if decision is not None and (record is None or decision.render_sha256 != record.sha256):
        decision = None
    if bulletin.retired:
        status = Status.STOPPED
    elif bulletin.valid_until is not None and bulletin.valid_until < today:
        status = Status.RETIRED
    elif stale:
        status = Status.DRAFT
    elif decision is None:
        status = Status.RENDERED
    elif decision.verdict is Verdict.APPROVED:
        status = Status.APPROVED
    else:
        status = Status.REJECTED
    return BulletinState(bulletin, status, record, decision, stale)


def library_states(
    bulletins: Iterable[Bulletin],
    *,
    renders: Mapping[str, RenderRecord],
    decisions: Mapping[str, Decision],
    settings: Settings,
    lexicon: Lexicon,
    today: dt.date,
) -> list[BulletinState]:
    """Each bulletin's state; the render key comes from the render stage's own planning."""
    # The render stage brings numpy and scipy: loaded by the first content page, so
    # that a process serving only reports and exports never holds them.
    from broadcaster.render.pipeline import plan_jobs

    states = []
    for job in plan_jobs(list(bulletins), settings, lexicon):
        record = renders.get(job.bulletin.id)
        decision = decisions.get(record.sha256) if record else None
        states.append(state_of(job.bulletin, record, job.render_key, decision, today))
    return states


def standing(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The latest decision per render sha256, from a newest-first history."""
    return {d.render_sha256: d for d in reversed(list(decisions))}
