"""Content and approval in the panel: statuses, safe edits, renders, listening, approval, uploads.

Real renders (espeak-ng, ffmpeg), a private copy of the library per test, the audit trail
in a real SQLite database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import subprocess
import time
import unicodedata
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from broadcaster import approval, audit
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.library.bulletins import load_library
from broadcaster.render.manifest import load_manifest, save_manifest
from broadcaster.runtime import FixedClock, build_runtime

from .conftest import ACCOUNTS, NOW
from .test_redirects import follow_refusal

TINY = """\
id: tin-thu
form: null
kind: bulletin
title: Tin thử
priority: thuong
valid_from: 2023-01-01
valid_until: null
voice: null
body: |
  Thấy lạ, gọi 113.
"""


@pytest.fixture
def panel_env() -> dict[str, str]:
    """Extra BROADCASTER_* settings; a test parametrizes this to change them."""
    return {}


@pytest.fixture
def panel_runtime(repo, rendered, library_copy, panel_env):
    """As the shared fixture, but over a private copy of the library: edits must not leak."""
    environ = {
        "BROADCASTER_DATA_DIR": str(rendered),
        "BROADCASTER_LIBRARY_DIR": str(library_copy),
        "BROADCASTER_SPEECH__ENGINES": "espeak",
        **panel_env,
    }
    return build_runtime(environ=environ, clock=FixedClock(NOW))


@pytest.fixture
def staff(as_role):
    return as_role("canbo")


@pytest.fixture
def tiny(library_copy: Path) -> Path:
    """A one-sentence bulletin, quick to render."""
    path = library_copy / "tin-thu.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def announcer_ogg(tmp_path_factory) -> bytes:
    """A short real recording: espeak-ng speech encoded to Ogg Vorbis by ffmpeg."""
    folder = tmp_path_factory.mktemp("recording")
    wav, ogg = folder / "doc.wav", folder / "doc.ogg"
    subprocess.run(["espeak-ng", "-v", "vi", "-w", str(wav), "Thấy lạ, gọi 113."], check=True)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(wav), "-c:a", "libvorbis", str(ogg)],
        check=True,
    )
    return ogg.read_bytes()


def row(page: str, bulletin_id: str) -> str:
    found = re.search(rf'<tr id="b-{re.escape(bulletin_id)}".*?</tr>', page, re.S)
    assert found, f"no row for {bulletin_id}"
    return found.group(0)


def list_page(browser) -> str:
    response = browser.get("/content/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def edit_form(panel_runtime, bulletin_id: str, **changes: str) -> dict[str, str]:
    bulletin = panel_runtime.library().get(bulletin_id)
    form = {
        "title": bulletin.title,
        "body": bulletin.body,
        "priority": bulletin.priority.value,
        "valid_from": bulletin.valid_from.isoformat(),
        "valid_until": bulletin.valid_until.isoformat() if bulletin.valid_until else "",
        "voice": bulletin.voice or "",
        "action": "save",
    }
    return {**form, **changes}


def wait_for_job(browser, location: str) -> dict:
    job_id = parse_qs(urlparse(location).query)["job"][0]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = browser.get(f"/content/jobs/{job_id}").get_json()
        if job["finished"]:
            return job
        time.sleep(0.1)
    raise AssertionError(f"render job {job_id} did not finish")


def entries(panel_runtime, action: str, target: str) -> list[audit.Entry]:
    trail = audit.recent(panel_runtime.engine, target=target)
    return [e for e in trail if e.action == action]


def visible_text(page: str) -> str:
    """What a person reads: the page without its tags (tooltips and form values dropped)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def current(panel_runtime, bulletin_id: str):
    return load_manifest(panel_runtime.settings.data_dir)[bulletin_id]


# ---------------------------------------------------------------- the list


