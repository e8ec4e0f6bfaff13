"""What the content pages say: Vietnamese labels, and the stages' messages told in Vietnamese.

The loader and the audio checks word their problems in English for the CLI and the
logs. Staff read Vietnamese, so the messages they can cause from a form are retold
here; anything not recognised is shown as it is, never hidden.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from broadcaster.errors import InvalidInput, Problem
from broadcaster.playlists.sessions import duration_label
from web import fields

FIELD_LABELS = {
    "id": "Mã bản tin",
    "form": "Hình thức",
    "kind": "Loại",
    "title": "Tiêu đề",
    "priority": "Mức ưu tiên",
    "valid_from": "Hiệu lực từ ngày",
    "valid_until": "Hiệu lực đến ngày",
    "voice": "Giọng đọc",
    "recording": "Bản ghi",
    "notes": "Ghi chú",
    "stations": "Giới hạn đài",
    "retired": "Ngừng dùng",
    "retired_on": "Ngày ngừng dùng",
    "body": "Nội dung",
}

KIND_LABELS = {"bulletin": "Bản tin", "opening": "Lời mở đầu", "closing": "Lời kết"}

# Every action the package and the panel write to the audit trail (see audit.Entry calls;
# tests/panel/test_audit_trail.py finds them in the source and checks each has a label).
ACTION_LABELS = {
    "edit": "sửa nội dung",
    "create": "tạo bản tin mới",
    "duplicate": "nhân bản bản tin",
    "retire": "ngừng dùng bản tin",
    "unretire": "dùng lại bản tin đã ngừng",
    "render": "dựng âm thanh",
    "upload": "bản ghi phát thanh viên",
    "approve": "duyệt",
    "reject": "từ chối",
    "withdraw": "rút khỏi kế hoạch phát",
    "login": "đăng nhập",
    "plan": "lập kế hoạch phát sóng",
    "schedule_station": "sửa đài và khung giờ phát",
    "schedule_campaign": "sửa chiến dịch",
    "confirm": "xác nhận việc phát",
    "correct": "đính chính xác nhận",
    "alert": "phát lệnh thông báo khẩn cấp",
    "alert_withdraw": "thu hồi thông báo khẩn cấp",
    "alert_override": "duyệt khẩn cấp thay cán bộ",
    "lexicon": "sửa từ điển viết tắt",
    "add_user": "tạo tài khoản",
    "enable_user": "mở lại tài khoản",
    "disable_user": "khóa tài khoản",
    "reset_password": "đặt lại mật khẩu",
    "issue_token": "cấp mã truy cập cho đài",
    "revoke_token": "thu hồi mã truy cập",
}


def action_label(action: str) -> str:
    """The Vietnamese name of an audit action; an unknown code says so, never shown bare."""
    return ACTION_LABELS.get(action) or f"thao tác khác ({action})"


VOICE_LABELS = {
    "vi": "espeak-ng, giọng miền Bắc (vi)",
    "vi-vn-x-central": "espeak-ng, giọng miền Trung",
    "vi-vn-x-south": "espeak-ng, giọng miền Nam",
    "gtts-vi": "Google (gTTS), giọng tiếng Việt",
}


def _label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def _date(text: str) -> str:
    try:
        return fmt_date(dt.date.fromisoformat(text))
    except ValueError:
        return text


def _comma(number: str) -> str:
    return number.replace(".", ",")  # the Vietnamese decimal comma: 44,1


# (pattern over the loader's message, Vietnamese wording); the first match wins.
_LOADER = [
    (r"missing field '(\w+)'", lambda m: f"{_label(m[1])}: chưa điền."),
    (r"(\w+) is empty", lambda m: f"{_label(m[1])}: chưa điền."),
    (
        r"body is (\d+) characters; the limit is (\d+)",
        lambda m: (
            f"Nội dung dài {m[1]} ký tự, vượt giới hạn {m[2]} ký tự (khoảng ba phút đọc): "
            "hãy tách thành hai bản tin."
        ),
    ),
    (
        r"valid_until (\S+) is before valid_from (\S+)",
        lambda m: (
            f"Ngày hết hiệu lực ({_date(m[1])}) đang ở trước ngày bắt đầu hiệu lực ({_date(m[2])})."
        ),
    ),
    (
        r"(\w+) must be a date written YYYY-MM-DD; got (.*)",
        lambda m: f"{_label(m[1])}: {m[2]} không phải là một ngày hợp lệ (ví dụ 30/11/2026).",
    ),
    (
        r"(\w+) must be one of .*; got (.*)",
        lambda m: f"{_label(m[1])}: giá trị {m[2]} không hợp lệ.",
    ),
    (r"(\w+) must be text", lambda m: f"{_label(m[1])} phải là văn bản."),
    (r"recording file not found: (.*)", lambda m: f"Không tìm thấy tệp bản ghi {m[1]}."),
    (r"unknown field '(\w+)'", lambda m: f"Tệp có trường lạ '{m[1]}' mà hệ thống không biết."),
    (r"YAML syntax error: (.*)", lambda m: f"Tệp YAML sai cú pháp ({m[1]})."),
    (
        r"nested deeper than (\d+) levels",
        lambda m: f"Dữ liệu trong tệp lồng nhau sâu quá {m[1]} cấp.",
    ),
    (
        r"aliases \(\*name\) repeat more than (\d+) values",
        lambda m: (
            f"Các bí danh (*tên) trong tệp lặp lại hơn {int(m[1]):_} giá trị".replace("_", ".")
            + "; hãy viết thẳng các giá trị ra."
        ),
    ),
    (
        r"the file is (over )?([\d.]+) MB; the limit is ([\d.]+) MB",
        lambda m: (
            f"Tệp quá lớn ({'trên ' if m[1] else ''}{_comma(m[2])} MB; giới hạn {_comma(m[3])} MB)."
        ),
    ),
    (
        r"a key must be plain text",
        lambda m: "Tên trường phải là chữ (không phải danh sách hay bảng).",
    ),
    (r"no bulletin has this id", lambda m: "Không có bản tin nào mang mã này."),
    (
        r"unknown station '([^']+)'",
        lambda m: f"Giới hạn đài: không có đài mang mã “{m[1]}” trong danh sách đài.",
    ),
    (r"station '([^']+)' is listed twice", lambda m: f"Giới hạn đài: đài “{m[1]}” ghi hai lần."),
    (
        r"station id must be|stations must be a list",
        lambda m: "Giới hạn đài phải là danh sách mã đài (chữ thường không dấu, số, dấu gạch).",
    ),
    (r"retired must be true or false", lambda m: "Trường ngừng dùng phải là true hoặc false."),
    (r"retired_on is set but", lambda m: "Có ngày ngừng dùng nhưng bản tin chưa ghi ngừng dùng."),
]


def problem_text(problem: Problem, *, where: bool = False) -> str:
    """One loader problem in Vietnamese; ``where`` adds the file and line."""
    text = problem.message
    for pattern, say in _LOADER:
        match = re.search(pattern, problem.message)
        if match:
            text = say(match)
            break
    if where:
        place = f"{problem.source}, dòng {problem.line}" if problem.line else problem.source
        return f"{place}: {text}"
    return text


def problem_lines(problems: Iterable[Problem], *, where: bool = False) -> list[str]:
    """Retold and without repeats (a missing body is both 'missing' and 'empty')."""
    lines: list[str] = []
    for problem in problems:
        text = problem_text(problem, where=where)
        if text not in lines:
            lines.append(text)
    return lines


def problems_text(error: InvalidInput) -> str:
    return "\n".join(problem_lines(error.problems, where=True))


_AUDIO = [
    (
        r"not a readable audio file|contains no audio|cannot be decoded",
        lambda m: (
            "tệp này không phải là âm thanh đọc được (hoặc đã bị hỏng). "
            "Hãy gửi bản ghi dạng WAV, MP3, M4A hoặc OGG."
        ),
    ),
    (r"the recording is empty", lambda m: "bản ghi không có âm thanh (độ dài bằng 0)."),
    (
        r"lasts (\d+:\d\d:\d\d); the limit is (\d+) minutes",
        lambda m: f"bản ghi dài {m[1]}, quá giới hạn {m[2]} phút cho một bản tin.",
    ),
    (
        r"has (\d+) channels; at most (\d+)",
        lambda m: (
            f"bản ghi có {m[1]} kênh âm thanh; chỉ nhận bản ghi một kênh (mono) hoặc hai kênh "
            "(stereo). Hãy xuất lại bản ghi ở dạng mono hoặc stereo."
        ),
    ),
    (
        r"sampled at (\d+) Hz; the limit is (\d+) Hz",
        lambda m: (
            f"tần số lấy mẫu {_khz(m[1])} kHz, vượt giới hạn {_khz(m[2])} kHz. "
            "Hãy xuất lại bản ghi ở 44,1 kHz hoặc 48 kHz."
        ),
    ),
    (
        r"is silent \(loudest point (-?[\d.]+|-inf) dBFS",
        lambda m: (
            f"bản ghi gần như im lặng (chỗ to nhất chỉ {m[1]} dBFS). "
            "Micrô có được bật khi ghi không?"
        ),
    ),
    (
        r"(ffprobe|ffmpeg) is not available",
        lambda m: f"máy chủ thiếu chương trình {m[1]} nên chưa kiểm tra được bản ghi.",
    ),
]


def _khz(hertz: str) -> str:
    return _comma(f"{int(hertz) / 1000:g}")


def audio_error_text(message: str, name: str = "") -> str:
    """Why an upload was refused, framed for the person who sent it, naming the file sent."""
    refused = f"Không nhận bản ghi “{name}”" if name else "Không nhận bản ghi"
    for pattern, say in _AUDIO:
        match = re.search(pattern, message)
        if match:
            return f"{refused}: {say(match)}"
    return f"{refused}: {message}"


def fmt_seconds(seconds: float | None) -> str:
    """``1:41`` for 101.6 s, as the player counts (one rule: duration_label); ``—`` when unknown."""
    return "—" if seconds is None else duration_label(seconds)


def fmt_decimal(value: float, places: int = 1) -> str:
    """``-16,0``: the Vietnamese decimal comma."""
    return f"{value:.{places}f}".replace(".", ",")


def voice_label(engine: str, voice: str) -> str:
    """The voice as staff know it ("espeak-ng, giọng miền Bắc"), not "espeak / vi"."""
    return VOICE_LABELS.get(voice) or f"{ENGINE_LABELS.get(engine, engine)}, giọng {voice}"


ENGINE_LABELS = {"espeak": "espeak-ng", "gtts": "Google (gTTS)"}
_FAILURES = (  # (pattern of the engine's English reason, Vietnamese sentence)
    (
        r"^gtts: cannot reach (\S+)",
        "Google (gTTS): không kết nối được máy chủ {0} (máy đang mất mạng?).",
    ),
    (
        r"^gtts: (\S+) did not answer within ([\d.]+) s",
        "Google (gTTS): máy chủ {0} không trả lời sau {1} giây.",
    ),
    (
        r"^gtts: (\S+) answered HTTP 429",
        "Google (gTTS): máy chủ {0} từ chối vì gửi quá nhiều yêu cầu; hãy thử lại sau.",
    ),
    (
        r"^gtts: (\S+) answered without audio",
        "Google (gTTS): máy chủ {0} trả lời nhưng không có âm thanh.",
    ),
    (r"^gtts: (\S+) answered HTTP (\d+)", "Google (gTTS): máy chủ {0} báo lỗi HTTP {1}."),
    (r"^espeak: espeak-ng did not finish", "espeak-ng không đọc xong trong thời gian cho phép."),
    (r"^espeak: ", "espeak-ng không tạo được âm thanh cho văn bản này."),
    (r"^(\w+): wrote ", "Bộ đọc {0} không tạo ra âm thanh dùng được."),
    (r"unknown voice", "Giọng đọc đã chọn không có trong bộ đọc."),
)


def failure_text(reason: str) -> str:
    """Why the preferred voice was not used, in Vietnamese (the English kept for unknown cases)."""
    for pattern, sentence in _FAILURES:
        found = re.search(pattern, reason)
        if found:
            return sentence.format(*found.groups())
    return f"Bộ đọc ưu tiên không dùng được ({reason})."


def fmt_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def fmt_time(moment: dt.datetime | str | None, zone: dt.tzinfo) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def parse_day(text: str) -> dt.date | str | None:
    """A date typed in the form: dd/mm/yyyy (or ISO); else the text, for the loader to
    name as invalid."""
    text = (text or "").strip()
    if not text:
        return None
    return fields.parse_date(text) or text
