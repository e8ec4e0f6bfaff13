"""The alerts endpoint's per-process cache: cheap while nothing changes, never stale after.

The clock stays pinned: a change shows at the next poll because the cache asks for the
newest alert, withdrawal and decision at each poll, not because time moved on.
"""

from __future__ import annotations

import datetime as dt

from playout.conftest import statements  # noqa: F401 (tests/playout's fixture)

from broadcaster import approval
from broadcaster.alerts.raising import raise_alert
from broadcaster.alerts.withdrawing import withdraw_alert

from .test_api import BASE, NOW, bearer, planned, platform, token  # noqa: F401 (fixtures)

F14 = "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"
URL = f"{BASE}/alerts"


def offered(platform, token) -> list[int]:  # noqa: F811
    response = platform.get(URL, headers=bearer(token))
    assert response.status_code == 200
    return [alert["id"] for alert in response.json["alerts"]]


def reads_alerts(seen: list[str]) -> bool:
    """Whether a statement read the alerts themselves (which stations they name)."""
    return any("alert_stations" in statement for statement in seen)


def test_a_new_alert_a_withdrawal_and_a_rejection_show_at_the_next_poll(
    planned,  # noqa: F811
    platform,  # noqa: F811
    token,  # noqa: F811
    panel_runtime,
    statements,  # noqa: F811
):
    assert panel_runtime.clock.now() == NOW  # pinned for the whole test
    assert offered(platform, token) == []
    first = raise_alert(panel_runtime, F14, stations=None, by="canbo").alert
    assert offered(platform, token) == [first.id]

    statements.clear()  # nothing changed: the poll reads the token and the newest ids only
    assert offered(platform, token) == [first.id]
    assert len(statements) == 2 and not reads_alerts(statements)

    second = raise_alert(panel_runtime, F14, stations=["co-am"], by="canbo").alert
    elsewhere = raise_alert(panel_runtime, F14, stations=["tam-cuong"], by="canbo").alert
    assert offered(platform, token) == [first.id, second.id]  # not Tam Cường's
    assert elsewhere.id not in offered(platform, token)

    withdraw_alert(panel_runtime, first.id, by="canbo", reason="Nhầm xã")
    assert offered(platform, token) == [second.id]

    record = panel_runtime.renders()[F14]
    approval.decide(
        panel_runtime.engine, record, verdict=approval.Verdict.REJECTED, by="lanhdao", now=NOW
    )
    assert offered(platform, token) == []


def test_the_cache_reads_the_alerts_again_once_its_time_is_up(
    planned,  # noqa: F811
    platform,  # noqa: F811
    token,  # noqa: F811
    panel_runtime,
    statements,  # noqa: F811
):
    raised = raise_alert(panel_runtime, F14, stations=None, by="canbo").alert
    assert offered(platform, token) == [raised.id]
    statements.clear()
    panel_runtime.clock.advance(dt.timedelta(seconds=4))
    assert offered(platform, token) == [raised.id] and not reads_alerts(statements)
    panel_runtime.clock.advance(dt.timedelta(seconds=1))  # five seconds: read again
    assert offered(platform, token) == [raised.id] and reads_alerts(statements)