def test_list_shows_each_status_and_how_the_audio_was_made(staff, panel_runtime, library_copy):
    renders = panel_runtime.renders()
    engine, now = panel_runtime.engine, dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)
    approval.decide(engine, renders["mo-dau"], verdict=approval.Verdict.APPROVED, by="x", now=now)
    approval.decide(engine, renders["ket-thuc"], verdict=approval.Verdict.REJECTED, by="x", now=now)
    f07 = library_copy / "f07-gia-danh-cong-ty-tai-chinh-ngan-hang.yaml"
    f07.write_text(f07.read_text(encoding="utf-8") + "  Xin cảm ơn bà con.\n", encoding="utf-8")
    f14 = library_copy / "f14-gia-danh-cong-an-vien-kiem-sat-toa-an.yaml"
    text = f14.read_text(encoding="utf-8").replace("valid_until: null", "valid_until: 2026-06-30")
    f14.write_text(text, encoding="utf-8")
    records = dict(renders)
    records["f02-cuoc-goi-video-deepfake"] = dataclasses.replace(
        renders["f02-cuoc-goi-video-deepfake"], fallback=True
    )
    save_manifest(panel_runtime.settings.data_dir, records)

    page = list_page(staff)

    assert "đã duyệt" in row(page, "mo-dau")
    assert "bị từ chối" in row(page, "ket-thuc")
    assert "nháp" in row(page, "f07-gia-danh-cong-ty-tai-chinh-ngan-hang")  # edited since render
    assert "nháp" in row(page, "f01-combo-du-lich")  # never rendered
    assert "hết hiệu lực" in row(page, "f14-gia-danh-cong-an-vien-kiem-sat-toa-an")
    f02 = row(page, "f02-cuoc-goi-video-deepfake")
    assert "đã dựng" in f02 and "Ưu tiên" in f02 and "Số 2" in f02
    assert "espeak-ng, giọng miền Bắc" in f02 and "giọng dự phòng" in f02
    assert "espeak / vi" not in f02  # the voice's name, not the engine's codes
    assert re.search(r">\d+:\d\d<", f02) and "-16,0" in f02  # duration and LUFS, decimal comma
    assert "giọng dự phòng" not in row(page, "mo-dau")


def test_a_broken_file_is_named_and_the_rest_still_listed(staff, library_copy):
    (library_copy / "hong.yaml").write_text("id: hong\nkind: bulletin\n", encoding="utf-8")
    page = list_page(staff)
    assert "Thư viện bản tin đang có lỗi" in page and "hong.yaml" in page
    assert "Tiêu đề: chưa điền." in page
    assert "nháp" in row(page, "f01-combo-du-lich")


# ---------------------------------------------------------------- editing


def test_an_edit_is_saved_as_readable_nfc_yaml_and_audited(staff, panel_runtime, library_copy):
    path = library_copy / "mo-dau.yaml"
    before = path.read_text(encoding="utf-8")
    title = unicodedata.normalize("NFD", "Lời mở đầu chuyên mục (bản sửa)")
    body = unicodedata.normalize("NFD", "Kính thưa bà con!\r\n\r\nThấy lạ, gọi 113.  \r\n")
    form = edit_form(panel_runtime, "mo-dau", title=title, body=body, valid_until="2027-12-31")

    response = staff.post("/content/mo-dau", form)

    assert response.status_code == 302
    after = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", after)
    bulletin = load_library(library_copy).get("mo-dau")
    assert bulletin.title == "Lời mở đầu chuyên mục (bản sửa)"
    assert bulletin.body == "Kính thưa bà con!\n\nThấy lạ, gọi 113."
    assert str(bulletin.valid_until) == "2027-12-31"
    assert "body: |\n  Kính thưa bà con!\n\n  Thấy lạ, gọi 113.\n" in after
    keys = lambda text: re.findall(r"^(\w+):", text, re.M)  # noqa: E731
    assert keys(after) == keys(before)
    untouched = ("id:", "priority:", "notes: >-", "  Phát trước")
    assert [ln for ln in after.splitlines() if ln.startswith(untouched)] == [
        ln for ln in before.splitlines() if ln.startswith(untouched)
    ]
    (edit,) = entries(panel_runtime, "edit", "mo-dau")
    assert edit.actor == "canbo" and "tiêu đề" in edit.detail
    assert "nháp" in row(list_page(staff), "mo-dau")  # the audio no longer matches the text


