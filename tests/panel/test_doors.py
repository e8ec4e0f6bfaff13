"""One set of rules, three doors: the panel, the API and the CLI answer alike.

Each case is a sequence of claims (or decisions, or alerts) sent through every door
that offers the action. The rule is asked directly first for the expected answer;
then each door must accept what the rule accepts, refuse what it refuses (the panel
and the API in the same Vietnamese sentence, the CLI with the code), and leave the
same log and audit trail behind.

Cổ Am airs at 6:30 and 17:30; the clock is pinned at Monday 30/11/2026 08:00.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from broadcaster import airlog, approval, audit
from broadcaster.accounts import tokens
from broadcaster.airlog import Outcome
from broadcaster.airlog.confirm import Claim, entry_for
from broadcaster.airlog.confirm import Source as _Source
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.cli import cli
from broadcaster.errors import Refused
from broadcaster.runtime import FixedClock, build_runtime
from web import refusals

from .conftest import NOW

VN = dt.timezone(dt.timedelta(hours=7))
DAY = "2026-11-30"


@dataclass(frozen=True)
class Answer:
    accepted: bool
    code: str | None = None  # the rule broken, when refused


@pytest.fixture
def panel_env() -> dict[str, str]:
    """Extra BROADCASTER_* settings, the same for the panel and the CLI."""
    return {}


@pytest.fixture
def panel_runtime(repo, rendered, library_copy, panel_env):
    environ = {
        "BROADCASTER_DATA_DIR": str(rendered),
        "BROADCASTER_LIBRARY_DIR": str(library_copy),
        **panel_env,
    }
    return build_runtime(environ=environ, clock=FixedClock(NOW))


def run_cli(runtime, args: list[str], panel_env: dict | None = None):
    """``broadcaster ARGS`` on the panel's data, library and clock."""
    env = {
        "BROADCASTER_CONFIG": "",
        "BROADCASTER_DATA_DIR": str(runtime.settings.data_dir),
        "BROADCASTER_LIBRARY_DIR": str(runtime.settings.library_dir),
        **(panel_env or {}),
    }
    return CliRunner().invoke(cli, args, env=env, obj=runtime.clock)


# ---------------------------------------------------------------- airings


def at(hhmm: str) -> str:
    return f"{DAY}T{hhmm}"


@pytest.fixture
def planned(app, panel_runtime):
    for record in panel_runtime.renders().values():
        approval.decide(
            panel_runtime.engine, record, verdict=approval.Verdict.APPROVED, by="canbo", now=NOW
        )
    airplan.plan_range(panel_runtime, NOW.date(), 1, by="canbo")
    return {i.position: i for i in load_plan(panel_runtime.engine, NOW.date(), VN, "co-am")}


class Doors:
    """The three ways to confirm an airing, each returning the door's own answer."""

    def __init__(self, as_role, app, runtime, planned) -> None:
        self.operator = as_role("xa-co-am")
        self.platform = app.test_client()
        self.token = tokens.issue(runtime.engine, "co-am", by="quantri", now=NOW).secret
        self.runtime, self.planned = runtime, planned

    def panel(self, position: int, outcome: str, start: str = "", reason: str = "", corrects=None):
        form = {"outcome": outcome, "started_at": at(start) if start else "", "reason": reason}
        form["corrects"] = str(corrects or "")
        response = self.operator.post(f"/station/co-am/day/{DAY}/{position}/confirm", form)
        assert response.status_code == 302  # accepted or refused: Post/Redirect/Get
        page = html.unescape(self.operator.get(response.headers["Location"]).get_data(as_text=True))
        if 'class="flash error item-error"' not in page:
            return Answer(True), None
        return Answer(False), page, None  # the status is the redirect's

    def api(self, position: int, outcome: str, start: str = "", reason: str = "", corrects=None):
        item = self.planned[position]
        body = {
            "scheduled_at": item.starts_at.isoformat(),
            "position": position,
            "outcome": outcome,
            "reason": reason,
        }
        if start:
            body["started_at"] = f"{at(start)}:00+07:00"
        if corrects:
            body["corrects"] = corrects
        headers = {"Authorization": f"Bearer {self.token}"}
        response = self.platform.post("/api/v1/stations/co-am/airings", json=body, headers=headers)
        if response.status_code in (200, 201):
            return Answer(True), None
        return Answer(False), response.json["error"], response.status_code

    def cli(self, position: int, outcome: str, start: str = "", reason: str = "", corrects=None):
        args = ["confirm", "co-am", DAY, str(position), "--outcome", outcome, "--by", "xa-co-am"]
        if start:
            args += ["--at", start]
        if reason:
            args += ["--reason", reason]
        if corrects:
            args += ["--corrects", str(corrects)]
        result = run_cli(self.runtime, args)
        if result.exit_code == 0:
            return Answer(True), None
        return Answer(False), result.output, result.exit_code


