"""What a refused action says in Vietnamese: one sentence per rule code, for every page and the API.

The rules live in the package and raise :class:`~broadcaster.errors.Refused` with a
code, the field at fault and the values worth quoting; the English message is for
the CLI. Here each code becomes the sentence staff, operators and platforms read,
so the panel and the API answer alike, and no message is chosen by searching text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from broadcaster.airlog import Outcome
from broadcaster.errors import Refused
from broadcaster.reports.coverage import OUTCOME_LABELS

# Refusals that contradict what is already recorded (HTTP 409), and the one that
# is about who asks (403); the rest are the input's fault.
CONFLICTS = frozenset(
    {
        "already-recorded",
        "correction-stale",
        "audio-changed",
        "text-changed",
        "rejected-before",
        "alert-not-approved",
        "alert-no-audio",
        "alert-not-valid",
        "alert-retired",
        "alert-already-withdrawn",
    }
)


def _said(outcome: Outcome) -> str:
    """An outcome quoted as the operator's button and the badges name it."""
    return f"“{OUTCOME_LABELS[outcome]}”"


def _when(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return f"{moment.astimezone(zone):%H:%M ngày %d/%m/%Y}"


Params = Mapping[str, object]
_TEXTS: dict[str, Callable[[Params, dt.tzinfo], str]] = {
    # -- airings
    "outcome-unknown": lambda p, z: (
        f"Hãy chọn kết quả: {_said(Outcome.AIRED)}, {_said(Outcome.MISSED)} hay "
        f"{_said(Outcome.FAILED)}."
    ),
    "corrects-invalid": lambda p, z: "Mục cần đính chính không hợp lệ.",
    "start-invalid": lambda p, z: "Giờ phát không hợp lệ; hãy chọn lại ngày và giờ.",
    "closed": lambda p, z: (
        f"Đã quá {p['days']} ngày kể từ giờ phát theo lịch ({_when(p['scheduled_at'], z)}): "
        "không thể ghi nhận thêm cho bản tin này."
    ),
    "missed-too-early": lambda p, z: (
        f"Chưa đến giờ phát của bản tin này ({_when(p['scheduled_at'], z)}): chỉ ghi "
        f"{_said(Outcome.MISSED)} sau giờ phát."
    ),
    "missed-with-times": lambda p, z: "Bản tin không phát thì không có giờ phát.",
    "before-slot": lambda p, z: (
        f"Buổi phát của bản tin này bắt đầu lúc {_when(p['slot_start'], z)}: chưa thể ghi "
        f"{_said(Outcome.AIRED)} hay {_said(Outcome.FAILED)}."
    ),
    "start-before-slot": lambda p, z: (
        f"Giờ phát {_when(p['started_at'], z)} sớm hơn buổi phát của bản tin "
        f"({_when(p['slot_start'], z)})."
    ),
    "end-without-start": lambda p, z: "Có giờ kết thúc thì cần cả giờ bắt đầu phát.",
    "start-required": lambda p, z: "Hãy nhập giờ phát.",
    "start-in-future": lambda p, z: (
        f"Giờ phát {_when(p['started_at'], z)} là thời điểm trong tương lai "
        f"(bây giờ là {_when(p['now'], z)})."
    ),
    "start-before-day": lambda p, z: (
        f"Giờ phát {_when(p['started_at'], z)} trước ngày của bản tin ({p['day']:%d/%m/%Y})."
    ),
    "start-too-late": lambda p, z: (
        f"Giờ phát {_when(p['started_at'], z)} muộn hơn {p['days']} ngày sau giờ theo lịch "
        f"({_when(p['scheduled_at'], z)})."
    ),
    "end-before-start": lambda p, z: "Giờ kết thúc trước giờ bắt đầu phát.",
    "end-in-future": lambda p, z: (
        f"Giờ kết thúc {_when(p['ended_at'], z)} là thời điểm trong tương lai."
    ),
    "reason-required": lambda p, z: "Hãy ghi lý do không phát được.",
    "correction-reason-required": lambda p, z: "Hãy ghi lý do đính chính.",
    "reason-too-long": lambda p, z: f"Lý do dài quá {p['limit']} ký tự.",
    "already-recorded": lambda p, z: (
        f"Bản tin này đã được ghi nhận ({_said(p['outcome'])}, mã nhật ký {p['entry']}). "
        "Nếu chưa đúng, hãy bấm “Đính chính mục này” trong nhật ký của bản tin."
    ),
    "correction-unknown": lambda p, z: "Mục cần đính chính không thuộc bản tin này.",
    "correction-stale": lambda p, z: (
        f"Mục có mã nhật ký {p['entry']} đã được đính chính bởi mục có mã {p['by']}; "
        "hãy đính chính mục mới nhất."
    ),
    # -- planning
    "past-day": lambda p, z: (
        "Không lập lại kế hoạch cho ngày đã qua: kế hoạch của những ngày đó là căn cứ "
        "đối chiếu với nhật ký phát sóng."
    ),
    # -- stations, slots and campaigns (the schedule files' checks: broadcaster/planning)
    "slot-overlap": lambda p, z: (
        "Khung giờ này trùng với một khung giờ khác của đài trong cùng ngày."
    ),
    "slot-too-short": lambda p, z: (
        "Khung giờ này ngắn hơn bản tin ngắn nhất đã duyệt: không phát được bản tin nào."
    ),
    "slot-past-midnight": lambda p, z: "Khung giờ này kéo dài qua nửa đêm: hãy bắt đầu sớm hơn.",
    "slot-missing": lambda p, z: "Hãy nhập đủ ngày phát, giờ bắt đầu và số phút.",
    "slot-days-invalid": lambda p, z: (
        "Ngày phát không hợp lệ: viết t2-t6 (thứ Hai đến thứ Sáu), t2-cn (hằng ngày), "
        "hoặc liệt kê như t2, t4, t6."
    ),
    "slot-start-invalid": lambda p, z: (
        "Giờ bắt đầu không hợp lệ: viết theo dạng 24 giờ, như 06:30."
    ),
    "slot-minutes-invalid": lambda p, z: "Số phút phải là số nguyên từ 1 đến 240.",
    "slots-empty": lambda p, z: "Đài cần ít nhất một khung giờ phát.",
    "name-missing": lambda p, z: "Hãy nhập tên (tiếng Việt).",
    "level-invalid": lambda p, z: "Hãy chọn cấp của đài sản xuất: cấp huyện hoặc cấp tỉnh.",
    "field-missing": lambda p, z: "Trường này là bắt buộc.",
    "date-invalid": lambda p, z: "Ngày không hợp lệ: viết theo dạng 30/11/2026.",
    "dates-reversed": lambda p, z: "Ngày kết thúc sớm hơn ngày bắt đầu.",
    "peak-outside": lambda p, z: "Đợt cao điểm phải nằm trong thời gian của chiến dịch.",
    "peak-minutes-invalid": lambda p, z: "Số phút phát thêm phải là số nguyên từ 0 đến 120.",
    "peak-no-airtime": lambda p, z: (
        "Đợt cao điểm cần thêm thời lượng: nhập số phút phát thêm cho mỗi khung giờ."
    ),
    "peak-past-midnight": lambda p, z: (
        "Với số phút phát thêm của đợt cao điểm, một khung giờ sẽ kéo dài qua nửa đêm."
    ),
    "peak-overlap": lambda p, z: (
        "Trong đợt cao điểm, các khung giờ (đã kéo dài hoặc thêm) của một đài sẽ trùng nhau."
    ),
    "station-unknown": lambda p, z: "Đợt cao điểm nêu một đài không có trong danh sách đài.",
    "bulletins-invalid": lambda p, z: "Hãy chọn tất cả các hình thức, hoặc ít nhất một bản tin.",
    "bulletin-unknown": lambda p, z: "Có bản tin không có trong thư viện.",
    "bulletin-twice": lambda p, z: "Một bản tin được chọn hai lần.",
    "coverage-invalid": lambda p, z: (
        "Mục tiêu không hợp lệ: số lần từ 1 đến 100, trong số ngày từ 1 đến 366."
    ),
    "schedule-invalid": lambda p, z: (
        "Lịch phát sóng có lỗi ở chỗ khác trong tệp; hãy báo quản trị."
    ),
    # -- approval
    "unknown-bulletin": lambda p, z: "Không tìm thấy bản tin này trong thư viện.",
    "not-rendered": lambda p, z: "Bản tin chưa có bản âm thanh: hãy dựng trước khi duyệt.",
    "audio-changed": lambda p, z: "Bản âm thanh đã thay đổi, vui lòng nghe lại trước khi duyệt.",
    "text-changed": lambda p, z: (
        "Nội dung đã được sửa sau lần dựng này, bản âm thanh không còn đúng với văn bản. "
        "Hãy dựng lại và nghe bản mới trước khi duyệt."
    ),
    "four-eyes": lambda p, z: (
        "Bạn là người sửa bản tin này gần nhất. Theo quy tắc hai người, "
        "một cán bộ khác phải nghe và duyệt."
    ),
    "reject-reason-required": lambda p, z: "Vui lòng ghi lý do từ chối.",
    "rejected-before": lambda p, z: (
        "Bản âm thanh này đã bị từ chối; chỉ duyệt lại khi đã nghe lại và chọn duyệt lại."
    ),
    # -- bulletins (created in the panel; the field says where)
    "bulletin-title-required": lambda p, z: "Hãy nhập tiêu đề bản tin.",
    "bulletin-title-too-long": lambda p, z: (
        f"Tiêu đề dài {p['length']} ký tự, vượt giới hạn {p['limit']} ký tự: hãy viết ngắn lại."
    ),
    "bulletin-title-no-letters": lambda p, z: "Tiêu đề cần có ít nhất một chữ cái hoặc chữ số.",
    "bulletin-body-required": lambda p, z: "Hãy nhập nội dung bản tin.",
    "bulletin-body-too-long": lambda p, z: (
        f"Nội dung dài {p['length']} ký tự, vượt giới hạn {p['limit']} ký tự (khoảng ba phút "
        "đọc): hãy tách thành hai bản tin."
    ),
    "bulletin-form-invalid": lambda p, z: (
        f"Hãy chọn một hình thức từ 1 đến {p['count']}, hoặc “Bản tin chung”."
    ),
    "bulletin-priority-invalid": lambda p, z: "Hãy chọn mức ưu tiên.",
    "bulletin-date-required": lambda p, z: "Hãy nhập ngày bắt đầu hiệu lực (ví dụ 30/11/2026).",
    "bulletin-date-invalid": lambda p, z: (
        f"“{p['value']}” không phải là một ngày hợp lệ; hãy viết theo dạng 30/11/2026."
    ),
    "bulletin-dates-reversed": lambda p, z: (
        f"Ngày hết hiệu lực ({p['end']:%d/%m/%Y}) đang ở trước ngày bắt đầu hiệu lực "
        f"({p['start']:%d/%m/%Y})."
    ),
    "bulletin-station-unknown": lambda p, z: (
        f"Không có đài mang mã: {', '.join(map(str, p['stations']))}. "
        "Hãy dùng mã đài như trong danh sách đài (ví dụ co-am)."
    ),
    # -- emergency warnings typed in the panel
    "emergency-title-empty": lambda p, z: "Hãy nhập tiêu đề của cảnh báo.",
    "emergency-title-long": lambda p, z: (
        f"Tiêu đề dài {p['length']} ký tự; tối đa {p['limit']} ký tự."
    ),
    "emergency-text-empty": lambda p, z: "Hãy nhập nội dung cảnh báo cần phát.",
    "emergency-text-long": lambda p, z: (
        f"Nội dung dài {p['length']} ký tự; cảnh báo khẩn tối đa {p['limit']} ký tự "
        "(khoảng hai phút đọc). Hãy viết ngắn gọn hơn."
    ),
    "emergency-override-reason": lambda p, z: (
        "Hãy ghi lý do duyệt khẩn cấp thay cán bộ (ví dụ: ngoài giờ, không có cán bộ thứ hai)."
    ),
    "emergency-override-reason-long": lambda p, z: f"Lý do dài quá {p['limit']} ký tự.",
    "emergency-override-scope": lambda p, z: (
        "Chỉ cảnh báo soạn trên trang Cảnh báo khẩn mới được duyệt khẩn cấp."
    ),
    # -- alerts
    "alert-not-approved": lambda p, z: (
        "Bản âm thanh hiện tại của bản tin này đã bị từ chối: không thể phát khẩn cấp."
        if p.get("rejected")
        else "Bản âm thanh hiện tại của bản tin này chưa được duyệt: không thể phát khẩn cấp. "
        "Hãy nghe và duyệt bản âm thanh trước."
    ),
    "alert-unknown-bulletin": lambda p, z: "Hãy chọn một bản tin đã được duyệt.",
    "alert-no-station": lambda p, z: "Hãy chọn ít nhất một đài (hoặc Tất cả các đài).",
    "alert-no-audio": lambda p, z: (
        "Bản tin này chưa có bản âm thanh: hãy dựng, nghe và duyệt trước."
    ),
    "alert-not-a-bulletin": lambda p, z: (
        "Chỉ phát khẩn cấp được bản tin, không phải lời mở đầu hay lời kết."
    ),
    "alert-not-valid": lambda p, z: (
        "Bản tin này không còn (hoặc chưa) có hiệu lực hôm nay: không thể phát."
    ),
    "alert-retired": lambda p, z: (
        "Bản tin này đã ngừng dùng (chỉ còn lưu lại làm bằng chứng): không thể phát khẩn cấp. "
        "Hãy chọn bản tin khác."
    ),
    "alert-unknown-station": lambda p, z: f"Không có đài: {', '.join(map(str, p['stations']))}.",
    "alert-unknown": lambda p, z: f"Không có thông báo khẩn cấp số {p['alert_id']}.",
    "alert-already-withdrawn": lambda p, z: (
        f"Thông báo khẩn cấp số {p['alert_id']} đã được thu hồi lúc {_when(p['withdrawn_at'], z)}."
    ),
    "alert-withdraw-reason": lambda p, z: "Hãy ghi lý do thu hồi thông báo.",
    "leaflet-no-bulletin": lambda p, z: (
        f"Hình thức {p['form']} chưa có bản tin nào, nên chưa có nội dung tờ rơi."
    ),
    "leaflet-missing": lambda p, z: (
        f"Hình thức {p['form']} chưa có nội dung tờ rơi: hãy thêm mục “leaflet:” vào bản tin."
    ),
    "leaflet-only-retired": lambda p, z: (
        f"Hình thức {p['form']} chỉ có nội dung tờ rơi trong bản tin đã ngừng dùng: hãy thêm "
        "mục “leaflet:” vào một bản tin đang dùng."
    ),
    "leaflet-too-long": lambda p, z: (
        f"Nội dung tờ rơi của hình thức {p['form']} dài quá, không in vừa: hãy viết ngắn lại."
    ),
    "alert-withdraw-reason-long": lambda p, z: (
        f"Lý do thu hồi dài quá {p['limit']} ký tự: hãy viết ngắn lại."
    ),
}


def text(refused: Refused, zone: dt.tzinfo) -> str:
    """The Vietnamese sentence for ``refused``; a code without one is a bug, shown plainly."""
    say = _TEXTS.get(refused.code)
    if say is None:
        return f"Không thực hiện được ({refused.code})."
    return say(refused.params, zone)


FORBIDDEN = frozenset({"four-eyes"})


def status(refused: Refused, *, invalid: int = 422) -> int:
    """The HTTP status: 403, 409, or ``invalid`` (the API answers 400 for a bad field)."""
    if refused.code in FORBIDDEN:
        return 403
    return 409 if refused.code in CONFLICTS else invalid


def codes() -> frozenset[str]:
    return frozenset(_TEXTS)