def test_an_edit_keeps_comments_and_adds_a_missing_field_in_its_place(staff, library_copy):
    path = library_copy / "tin-thu.yaml"
    original = TINY.replace("voice: null\n", "").replace("title: Tin thử", "title: Tin thử  # tạm")
    path.write_text("# Bản tin thử cho đài xã\n" + original, encoding="utf-8")
    form = {"title": "Tin thử", "body": "Thấy lạ, gọi 113.", "priority": "uu_tien"}
    form |= {"valid_from": "01/01/2023", "voice": "vi-vn-x-south", "action": "save"}

    assert staff.post("/content/tin-thu", form).status_code == 302

    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Bản tin thử cho đài xã\nid: tin-thu\n")
    assert "title: Tin thử  # tạm\npriority: uu_tien\n" in text  # same title: line kept
    assert "valid_until: null\nvoice: vi-vn-x-south\nbody: |\n" in text
    assert load_library(library_copy).get("tin-thu").voice == "vi-vn-x-south"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": "   "}, "Nội dung: chưa điền."),
        ({"body": "Bà con chú ý. " * 250}, "vượt giới hạn 3000 ký tự"),
        (
            {"valid_from": "2026-12-01", "valid_until": "2026-11-01"},
            "Ngày hết hiệu lực (01/11/2026) đang ở trước ngày bắt đầu hiệu lực (01/12/2026).",
        ),
    ],
    ids=["empty-body", "body-too-long", "until-before-from"],
)
def test_an_invalid_edit_is_refused_and_the_file_left_as_it_was(
    staff, panel_runtime, library_copy, changes, message
):
    path = library_copy / "f19-lay-cap-telegram-otp.yaml"
    before, files = path.read_bytes(), sorted(library_copy.iterdir())

    form = edit_form(panel_runtime, "f19-lay-cap-telegram-otp", **changes)
    page = follow_refusal(staff, "/content/f19-lay-cap-telegram-otp", form)

    assert "Không lưu được:" in page and message in page
    assert 'id="loi-sua"' in page  # said again at the edit form, where the page scrolls
    assert html.escape(form["body"].strip()[:60], quote=False) in page  # what was typed, kept
    assert path.read_bytes() == before and sorted(library_copy.iterdir()) == files
    assert not entries(panel_runtime, "edit", "f19-lay-cap-telegram-otp")


def test_an_edit_made_on_a_stale_page_is_refused(staff, panel_runtime, library_copy):
    page = staff.get("/content/f19-lay-cap-telegram-otp").get_data(as_text=True)
    base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)
    path = library_copy / "f19-lay-cap-telegram-otp.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Lấy cắp", "Đánh cắp"), "utf-8")
    changed = path.read_bytes()

    form = edit_form(panel_runtime, "f19-lay-cap-telegram-otp", title="Của tôi", base=base)
    page = follow_refusal(staff, "/content/f19-lay-cap-telegram-otp", form)

    assert "vừa được người khác sửa" in page
    assert 'name="title" value="Của tôi"' in page  # kept, to save again over the other edit
    assert path.read_bytes() == changed


