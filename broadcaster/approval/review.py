"""Deciding on a bulletin's audio: the one rule for the panel and the CLI.

- Only the current render can be decided on, and only the exact audio the
  reviewer heard (``expected_sha256``): a render that changed meanwhile is refused.
- Approval needs audio made from the bulletin's current text, voice and settings,
  and, with the four-eyes rule on, someone other than its last editor.
- A rejection needs a reason, and takes the audio out of every stored plan from
  now on (what already aired stays); the day's playlists are written again.
- Audio that was rejected is approved again only when the reviewer says so
  (``reconsider``): a batch approval never overturns a rejection.
- The same decision twice writes nothing new.
- Every decision and withdrawal is in the audit trail, under the reviewer's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from broadcaster import audit
from broadcaster.airplan import service as airplan
from broadcaster.approval import Decision, Verdict, decide, decisions_for
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.library.bulletins import Bulletin
from broadcaster.render.manifest import RenderRecord
from broadcaster.runtime import Runtime

# What changes what a bulletin says (for the four-eyes rule), per the audit trail.
AUTHOR_ACTIONS = frozenset({"edit", "upload", "create", "duplicate"})


def audio_name(record: RenderRecord, zone: dt.tzinfo) -> str:
    """The audio as a person recognises it: when it was made (a hash means nothing to them)."""
    made = dt.datetime.fromisoformat(record.rendered_at).astimezone(zone)
    return f"bản dựng lúc {made:%H:%M} ngày {made:%d/%m/%Y}"


def audio_words(record: RenderRecord, zone: dt.tzinfo) -> str:
    """The audio in an audit detail: its name for people, its full hash for machines
    (``(sha256 …)``, which the panel moves into a tooltip)."""
    return f"{audio_name(record, zone)} (sha256 {record.sha256})"


@dataclass(frozen=True)
class Review:
    record: RenderRecord
    decision: Decision
    written: bool  # False: this decision already stood
    withdrawn_from: tuple[dt.date, ...] = ()  # days whose plans no longer hold the audio
    publish_error: str | None = None  # the plans changed, but a playlist could not be written


def last_author(runtime: Runtime, bulletin_id: str) -> str | None:
    """Who last changed what the bulletin says, per the audit trail."""
    for entry in audit.recent(runtime.engine, limit=1000, target=bulletin_id):
        if entry.action in AUTHOR_ACTIONS:
            return entry.actor
    return None


def current_keys(runtime: Runtime, bulletins: Iterable[Bulletin]) -> dict[str, str]:
    """The render key each bulletin's current text, voice and settings make: a render is
    current when its key is this one."""
    from broadcaster.render.pipeline import plan_jobs  # numpy: only when deciding

    jobs = plan_jobs(list(bulletins), runtime.settings, runtime.lexicon)
    return {job.bulletin.id: job.render_key for job in jobs}


def is_current(runtime: Runtime, bulletin_id: str, record: RenderRecord) -> bool:
    """The render was made from the bulletin's current text, voice and settings."""
    try:
        bulletin = runtime.library().get(bulletin_id)
    except KeyError:
        raise Refused("unknown-bulletin", f"no bulletin {bulletin_id} in the library") from None
    return current_keys(runtime, [bulletin])[bulletin_id] == record.render_key


def review(
    runtime: Runtime,
    bulletin_id: str,
    verdict: Verdict,
    *,
    by: str,
    comment: str = "",
    expected_sha256: str | None = None,
    reconsider: bool = False,
) -> Review:
    """Decide on ``bulletin_id``'s current audio; Refused (with a code) when the rule says no."""
    now = runtime.clock.now()
    comment = " ".join(comment.split())[:1000]
    record = runtime.renders().get(bulletin_id)
    if record is None:
        raise Refused("not-rendered", f"{bulletin_id} has no render yet (broadcaster render)")
    if expected_sha256 is not None and record.sha256 != expected_sha256:
        raise Refused(
            "audio-changed",
            f"the audio of {bulletin_id} changed since it was heard: listen again",
            field="sha256",
        )
    standing = next(
        (d for d in decisions_for(runtime.engine, bulletin_id) if d.render_sha256 == record.sha256),
        None,
    )
    if standing is not None and standing.verdict is verdict:
        return Review(record, standing, written=False)
    if verdict is Verdict.APPROVED:
        _check_approvable(runtime, bulletin_id, record, standing, by=by, reconsider=reconsider)
    elif not comment:
        raise Refused(
            "reject-reason-required", "say why the audio is rejected (--comment)", field="comment"
        )
    decision = decide(runtime.engine, record, verdict=verdict, by=by, now=now, comment=comment)
    audio = audio_words(record, runtime.settings.zone)
    detail = audio + (f": {comment}" if comment else "")
    audit.log(runtime.engine, audit.Entry(now, by, verdict_action(verdict), bulletin_id, detail))
    if verdict is Verdict.APPROVED:
        return Review(record, decision, written=True)
    try:
        days = tuple(airplan.withdraw(runtime, record.sha256, now=now))
        error = None
    except BroadcasterError as exc:  # the plans no longer hold it; a playlist is stale
        days, error = (), str(exc)
    if days:
        listed = ", ".join(f"{day:%d/%m/%Y}" for day in days)
        audit.log(
            runtime.engine,
            audit.Entry(now, by, "withdraw", bulletin_id, f"{audio}: {listed}"),
        )
    return Review(record, decision, written=True, withdrawn_from=days, publish_error=error)


def verdict_action(verdict: Verdict) -> str:
    return "approve" if verdict is Verdict.APPROVED else "reject"


def _check_approvable(
    runtime: Runtime,
    bulletin_id: str,
    record: RenderRecord,
    standing: Decision | None,
    *,
    by: str,
    reconsider: bool,
) -> None:
    if not is_current(runtime, bulletin_id, record):
        raise Refused(
            "text-changed",
            f"{bulletin_id} changed since this audio was made: render it again and listen",
        )
    if runtime.settings.panel.four_eyes and last_author(runtime, bulletin_id) == by:
        raise Refused(
            "four-eyes",
            f"{by} last edited {bulletin_id}: under the four-eyes rule someone else approves",
        )
    if standing is not None and standing.verdict is Verdict.REJECTED and not reconsider:
        raise Refused(
            "rejected-before",
            f"{bulletin_id}'s audio {record.sha256[:12]} was rejected by {standing.decided_by}: "
            "name it with --reconsider to approve it after all",
        )
