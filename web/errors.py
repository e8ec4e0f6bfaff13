"""Error pages: a user's mistake gets a clear Vietnamese page with the right status.

A database held by another process (a long write by playout, a backup) is not a
mistake and not a crash: SQLite has already waited its busy timeout, so the panel
answers 503 and gives back what the user typed, to send again in a minute. Anything
unexpected is logged with its traceback and shown as a Vietnamese 500 page, never
Flask's English one.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from broadcaster.errors import BroadcasterError, InvalidInput

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Bạn cần đăng nhập để tiếp tục.",
    403: "Bạn không có quyền truy cập trang này.",
    404: "Không tìm thấy trang hoặc dữ liệu yêu cầu.",
    405: "Thao tác không được hỗ trợ.",
    413: "Tệp tải lên quá lớn.",
    429: "Bạn đã thử quá nhiều lần. Vui lòng đợi rồi thử lại.",
    503: "Hệ thống tạm thời chưa phục vụ được. Vui lòng thử lại sau ít phút.",
}
OTHER_CLIENT_ERROR = "Yêu cầu không thực hiện được."  # never werkzeug's English description
BUSY = "Hệ thống đang bận, vui lòng thử lại sau ít phút. Thông tin bạn nhập vẫn còn bên dưới."
BUSY_SHORT = "Hệ thống đang bận, vui lòng thử lại sau ít phút."  # nothing typed to keep
RETRY_AFTER_S = 30
UNEXPECTED = (
    "Đã xảy ra lỗi ngoài dự kiến; thao tác chưa hoàn tất. Vui lòng thử lại; nếu vẫn lỗi, "
    "hãy báo quản trị viên (lỗi đã được ghi lại)."
)
# What a user typed is given back on a busy page, but never these.
NOT_ECHOED = frozenset({"csrf_token", "password", "new_password", "confirm_password"})
# Fields a person types, shown to check and send again; the rest (choices, buttons)
# travel hidden, as they were.
FIELD_LABELS = {
    "title": "Tiêu đề",
    "body": "Nội dung",
    "reason": "Lý do",
    "comment": "Ghi chú",
    "started_at": "Giờ bắt đầu phát",
    "full_name": "Họ và tên",
    "username": "Tên đăng nhập",
    "valid_from": "Hiệu lực từ",
    "valid_until": "Hiệu lực đến",
}
_LOCKED = ("database is locked", "database table is locked", "database is busy")


def is_locked(error: BaseException) -> bool:
    """Another connection held the database past the busy timeout."""
    return isinstance(error, OperationalError) and any(m in str(error.orig) for m in _LOCKED)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang."
        return _page(400, message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            current_app.logger.error("%d on %s %s", status, request.method, request.path)
            return _page(status, MESSAGES.get(status, UNEXPECTED))
        return _page(status, MESSAGES.get(status, OTHER_CLIENT_ERROR))

    @app.errorhandler(BroadcasterError)
    def user_error(error: BroadcasterError):
        status = 422 if isinstance(error, InvalidInput) else 409
        return _page(status, str(error))

    @app.errorhandler(OperationalError)
    def database_error(error: OperationalError):
        if not is_locked(error):
            return unexpected(error)
        current_app.logger.warning("database locked on %s %s", request.method, request.path)
        return busy_response()

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        current_app.logger.error(
            "unexpected error on %s %s", request.method, request.path, exc_info=error
        )
        return _page(500, UNEXPECTED)


def busy_response(page=None):
    """503 with Retry-After. ``page``, when given, is the form re-rendered with the
    user's values; otherwise the values are listed on the error page to send again."""
    if request.path.startswith("/api/"):
        response = current_app.make_response(({"error": BUSY_SHORT}, 503))
    elif page is not None:
        response = current_app.make_response((page, 503))
    else:
        typed = [
            (name, value)
            for name, value in request.form.items(multi=True)
            if name not in NOT_ECHOED and value.strip()
        ]
        message = BUSY if typed else BUSY_SHORT
        listed = _page(503, message, typed=typed, field_labels=FIELD_LABELS)
        response = current_app.make_response(listed)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _page(status: int, message: str, **context):
    if request.path.startswith("/api/"):
        return {"error": message}, status
    try:
        body = render_template("error.html", status=status, message=message, **context)
    except Exception:  # the page itself needs the database (the banners): say it plainly
        current_app.logger.exception("could not render the error page")
        body = _PLAIN.format(status=status, message=escape(message))
    return body, status


_PLAIN = (
    '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi {status}</title>'
    "<h1>Lỗi {status}</h1><p>{message}</p></html>"
)