def test_the_preview_reads_the_text_as_the_engine_will(staff, library_copy):
    response = staff.client.post(
        "/content/preview",
        json={"body": "Thấy lạ, hãy gọi 113."},
        headers={"X-CSRFToken": staff.csrf()},
    )
    assert response.status_code == 200
    assert "gọi một một ba" in response.get_json()["spoken"]

    # Without JavaScript: the "Xem trước" button shows it and saves nothing.
    path = library_copy / "mo-dau.yaml"
    before = path.read_bytes()
    form = {"title": "X", "body": "Gọi 113 ngay.", "action": "preview"}
    page = staff.post("/content/mo-dau", form)
    assert page.status_code == 200
    assert "Gọi một một ba ngay." in page.get_data(as_text=True)
    assert path.read_bytes() == before


# ---------------------------------------------------------------- rendering and listening


def test_a_render_job_runs_in_the_background_and_the_new_audio_appears(staff, panel_runtime, tiny):
    assert "nháp" in row(list_page(staff), "tin-thu")

    response = staff.post("/content/tin-thu/render")

    assert response.status_code == 302 and "/content/tin-thu?job=" in response.headers["Location"]
    job = wait_for_job(staff, response.headers["Location"])
    assert job["state"] == "done", job
    record = current(panel_runtime, "tin-thu")
    assert record.engine == "espeak" and "espeak-ng, giọng miền Bắc" in job["message"]
    assert record.sha256[:12] not in job["message"]  # a person reads it: no hash
    assert "đã dựng" in row(list_page(staff), "tin-thu")
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã dựng xong" in page and f"/content/tin-thu/audio/{record.sha256[:12]}.mp3" in page
    (entry,) = entries(panel_runtime, "render", "tin-thu")
    assert entry.actor == "canbo"


def test_a_failed_render_shows_the_engines_message(staff, tiny):
    tiny.write_text(TINY.replace("voice: null", "voice: gtts-vi"), encoding="utf-8")  # not offline

    response = staff.post("/content/tin-thu/render")

    job = wait_for_job(staff, response.headers["Location"])
    assert job["state"] == "failed"
    assert "Dựng không thành công" in job["message"] and "unknown voice 'gtts-vi'" in job["message"]
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "unknown voice" in page and "nháp" in row(list_page(staff), "tin-thu")


def test_the_audio_is_served_with_range_support_and_only_if_known(staff, panel_runtime):
    record = current(panel_runtime, "mo-dau")
    url = f"/content/mo-dau/audio/{record.sha256[:12]}.mp3"

    whole = staff.get(url)
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = staff.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100
    assert part.headers["Content-Range"].startswith("bytes 0-99/")
    assert f'src="{url}"' in staff.get("/content/mo-dau").get_data(as_text=True)

    other = current(panel_runtime, "ket-thuc").sha256[:12]  # exists on disk, not mo-dau's
    for unknown in ("0123456789ab", other, "../../secret", "ZZZZZZZZZZZZ"):
        assert staff.get(f"/content/mo-dau/audio/{unknown}.mp3").status_code == 404


def test_approved_audio_stays_listenable_after_a_new_render(staff, panel_runtime):
    old = current(panel_runtime, "ket-thuc")
    staff.post("/content/ket-thuc/decision", {"verdict": "approve", "sha256": old.sha256})
    records = load_manifest(panel_runtime.settings.data_dir)
    del records["ket-thuc"]  # as if replaced: only the approval still knows this audio
    save_manifest(panel_runtime.settings.data_dir, records)
    assert staff.get(f"/content/ket-thuc/audio/{old.sha256[:12]}.mp3").status_code == 200


# ---------------------------------------------------------------- approval


