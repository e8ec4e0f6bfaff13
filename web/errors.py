"""Error pages: a user's mistake gets a clear Vietnamese page with the right status."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from broadcaster.errors import BroadcasterError, InvalidInput

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền truy cập trang này.",
    404: "Không tìm thấy trang hoặc dữ liệu yêu cầu.",
    405: "Thao tác không được hỗ trợ.",
    413: "Tệp tải lên quá lớn.",
    429: "Bạn đã thử quá nhiều lần. Vui lòng đợi rồi thử lại.",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang."
        return _page(400, message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _page(error.code or 500, MESSAGES.get(error.code, error.description))

    @app.errorhandler(BroadcasterError)
    def user_error(error: BroadcasterError):
        status = 422 if isinstance(error, InvalidInput) else 409
        return _page(status, str(error))


def _page(status: int, message: str):
    if request.path.startswith("/api/"):
        return {"error": message}, status
    return render_template("error.html", status=status, message=message), status
