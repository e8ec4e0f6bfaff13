"""The administrator's area: panel accounts and the tokens of smart-loudspeaker platforms.

Accounts are disabled, never deleted (the airing log and the audit trail name
them); an operator belongs to one station of the schedule. A station token is
shown once, when issued, and only its hash is kept. Every action is audited.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from broadcaster import accounts, audit
from broadcaster.accounts import USERNAME, AccountError, Role, tokens
from web import kept_form
from web.context import now, runtime
from web.permissions import requires
from web.reports.data import schedule
from web.station.day import find_station

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _audit(action: str, target: str, detail: str = "") -> None:
    entry = audit.Entry(now(), g.user.username, action, target=target, detail=detail)
    audit.log(runtime().engine, entry)


def _password_errors(password: str, whose: str = "") -> list[str]:
    """The password rules (broadcaster.accounts.passwords), in Vietnamese."""
    return [_password_message(p.code, whose) for p in accounts.password_problems(password)]


def _password_message(code: str, whose: str = "") -> str:
    subject = f"Mật khẩu mới của “{whose}”" if whose else "Mật khẩu"
    return {
        "too_short": f"{subject} cần ít nhất {accounts.MIN_PASSWORD} ký tự.",
        "too_long": f"{subject} dài quá {accounts.MAX_PASSWORD} ký tự.",
        "blank": f"{subject} không được chỉ gồm dấu cách.",
        "one_character": f"{subject} không được chỉ lặp lại một ký tự.",
        "common": f"{subject} quá phổ biến, dễ bị đoán ra; hãy chọn mật khẩu khác.",
    }.get(code, f"{subject} không hợp lệ.")


def _user(username: str) -> accounts.User | None:
    return next((u for u in accounts.list_users(runtime().engine) if u.username == username), None)


# ---------------------------------------------------------------- accounts


@bp.get("/users")
@requires("users.manage")
def users():
    kept = kept_form.take()
    return _users_page(kept, form={"role": Role.OPERATOR.value, **kept.form})


def _users_page(kept: kept_form.Kept, *, form: dict):
    sched = schedule()
    return render_template(
        "admin/users.html",
        users=accounts.list_users(runtime().engine),
        roles=list(Role),
        stations=sched.network.stations,
        names={s.id: s.name for s in sched.network.stations},
        errors=kept.errors,
        field_errors=kept.field_errors,
        form=form,
        min_password=accounts.MIN_PASSWORD,
        max_password=accounts.MAX_PASSWORD,
    )


def _refuse(errors: list[str], *, by_field: dict, anchor: str, form: dict | None = None):
    """Back to the accounts page at the form or row at fault, with what was typed
    (never a password)."""
    page = url_for(".users")
    return kept_form.refuse(page, errors, by_field=by_field, form=form, anchor=anchor)


@bp.post("/users")
@requires("users.manage")
def add_user():
    form = {
        key: request.form.get(key, "").strip()
        for key in ("username", "full_name", "role", "station_id")
    }
    form["username"] = form["username"].lower()
    password = request.form.get("password", "")
    role = {r.value: r for r in Role}.get(form["role"])
    by_field: dict[str, list[str]] = {}

    def wrong(name: str, *messages: str) -> None:
        by_field.setdefault(name, []).extend(messages)

    if not USERNAME.match(form["username"]):
        wrong(
            "username",
            "Tên đăng nhập gồm 2–63 ký tự: chữ thường không dấu, số, dấu chấm, "
            "gạch dưới hoặc gạch ngang, bắt đầu bằng chữ hoặc số.",
        )
    elif _user(form["username"]) is not None:
        wrong("username", f"Tên đăng nhập “{form['username']}” đã có người dùng.")
    if not form["full_name"]:
        wrong("full_name", "Hãy nhập họ và tên.")
    wrong("password", *_password_errors(password))
    if role is None:
        wrong("role", "Hãy chọn vai trò.")
    station_id = form["station_id"] if role is Role.OPERATOR else ""
    if role is Role.OPERATOR:
        if not station_id:
            wrong("station_id", "Cán bộ đài truyền thanh xã cần chọn đài của xã mình.")
        elif find_station(station_id) is None:
            wrong("station_id", f"Đài “{station_id}” không có trong lịch phát.")
    by_field = {name: messages for name, messages in by_field.items() if messages}
    if by_field:
        errors = [message for messages in by_field.values() for message in messages]
        return _refuse(errors, by_field=by_field, anchor=f"nhap-{next(iter(by_field))}", form=form)
    try:
        user = accounts.add_user(
            runtime().engine,
            username=form["username"],
            full_name=form["full_name"],
            password=password,
            role=role,
            station_id=station_id or None,
            now=now(),
        )
    except AccountError as refused:
        if refused.codes:  # the password rules, should they ever say more than the check above
            errors = [_password_message(code) for code in refused.codes]
            return _refuse(errors, by_field={"password": errors}, anchor="nhap-password", form=form)
        # a race with another admin on the same name
        errors = [f"Không tạo được tài khoản “{form['username']}”; hãy thử tên khác."]
        return _refuse(errors, by_field={"username": errors}, anchor="nhap-username", form=form)
    detail = f"vai trò {role.label}" + (f", đài {station_id}" if station_id else "")
    _audit("add_user", user.username, detail)
    flash(f"Đã tạo tài khoản “{user.username}” ({role.label}).", "ok")
    return redirect(url_for(".users"))


@bp.post("/users/<username>/active")
@requires("users.manage")
def set_active(username: str):
    user = _user(username)
    if user is None:
        flash("Không tìm thấy tài khoản này.", "error")
        return redirect(url_for(".users"))
    active = request.form.get("active") == "1"
    if user.username == g.user.username and not active:
        errors = ["Không thể tự khóa tài khoản đang đăng nhập."]
        row = f"u-{user.username}"
        return _refuse(errors, by_field={row: errors}, anchor=row)
    if user.active == active:
        flash("Tài khoản đã ở trạng thái này.")
        return redirect(url_for(".users"))
    accounts.set_active(runtime().engine, user.username, active)  # ends its sessions
    _audit("enable_user" if active else "disable_user", user.username)
    flash(f"Đã {'mở khóa' if active else 'khóa'} tài khoản “{user.username}”.", "ok")
    return redirect(url_for(".users"))


@bp.post("/users/<username>/password")
@requires("users.manage")
def reset_password(username: str):
    user = _user(username)
    if user is None:
        flash("Không tìm thấy tài khoản này.", "error")
        return redirect(url_for(".users"))
    password = request.form.get("password", "")
    errors = _password_errors(password, user.username)
    row = f"u-{user.username}"
    if errors:
        return _refuse(errors, by_field={f"mat-khau-{user.username}": errors}, anchor=row)
    try:
        accounts.set_password(runtime().engine, user.username, password)  # ends its sessions
    except AccountError as refused:
        errors = [_password_message(code, user.username) for code in refused.codes]
        errors = errors or ["Không đặt được mật khẩu mới."]
        return _refuse(errors, by_field={f"mat-khau-{user.username}": errors}, anchor=row)
    if user.username == g.user.username:  # the admin's own: this session goes on, the rest end
        session["session_version"] = _user(user.username).session_version
    _audit("reset_password", user.username, "đặt lại mật khẩu")
    flash(
        f"Đã đặt mật khẩu mới cho “{user.username}”; các phiên đăng nhập cũ của tài khoản "
        "đã kết thúc. Hãy báo mật khẩu cho người dùng qua kênh riêng.",
        "ok",
    )
    return redirect(url_for(".users"))


# ---------------------------------------------------------------- station tokens


@bp.get("/tokens")
@requires("tokens.manage")
def tokens_page():
    return _tokens_page()


def _tokens_page(
    *, status: int = 200, errors: list[str] | None = None, issued: tokens.Issued | None = None
):
    sched = schedule()
    response = render_template(
        "admin/tokens.html",
        tokens=tokens.list_tokens(runtime().engine),
        stations=sched.network.stations,
        names={s.id: s.name for s in sched.network.stations},
        errors=errors or [],
        issued=issued,
        fmt=lambda at: "" if at is None else f"{at.astimezone(sched.network.zone):%d/%m/%Y %H:%M}",
    )
    headers = {"Cache-Control": "no-store"} if issued else {}
    return response, status, headers


@bp.post("/tokens")
@requires("tokens.manage")
def issue_token():
    station_id = request.form.get("station_id", "").strip()
    if not station_id:
        return _tokens_page(status=422, errors=["Hãy chọn đài được cấp mã."])
    if find_station(station_id) is None:
        return _tokens_page(status=422, errors=[f"Đài “{station_id}” không có trong lịch phát."])
    issued = tokens.issue(runtime().engine, station_id, by=g.user.username, now=now())
    _audit("issue_token", station_id, f"cấp mã truy cập số {issued.token.id}")
    # Shown in this response only: not in a flash message (the session cookie is only signed).
    return _tokens_page(issued=issued)


@bp.post("/tokens/<int:token_id>/revoke")
@requires("tokens.manage")
def revoke_token(token_id: int):
    token = tokens.get(runtime().engine, token_id)
    if token is None:
        flash("Không tìm thấy mã truy cập này.", "error")
        return redirect(url_for(".tokens_page"))
    if not token.active:
        flash(f"Mã số {token.id} đã bị thu hồi từ trước.")
        return redirect(url_for(".tokens_page"))
    tokens.revoke(runtime().engine, token_id, now=now())
    _audit("revoke_token", token.station_id, f"thu hồi mã truy cập số {token.id}")
    flash(f"Đã thu hồi mã số {token.id} của đài {token.station_id}; mã ngừng hoạt động ngay.", "ok")
    return redirect(url_for(".tokens_page"))