def test_approval_is_bound_to_the_audio_it_shows(staff, panel_runtime):
    record = current(panel_runtime, "mo-dau")
    page = staff.get("/content/mo-dau").get_data(as_text=True)
    assert f'name="sha256" value="{record.sha256}"' in page

    form = {"verdict": "approve", "sha256": record.sha256, "comment": "Nghe rõ, đúng nội dung."}
    response = staff.post("/content/mo-dau/decision", form)

    assert response.status_code == 302
    decision = approval.latest_decisions(panel_runtime.engine)[record.sha256]
    assert decision.verdict is approval.Verdict.APPROVED and decision.decided_by == "canbo"
    page = staff.get("/content/mo-dau").get_data(as_text=True)
    history = page[page.index("Lịch sử kiểm duyệt") :]
    assert "bản hiện tại" in history and "Nghe rõ, đúng nội dung." in history
    assert ACCOUNTS["canbo"][0] in history and "30/11/2026 08:00" in history  # full name
    made = dt.datetime.fromisoformat(record.rendered_at).astimezone(panel_runtime.settings.zone)
    named = f"bản dựng lúc {made:%H:%M} ngày {made:%d/%m/%Y}"
    assert f"Đã duyệt {named}." in page  # the audio named by when it was made
    assert f'<span class="audio" title="sha256 {record.sha256}">{named}</span>' in history
    assert record.sha256[:12] not in visible_text(page)  # no hash to read, only in a tooltip
    assert "đã duyệt" in row(list_page(staff), "mo-dau")
    (entry,) = entries(panel_runtime, "approve", "mo-dau")
    assert entry.actor == "canbo" and record.sha256 in entry.detail  # evidence: the full hash


def test_approving_audio_that_changed_meanwhile_is_refused(staff, panel_runtime, library_copy):
    form = {"verdict": "approve", "sha256": "f" * 64}
    page = follow_refusal(staff, "/content/mo-dau/decision", form)
    assert "Bản âm thanh đã thay đổi, vui lòng nghe lại trước khi duyệt" in page

    # The text was edited after the render: that audio no longer says what the page says.
    path = library_copy / "mo-dau.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  Xin cảm ơn.\n", encoding="utf-8")
    record = current(panel_runtime, "mo-dau")
    form = {"verdict": "approve", "sha256": record.sha256}
    assert "Hãy dựng lại" in follow_refusal(staff, "/content/mo-dau/decision", form)
    assert approval.latest_decisions(panel_runtime.engine) == {}
    assert not entries(panel_runtime, "approve", "mo-dau")


