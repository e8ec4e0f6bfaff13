"""A day with no stored plan is said on every page to those who can act on it."""

from __future__ import annotations

from broadcaster import approval
from broadcaster.airplan import service as airplan

from .conftest import NOW

BANNER = "CHƯA CÓ KẾ HOẠCH PHÁT SÓNG HÔM NAY (30/11/2026)"


def test_no_plan_today_is_a_banner_for_staff_and_operators_until_planned(as_role, panel_runtime):
    staff, operator, leader = as_role("canbo"), as_role("xa-co-am"), as_role("lanhdao")
    assert BANNER in staff.get("/content/").get_data(as_text=True)
    assert "lập kế hoạch ở mục Lịch phát sóng" in staff.get("/content/").get_data(as_text=True)
    assert "hãy báo Trung tâm" in operator.get("/station/co-am/today").get_data(as_text=True)
    assert BANNER not in leader.get("/reports/").get_data(as_text=True)  # cannot act on it

    for record in panel_runtime.renders().values():
        approval.decide(
            panel_runtime.engine, record, verdict=approval.Verdict.APPROVED, by="canbo", now=NOW
        )
    airplan.plan_range(panel_runtime, NOW.date(), 1, by="canbo")
    assert BANNER not in staff.get("/content/").get_data(as_text=True)
    assert BANNER not in operator.get("/station/co-am/today").get_data(as_text=True)


def test_a_commune_that_does_not_air_today_is_not_warned(as_role, panel_runtime):
    panel_runtime.clock.set(NOW.replace(day=29))  # Sunday: Cổ Am airs Monday to Friday
    page = as_role("xa-co-am").get("/station/co-am/today").get_data(as_text=True)
    assert "CHƯA CÓ KẾ HOẠCH" not in page
    assert "CHƯA CÓ KẾ HOẠCH" in as_role("canbo").get("/content/").get_data(as_text=True)
