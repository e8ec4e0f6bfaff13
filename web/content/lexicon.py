"""Staff abbreviations: add how the voice says one, after hearing it in a sample sentence.

The entry goes to the data directory's staff lexicon (never the package's), which the
runtime loads over the shipped one; a render's key includes its spoken text, so the
bulletins whose reading changes are re-rendered and nothing else is.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from broadcaster import audit
from broadcaster.errors import LibraryError
from broadcaster.normalize import normalize, staff
from web import kept_form
from web.content.views import bp
from web.context import now, runtime
from web.permissions import requires

MAX_SAMPLE = 300

MESSAGES = {
    "key_empty": "Hãy nhập từ viết tắt.",
    "key_too_long": f"Từ viết tắt dài quá {staff.MAX_KEY} ký tự.",
    "key_chars": (
        "Từ viết tắt phải bắt đầu bằng một chữ cái và chỉ gồm chữ, số và các dấu & . - /."
    ),
    "key_case": (
        "Từ viết tắt cần có ít nhất một chữ in hoa (như UBND, Agribank), để máy không thay "
        "nhầm một từ thường trong câu."
    ),
    "say_empty": "Hãy nhập cách đọc.",
    "say_too_long": f"Cách đọc dài quá {staff.MAX_SAY} ký tự.",
    "say_chars": (
        "Cách đọc chỉ gồm các chữ (có dấu) cách nhau bởi dấu cách; số hãy viết bằng chữ."
    ),
    "sample_too_long": f"Câu mẫu dài quá {MAX_SAMPLE} ký tự.",
}


def _form() -> dict[str, str]:
    return {
        "key": staff.clean(request.form.get("key", "")),
        "say": staff.clean(request.form.get("say", "")),
        "sample": staff.clean(request.form.get("sample", "")),
    }


def _sample(form: dict[str, str]) -> str:
    return form["sample"] or f"{form['key']} đề nghị bà con cảnh giác với cuộc gọi lạ."


def _field(code: str) -> str:
    """The input a problem code is about: ``key_empty`` -> ``key``."""
    return code.split("_", 1)[0]


def _page(form: dict[str, str] | None = None, *, kept=None, preview=None):
    rt = runtime()
    kept = kept or kept_form.Kept()
    entries = staff.read_entries(rt.paths.staff_lexicon)
    html = render_template(
        "content/lexicon.html",
        entries=sorted(entries.items(), key=lambda item: item[0].casefold()),
        form=form or {"key": "", "say": "", "sample": ""},
        errors=kept.errors,
        field_errors=kept.field_errors,
        preview=preview,
        max_key=staff.MAX_KEY,
        max_say=staff.MAX_SAY,
        max_sample=MAX_SAMPLE,
    )
    return html


def _preview(form: dict[str, str]) -> dict:
    """The sample read now and with the entry, and the bulletins whose reading would change."""
    rt = runtime()
    current = rt.lexicon
    proposed = current.with_abbreviations({form["key"]: form["say"]})
    sample = _sample(form)
    try:
        bulletins = list(rt.library())
    except LibraryError:
        bulletins = []
    changed = [
        b.title
        for b in bulletins
        if b.recording is None and normalize(b.body, current) != normalize(b.body, proposed)
    ]
    return {
        "sample": sample,
        "before": normalize(sample, current),
        "after": normalize(sample, proposed),
        "changed": changed,
    }


@bp.get("/lexicon")
@requires("content.view")
def lexicon():
    kept = kept_form.take()
    return _page({"key": "", "say": "", "sample": "", **kept.form}, kept=kept)


@bp.post("/lexicon")
@requires("content.lexicon")
def lexicon_save():
    """Preview (nothing written) or save one entry; either way the form keeps what was typed."""
    form = _form()
    codes = staff.problems(form["key"], form["say"])
    if len(form["sample"]) > MAX_SAMPLE:
        codes.append("sample_too_long")
    if codes:
        by_field: dict[str, list[str]] = {}
        for code in codes:
            by_field.setdefault(_field(code), []).append(MESSAGES[code])
        page = url_for(".lexicon")
        errors = [MESSAGES[code] for code in codes]
        anchor = f"nhap-{_field(codes[0])}"
        return kept_form.refuse(page, errors, by_field=by_field, form=form, anchor=anchor)
    if request.form.get("action") != "save":
        return _page(form, preview=_preview(form))
    previous = staff.save_entry(runtime().paths.staff_lexicon, form["key"], form["say"])
    if previous is None:
        detail = f"thêm cách đọc “{form['say']}”"
    else:
        detail = f"đổi cách đọc “{previous}” thành “{form['say']}”"
    _audit(form["key"], detail)
    flash(f"Đã lưu: {form['key']} đọc là “{form['say']}”.", "ok")
    return redirect(url_for(".lexicon"))


@bp.post("/lexicon/remove")
@requires("content.lexicon")
def lexicon_remove():
    key = staff.clean(request.form.get("key", ""))
    previous = staff.remove_entry(runtime().paths.staff_lexicon, key) if key else None
    if previous is None:  # removed meanwhile (another tab), or a key never added
        message = "Không có từ viết tắt này trong danh sách do biên tập viên thêm."
        return kept_form.refuse(url_for(".lexicon"), message, field="danh-sach", anchor="danh-sach")
    _audit(key, f"xóa cách đọc “{previous}”")
    flash(f"Đã xóa {key}; máy đọc lại theo từ điển mặc định.", "ok")
    return redirect(url_for(".lexicon"))


def _audit(key: str, detail: str) -> None:
    entry = audit.Entry(now(), g.user.username, "lexicon", target=f"lexicon:{key}", detail=detail)
    audit.log(runtime().engine, entry)
