"""An operator's confirmation form, read into the claim the airing rule judges.

Only the reading of the form is here; what a claim must satisfy is
:mod:`broadcaster.airlog.confirm`, the same for the API and the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from broadcaster.airlog import Outcome
from broadcaster.airlog.confirm import Claim
from broadcaster.errors import Refused

OUTCOMES = {outcome.value: outcome for outcome in Outcome}
FIELDS = ("outcome", "started_at", "reason", "corrects")


def claim_from(form: Mapping[str, str], zone: dt.tzinfo) -> Claim:
    """``form`` holds ``outcome``, ``started_at`` (a wall-clock ``2026-11-30T06:31`` in
    ``zone``, read for an aired item only), ``reason`` and ``corrects`` (an entry id)."""
    outcome = OUTCOMES.get(form.get("outcome", ""))
    if outcome is None:
        raise Refused("outcome-unknown", "choose aired, failed or missed", field="outcome")
    corrects = form.get("corrects", "").strip()
    if corrects and not corrects.isdigit():
        raise Refused("corrects-invalid", "not an entry id", field="corrects")
    started = local_time(form.get("started_at", ""), zone) if outcome is Outcome.AIRED else None
    return Claim(
        outcome=outcome,
        started_at=started,
        reason=form.get("reason", ""),
        corrects=int(corrects) if corrects else None,
    )


def local_time(text: str, zone: dt.tzinfo) -> dt.datetime | None:
    """``2026-11-30T06:31`` (an <input type="datetime-local">), a wall-clock time in ``zone``;
    None when empty (the rule then asks for it)."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Refused("start-invalid", "not a date and time", field="started_at") from None
    if moment.tzinfo is not None:
        return moment.astimezone(zone)
    return moment.replace(tzinfo=zone)