def test_a_rejection_needs_a_reason_and_is_recorded(staff, panel_runtime):
    record = current(panel_runtime, "ket-thuc")
    response = staff.post(
        "/content/ket-thuc/decision", {"verdict": "reject", "sha256": record.sha256}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("#kiem-duyet")
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "lý do từ chối" in page and 'id="loi-comment"' in page  # at the top and the field

    form = {"verdict": "reject", "sha256": record.sha256, "comment": "Đọc sai tên xã."}
    assert staff.post("/content/ket-thuc/decision", form).status_code == 302
    decision = approval.latest_decisions(panel_runtime.engine)[record.sha256]
    assert decision.verdict is approval.Verdict.REJECTED and decision.comment == "Đọc sai tên xã."
    (entry,) = entries(panel_runtime, "reject", "ket-thuc")
    assert entry.actor == "canbo" and "Đọc sai tên xã." in entry.detail


@pytest.mark.parametrize("panel_env", [{"BROADCASTER_PANEL__FOUR_EYES": "true"}])
def test_with_four_eyes_the_last_editor_cannot_approve(as_role, panel_runtime):
    editor, reviewer = as_role("canbo"), as_role("canbo2")
    bulletin_id = "f02-cuoc-goi-video-deepfake"
    form = edit_form(panel_runtime, bulletin_id, valid_until="2027-12-31")  # audio unchanged
    assert editor.post(f"/content/{bulletin_id}", form).status_code == 302
    sha = current(panel_runtime, bulletin_id).sha256

    form = {"verdict": "approve", "sha256": sha, "comment": "Tôi đã nghe"}
    refused = follow_refusal(editor, f"/content/{bulletin_id}/decision", form)
    assert "Bạn là người sửa bản tin này gần nhất" in refused
    assert "Tôi đã nghe</textarea>" in refused
    assert approval.latest_decisions(panel_runtime.engine) == {}

    accepted = reviewer.post(
        f"/content/{bulletin_id}/decision", {"verdict": "approve", "sha256": sha}
    )
    assert accepted.status_code == 302
    assert approval.latest_decisions(panel_runtime.engine)[sha].decided_by == "canbo2"


def test_without_four_eyes_the_editor_may_approve(staff, panel_runtime):
    bulletin_id = "f02-cuoc-goi-video-deepfake"
    staff.post(
        f"/content/{bulletin_id}", edit_form(panel_runtime, bulletin_id, valid_until="2027-12-31")
    )
    sha = current(panel_runtime, bulletin_id).sha256
    response = staff.post(f"/content/{bulletin_id}/decision", {"verdict": "approve", "sha256": sha})
    assert response.status_code == 302


# ---------------------------------------------------------------- announcer recordings


def test_an_announcers_recording_is_stored_and_rendered(staff, panel_runtime, tiny, announcer_ogg):
    data = {"recording": (BytesIO(announcer_ogg), "Ghi âm 1.ogg")}

    response = staff.post("/content/tin-thu/recording", data, content_type="multipart/form-data")

    assert response.status_code == 302, response.get_data(as_text=True)
    stored = tiny.parent / "recordings" / "tin-thu.ogg"
    assert stored.read_bytes() == announcer_ogg
    assert "recording: recordings/tin-thu.ogg\n" in tiny.read_text(encoding="utf-8")
    job = wait_for_job(staff, response.headers["Location"])
    assert job["state"] == "done", job
    record = current(panel_runtime, "tin-thu")
    assert record.engine == "recorded" and record.voice == "tin-thu.ogg"
    tin = row(list_page(staff), "tin-thu")
    assert "đã dựng" in tin and "recorded" in tin
    (entry,) = entries(panel_runtime, "upload", "tin-thu")
    assert entry.actor == "canbo" and "Ghi âm 1.ogg" in entry.detail

    # Back to the synthetic voice: the field is cleared, the file removed, a render made.
    response = staff.post("/content/tin-thu/recording/remove")
    assert wait_for_job(staff, response.headers["Location"])["state"] == "done"
    assert "recording: null\n" in tiny.read_text(encoding="utf-8") and not stored.exists()
    assert current(panel_runtime, "tin-thu").engine == "espeak"


def _refused_upload(staff, library_copy, payload: bytes, name: str):
    path = library_copy / "mo-dau.yaml"
    before = path.read_bytes()
    data = {"recording": (BytesIO(payload), name)}
    response = staff.post("/content/mo-dau/recording", data, content_type="multipart/form-data")
    assert path.read_bytes() == before
    recordings = library_copy / "recordings"
    assert not recordings.exists() or not any(recordings.iterdir())
    return response.status_code, response.get_data(as_text=True)


def test_a_text_file_named_mp3_is_refused_and_nothing_stored(staff, panel_runtime, library_copy):
    status, page = _refused_upload(
        staff, library_copy, b"Day khong phai am thanh.\n" * 40, "doc.mp3"
    )
    assert status == 422
    assert "Không nhận bản ghi “doc.mp3”: tệp này không phải là âm thanh đọc được" in page
    assert not entries(panel_runtime, "upload", "mo-dau")
    assert 'id="job"' not in page


def test_a_silent_recording_is_refused(staff, library_copy, tmp_path):
    silent = tmp_path / "im-lang.wav"
    argv = ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=16000"]
    subprocess.run([*argv, "-t", "2", str(silent)], check=True)
    status, page = _refused_upload(staff, library_copy, silent.read_bytes(), "im-lang.wav")
    assert status == 422 and "gần như im lặng" in page


def test_a_multichannel_high_rate_recording_is_refused_by_name(staff, library_copy, tmp_path):
    """Eight channels at 192 kHz would cost mastering gigabytes: refused before it decodes."""
    flac = tmp_path / "da-kenh.flac"
    argv = ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi"]
    argv += ["-i", "sine=f=220:sample_rate=192000:d=1", "-ac", "8", "-c:a", "flac"]
    subprocess.run([*argv, str(flac)], check=True)
    status, page = _refused_upload(staff, library_copy, flac.read_bytes(), "Ghi âm xã.ogg")
    assert status == 422
    assert (
        "Không nhận bản ghi “Ghi âm xã.ogg”: bản ghi có 8 kênh âm thanh; chỉ nhận bản ghi "
        "một kênh (mono) hoặc hai kênh (stereo)." in html.unescape(page)
    )


def test_only_audio_file_types_are_taken(staff, library_copy):
    status, page = _refused_upload(staff, library_copy, b"abc", "ghi-chu.txt")
    assert status == 422 and "chỉ nhận tệp WAV, MP3, M4A hoặc OGG" in page


@pytest.mark.parametrize("panel_env", [{"BROADCASTER_PANEL__UPLOAD_LIMIT_MB": "1"}])
def test_an_upload_over_the_limit_is_refused(staff, library_copy):
    status, page = _refused_upload(staff, library_copy, b"\0" * (1024 * 1024 + 100_000), "x.wav")
    assert status == 413 and "lớn hơn giới hạn 1 MB" in page


# ---------------------------------------------------------------- audit and access


def test_the_audit_trail_names_who_did_what(as_role, panel_runtime):
    editor, reviewer = as_role("canbo"), as_role("canbo2")
    editor.post("/content/mo-dau", edit_form(panel_runtime, "mo-dau", valid_until="2027-12-31"))
    sha = current(panel_runtime, "mo-dau").sha256
    reviewer.post("/content/mo-dau/decision", {"verdict": "approve", "sha256": sha})

    page = reviewer.get("/audit/").get_data(as_text=True)

    cell = r"<td[^>]*>(.*?)</td>\s*"
    rows = re.findall(r"<tr>\s*" + cell * 3, page, re.S)
    assert ("30/11/2026 08:00", ACCOUNTS["canbo2"][0], "duyệt") in rows  # full names
    assert ("30/11/2026 08:00", ACCOUNTS["canbo"][0], "sửa nội dung") in rows
    assert [(e.actor, e.action) for e in audit.recent(panel_runtime.engine, target="mo-dau")] == [
        ("canbo2", "approve"),
        ("canbo", "edit"),
    ]


def _content_routes(app):
    values = {"bulletin_id": "mo-dau", "sha12": "0123456789ab", "job_id": "khong-co"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("content."):
            url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
            yield ("POST" if "POST" in rule.methods else "GET"), url


def _call(browser, method: str, url: str):
    return browser.get(url) if method == "GET" else browser.post(url)


@pytest.mark.parametrize("username", ["xa-co-am", "lanhdao"])
def test_operators_and_leaders_are_refused_every_content_route(app, as_role, username):
    browser = as_role(username)
    routes = list(_content_routes(app))
    assert len(routes) >= 10
    for method, url in routes:
        assert _call(browser, method, url).status_code == 403, (method, url)


def test_anonymous_visitors_are_sent_to_log_in(app, browser):
    for method, url in _content_routes(app):
        response = _call(browser, method, url)
        assert response.status_code == 302, (method, url)
        assert urlparse(response.headers["Location"]).path == "/login"


def test_every_content_view_declares_its_permission(app):
    views = {e: f for e, f in app.view_functions.items() if e.startswith("content.")}
    assert views and all(hasattr(f, "required_action") for f in views.values())


def test_a_post_without_csrf_token_is_rejected(app, staff, library_copy):
    before = (library_copy / "mo-dau.yaml").read_bytes()
    for method, url in _content_routes(app):
        if method == "POST":
            response = staff.client.post(url, data={"title": "x", "body": "y"})
            assert response.status_code == 400, url
    response = staff.client.post("/content/preview", json={"body": "gọi 113"})
    assert response.status_code == 400
    assert (library_copy / "mo-dau.yaml").read_bytes() == before


def test_a_bulletin_named_audit_opens_like_any_other(staff, library_copy):
    """Panel pages of their own live outside /content, so no bulletin id is shadowed."""
    (library_copy / "audit.yaml").write_text(
        TINY.replace("id: tin-thu", "id: audit").replace("Tin thử", "Kiểm toán viên giả"),
        encoding="utf-8",
    )
    page = staff.get("/content/audit")
    assert page.status_code == 200
    assert "Kiểm toán viên giả" in page.get_data(as_text=True)


def test_rejected_audio_is_taken_out_of_every_plan_from_now_on(staff, panel_runtime):
    """Planned, then found wrong: it must not air again, but what aired stays on record."""
    rt = panel_runtime
    for record in rt.renders().values():
        approval.decide(rt.engine, record, verdict=approval.Verdict.APPROVED, by="canbo2", now=NOW)
    today, tomorrow = NOW.date(), NOW.date() + dt.timedelta(days=1)
    airplan.plan_range(rt, today, 2, by="canbo")
    for day in (today, tomorrow):
        airplan.publish_playlists(rt, day, zips=False)
    zone = NOW.tzinfo
    opening = rt.renders()["mo-dau"]

    def openings(day):
        return [i.starts_at for i in load_plan(rt.engine, day, zone) if i.bulletin_id == "mo-dau"]

    assert any(t < NOW for t in openings(today)) and any(t > NOW for t in openings(today))

    response = staff.post(
        "/content/mo-dau/decision",
        {"verdict": "reject", "sha256": opening.sha256, "comment": "Sai số đường dây nóng"},
        follow_redirects=True,
    )

    html = response.get_data(as_text=True)
    assert "Đã rút bản âm thanh này khỏi kế hoạch phát ngày 30/11/2026, 01/12/2026" in html
    assert openings(today) and all(t < NOW for t in openings(today))  # the 6:00 one aired
    assert openings(tomorrow) == []
    playlist = rt.settings.data_dir / "playlists" / str(tomorrow) / "co-am" / "playlist.m3u8"
    assert opening.file not in playlist.read_text(encoding="utf-8")
    assert ("withdraw", "mo-dau") in [(e.action, e.target) for e in audit.recent(rt.engine)]


def test_the_decision_keeps_its_verdict_after_an_edit(staff, panel_runtime):
    """Approved, then the text edited: the sentence still says what was decided, by whom."""
    record = panel_runtime.renders()["mo-dau"]
    form = {"verdict": "approve", "sha256": record.sha256, "comment": ""}
    assert staff.post("/content/mo-dau/decision", form).status_code == 302
    bulletin = panel_runtime.library().get("mo-dau")
    form = edit_form(panel_runtime, "mo-dau", body=bulletin.body + "\n\nThêm một câu.")
    form["valid_from"] = f"{bulletin.valid_from:%d/%m/%Y}"  # as the field shows it
    assert staff.post("/content/mo-dau", form).status_code == 302
    page = staff.get("/content/mo-dau").get_data(as_text=True)
    assert "Thêm một câu." in page
    sentence = page[page.index("Quyết định hiện tại") :]
    sentence = sentence[: sentence.index("</p>")]
    assert "Đã duyệt" in sentence and ACCOUNTS["canbo"][0] in sentence, sentence


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("gtts: cannot reach translate.google.com.vn (offline?)", "không kết nối được máy chủ"),
        ("gtts: translate.google.com answered HTTP 429 (rate-limited)", "quá nhiều yêu cầu"),
        ("espeak: espeak-ng produced only silence for this text", "espeak-ng không tạo được"),
    ],
)
def test_the_fallback_reason_is_in_vietnamese(reason, said):
    from web.content.text import failure_text

    assert said in failure_text(reason) and "cannot" not in failure_text(reason)