def expected(runtime, planned, position, outcome, start="", reason="", corrects=None) -> Refused:
    """The rule's own answer to the claim, from the package, door-free."""
    item = planned[position]
    started = dt.datetime.fromisoformat(at(start)).replace(tzinfo=VN) if start else None
    claim = Claim(Outcome(outcome), started, None, reason, corrects)
    try:
        entry_for(item, claim, source=_Source.OPERATOR, by="x", now=NOW, zone=VN)
    except Refused as refused:
        return refused
    return None


# (the claims sent in order; the last one is judged) -> what the rule answers
AIRING_CASES = {
    "aired on time": ([(2, "aired", "06:31")], None),
    "failed needs a reason": ([(2, "failed")], "reason-required"),
    "missed needs a reason": ([(2, "missed")], "reason-required"),
    "aired in the future": ([(2, "aired", "09:00")], "start-in-future"),
    "aired needs a time": ([(2, "aired")], "start-required"),
    "evening item missed at 08:00": ([(6, "missed", "", "mất điện")], "missed-too-early"),
    "one item, one standing entry": (
        [(2, "aired", "06:31"), (2, "failed", "", "loa hỏng")],
        "already-recorded",
    ),
}


@pytest.mark.parametrize("door", ["panel", "api", "cli"])
@pytest.mark.parametrize("case", sorted(AIRING_CASES))
def test_an_airing_claim_gets_the_same_answer_through_every_door(
    door, case, as_role, app, panel_runtime, planned
):
    claims, code = AIRING_CASES[case]
    doors = Doors(as_role, app, panel_runtime, planned)
    send = getattr(doors, door)
    for claim in claims[:-1]:
        assert send(*claim)[0].accepted
    rule = expected(panel_runtime, planned, *claims[-1]) if len(claims) == 1 else None
    answer, *said = send(*claims[-1])
    entries = list(airlog.entries(panel_runtime.engine, station_id="co-am"))
    if code is None:
        assert answer.accepted and rule is None, said
        assert len(entries) == len(claims)
        assert entries[-1].outcome is Outcome(claims[-1][1])
        trail = audit.recent(panel_runtime.engine, target="co-am")
        assert trail[0].action == "confirm" and trail[0].actor in {"xa-co-am", "token:1"}
        return
    assert not answer.accepted
    assert len(entries) == len(claims) - 1  # nothing written by a refusal
    if rule is not None:
        assert rule.code == code
    text, status = said
    if door == "cli":
        assert f"[{code}]" in text and status == 1
        return
    refused = rule or Refused(code, "", **_params(code, entries))
    assert refusals.text(refused, VN) in text
    if door == "panel":
        return  # shown on the page the refusal redirects to
    conflict = code in refusals.CONFLICTS
    assert status == (409 if conflict else 400)


def _params(code: str, entries: list) -> dict:
    if code == "already-recorded":
        return {"entry": entries[-1].id, "outcome": entries[-1].outcome}
    return {}


# ---------------------------------------------------------------- approval


F07 = "f07-gia-danh-cong-ty-tai-chinh-ngan-hang"


