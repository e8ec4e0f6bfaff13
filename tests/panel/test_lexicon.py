"""Staff add an abbreviation from the panel: preview first, then save to the data directory.

What a user cares about: the preview reads the sample both ways and names the bulletins
that would change, nothing is written until "Lưu"; once saved, the running panel and every
render read the new form at once (the shipped lexicon is untouched), only the bulletins that
contain it need a new render, and the audit trail says who did it.
"""

from __future__ import annotations

import re
from html import escape, unescape

from broadcaster import audit
from broadcaster.normalize import normalize
from broadcaster.render.pipeline import plan_jobs

URL = "/content/lexicon"


def text_of(response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def render_keys(runtime) -> dict[str, str]:
    jobs = plan_jobs(list(runtime.library()), runtime.settings, runtime.lexicon)
    return {job.bulletin.id: job.render_key for job in jobs}


def test_preview_reads_the_sample_both_ways_and_writes_nothing(as_role, panel_runtime):
    staff = as_role("canbo")
    response = staff.post(
        URL,
        {
            "key": "Telegram",
            "say": "tê lê gram",
            "sample": "Nhóm Telegram lạ.",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "Nhóm Telegram lạ." in page  # read as it is today...
    assert "Nhóm tê lê gram lạ." in page  # ...and as it would be
    assert "Lấy cắp Telegram OTP" in page  # a bulletin whose reading would change
    assert not panel_runtime.paths.staff_lexicon.exists()


def test_saving_is_heard_at_once_and_rerenders_only_what_changes(as_role, panel_runtime):
    before = render_keys(panel_runtime)
    staff = as_role("canbo")
    response = staff.post(URL, {"key": "Telegram", "say": "tê lê gram", "action": "save"})
    assert response.status_code == 302

    assert "Telegram" in panel_runtime.paths.staff_lexicon.read_text("utf-8")
    # The running panel's preview of a bulletin body uses it without a restart.
    spoken = staff.client.post(
        "/content/preview",
        json={"body": "Đừng tin nhóm Telegram."},
        headers={"X-CSRFToken": staff.csrf()},
    )
    assert spoken.get_json() == {"spoken": "Đừng tin nhóm tê lê gram."}

    after = render_keys(panel_runtime)
    bodies = {b.id: b.body for b in panel_runtime.library()}
    changed = {bulletin_id for bulletin_id in before if before[bulletin_id] != after[bulletin_id]}
    assert changed == {bulletin_id for bulletin_id, body in bodies.items() if "Telegram" in body}
    assert changed  # the library does speak of Telegram

    (entry,) = [e for e in audit.recent(panel_runtime.engine) if e.action == "lexicon"]
    assert (entry.actor, entry.target) == ("canbo", "lexicon:Telegram")
    assert "tê lê gram" in entry.detail
    assert "Telegram" in text_of(staff.get(URL))


def test_a_saved_entry_can_be_changed_and_removed(as_role, panel_runtime):
    staff = as_role("canbo")
    staff.post(URL, {"key": "HTXNN", "say": "hợp tác xã nông nghiệp", "action": "save"})
    staff.post(URL, {"key": "HTXNN", "say": "hợp tác xã nông nghiệp thôn", "action": "save"})
    assert normalize("HTXNN họp.", panel_runtime.lexicon) == "Hợp tác xã nông nghiệp thôn họp."
    assert staff.post(f"{URL}/remove", {"key": "HTXNN"}).status_code == 302
    assert normalize("HTXNN họp.", panel_runtime.lexicon) != "Hợp tác xã nông nghiệp thôn họp."
    details = [e.detail for e in audit.recent(panel_runtime.engine) if e.action == "lexicon"]
    assert details[0].startswith("xóa") and details[1].startswith("đổi")


def test_bad_entries_are_refused_in_vietnamese_and_keep_the_form(as_role, panel_runtime):
    staff = as_role("canbo")
    cases = [
        ({"key": "xã", "say": "ủy ban"}, "ít nhất một chữ in hoa"),
        ({"key": "AB<script>", "say": "a bê"}, "chỉ gồm chữ, số"),
        ({"key": "X" * 21, "say": "ích xì"}, "dài quá 20 ký tự"),
        ({"key": "BHXH2", "say": "bảo hiểm 2"}, "số hãy viết bằng chữ"),
        ({"key": "BHXH2", "say": ""}, "Hãy nhập cách đọc"),
    ]
    for data, message in cases:
        response = staff.post(URL, {**data, "action": "save"})
        assert response.status_code == 303, data
        assert "/content/lexicon#nhap-" in response.headers["Location"]  # scrolled to the field
        shown = staff.get(response.headers["Location"])
        page = text_of(shown)
        assert message in page, (data, page)
        at_field = r'id="loi-(key|say)" role="alert">[^<]*' + re.escape(escape(message))
        assert re.search(at_field, shown.get_data(as_text=True)), data  # and at its field
        # What was typed is still in the form, escaped.
        assert f'value="{escape(data["key"])}"' in shown.get_data(as_text=True)
        assert not re.search(at_field, staff.get(URL).get_data(as_text=True))  # said once
    assert not panel_runtime.paths.staff_lexicon.exists()


def test_only_staff_change_the_lexicon(as_role, panel_runtime):
    for username in ("lanhdao", "xa-co-am", "quantri"):
        response = as_role(username).post(URL, {"key": "ABC", "say": "a bê xê", "action": "save"})
        assert response.status_code == 403, username
    assert not panel_runtime.paths.staff_lexicon.exists()