def panel_decide(
    as_role, runtime, verdict: str, comment: str = "", who: str = "canbo", reconsider=False
):
    staff = as_role(who)
    record = runtime.renders()[F07]
    form = {"verdict": verdict, "sha256": record.sha256, "comment": comment}
    if reconsider:
        form["reconsider"] = "1"
    response = staff.post(f"/content/{F07}/decision", form)
    if response.status_code == 303:  # refused: the bulletin's page says why (PRG)
        return False, html.unescape(staff.get(response.headers["Location"]).get_data(as_text=True))
    return response.status_code == 302, html.unescape(response.get_data(as_text=True))


def cli_decide(
    runtime, verdict: str, comment: str = "", who: str = "canbo", reconsider=False, env=None
):
    args = ["approve", F07, "--by", who] + (["--reject"] if verdict == "reject" else [])
    args += ["--reconsider"] if reconsider else []
    if comment:
        args += ["--comment", comment]
    result = run_cli(runtime, args, env)
    return result.exit_code == 0, result.output


@pytest.mark.parametrize("door", ["panel", "cli"])
def test_a_decision_gets_the_same_answer_through_every_door(door, as_role, panel_runtime):
    decide = (
        (lambda *a, **k: panel_decide(as_role, panel_runtime, *a, **k))
        if door == "panel"
        else (lambda *a, **k: cli_decide(panel_runtime, *a, **k))
    )
    engine = panel_runtime.engine

    ok, said = decide("reject")  # a rejection needs a reason
    assert not ok and approval.decisions_for(engine, F07) == []
    assert (
        ("[reject-reason-required]" in said)
        if door == "cli"
        else (refusals.text(Refused("reject-reason-required", ""), VN) in said)
    )

    assert decide("reject", "giọng đọc sai dấu")[0]
    ok, said = decide("approve")  # rejected audio is approved only when one says so
    assert not ok
    assert (
        ("[rejected-before]" in said)
        if door == "cli"
        else (refusals.text(Refused("rejected-before", ""), VN) in said)
    )
    assert decide("approve", reconsider=True)[0]
    assert decide("approve", reconsider=True)[0]  # the same decision again writes nothing
    decisions = approval.decisions_for(engine, F07)
    assert [d.verdict.value for d in decisions] == ["approved", "rejected"]
    actions = [e.action for e in audit.recent(engine, target=F07)]
    assert actions == ["approve", "reject"]


FOUR_EYES = {"BROADCASTER_PANEL__FOUR_EYES": "true"}


@pytest.mark.parametrize("panel_env", [FOUR_EYES])
@pytest.mark.parametrize("door", ["panel", "cli"])
def test_the_four_eyes_rule_holds_at_every_door(door, as_role, panel_runtime, panel_env):
    audit.log(panel_runtime.engine, audit.Entry(NOW, "canbo", "edit", F07, "sửa nội dung"))
    if door == "panel":
        ok, said = panel_decide(as_role, panel_runtime, "approve")
        assert not ok and refusals.text(Refused("four-eyes", ""), VN) in said
        assert panel_decide(as_role, panel_runtime, "approve", who="canbo2")[0]
    else:
        ok, said = cli_decide(panel_runtime, "approve", env=panel_env)
        assert not ok and "[four-eyes]" in said
        assert cli_decide(panel_runtime, "approve", who="canbo2", env=panel_env)[0]
    (decision,) = approval.decisions_for(panel_runtime.engine, F07)
    assert decision.decided_by == "canbo2"


# ---------------------------------------------------------------- alerts


@pytest.mark.parametrize("door", ["panel", "cli"])
def test_an_alert_for_unapproved_audio_is_refused_at_every_door(door, as_role, panel_runtime):
    from broadcaster import alerts

    if door == "panel":
        staff = as_role("canbo")
        form = {"bulletin_id": F07, "stations": "co-am"}
        response = staff.post("/schedule/alert", form)
        assert response.status_code == 303  # refused: back to the choice, which says why
        said = html.unescape(staff.get(response.headers["Location"]).get_data(as_text=True))
        assert refusals.text(Refused("alert-not-approved", "", rejected=False), VN) in said
    else:
        result = run_cli(panel_runtime, ["alert", F07, "--station", "co-am", "--by", "canbo"])
        assert result.exit_code == 1 and "[alert-not-approved]" in result.output
    assert alerts.alerts_raised(panel_runtime.engine, NOW - dt.timedelta(days=1)) == []
