"""Phone numbers, hotlines and codes, read digit by digit ("gọi 113" = "gọi một một ba").

Read as an amount, "0912345678" is "chín trăm mười hai triệu ..." and a listener cannot dial it.
Full numbers are recognised by their shape wherever they stand; short ones (113, 5656, an OTP)
only after a cue word such as "gọi", "đường dây nóng", "mã", or, for the emergency numbers
111-116, unless the words around them say they count something ("113 vụ").
"""

from __future__ import annotations

import re

from .draft import SP, Draft
from .lexicon import Lexicon, alternation
from .numbers import number_to_words, read_digits

_SEP = r"[ .\-]?"
PHONE_RE = re.compile(
    r"(?<![\w+.,])(?:"
    rf"(?:\(\+{SP}?84\)|\+{SP}?84){SP}?(?:\(0\){SP}?)?[1-9](?:{_SEP}\d){{7,9}}"  # +84 912 345 678
    rf"|\(0\d{{2,3}}\){SP}?\d(?:{_SEP}\d){{6,7}}"  # (0225) 3884 113
    rf"|0[3-9](?:{_SEP}\d){{8}}"  # mobile: 10 digits
    rf"|0[12](?:{_SEP}\d){{8,9}}"  # landline 02x (10-11 digits), old 01x mobiles
    rf"|1[89]00(?:{_SEP}\d){{4,6}}"  # 1900 1234, 1800 1567
    r")(?!\d|[.,]\d)"
)

# What a "mã ..." names when it is typed, not counted: "mã giao dịch 998877", "mã PIN 1234".
_CODE_KINDS = (
    "pin|giao dịch|bảo mật|kích hoạt|đăng nhập|xác minh|tra cứu|đơn hàng|vận đơn|thẻ|"
    "khách hàng|hồ sơ|hợp đồng|cvv|otp|xác thực|xác nhận|số thuế|số"
)
# Cue words after which a number of three or more digits is dialled or typed, not counted.
_CUES = (
    "gọi điện thoại|gọi điện|gọi|liên hệ|liên lạc|số điện thoại|điện thoại|đường dây nóng|"
    "hotline|tổng đài|nhắn tin|nhắn|soạn tin|gửi|đầu số|số máy|số|mã số|mã xác thực|"
    "mã xác nhận|mã otp|mã|otp|số tài khoản|tài khoản|stk|sđt|đt|zalo|fax|số hiệu|"
    # codes the words call codes: typed key by key, never counted
    f"mã{SP}+(?:{_CODE_KINDS})|mật khẩu|số thẻ|số pin|cvv"
)
_FILLERS = "ngay|cho|đến|tới|vào|theo|là|qua|số|khẩn cấp|miễn phí|trực tiếp|ngay lập tức"
_NUMBER = r"\d{4}(?:[ .]\d{3,4})+|\d{3,}"
_LIST_SEP = rf"{SP}*(?:,|;|/|(?i:hoặc|hay|và)(?!\w)){SP}*"
CUE_RE = re.compile(
    rf"(?P<cue>(?<!\w)(?i:{_CUES})(?:{SP}+(?i:{_FILLERS})(?!\w)){{0,3}}{SP}*[:：]?{SP}*)"
    rf"(?P<first>{_NUMBER})(?P<more>(?:{_LIST_SEP}(?:{_NUMBER}))*)(?![\w%/]|[.,]\d)"
)
_LIST_ITEM = re.compile(_NUMBER)
EMERGENCY_RE = re.compile(r"(?<![\w.,/])11[1-6](?![\w%/]|[.,]\d)")
# Identifiers written with a leading zero ("CCCD 001203012345"): never an amount.
ZERO_ID_RE = re.compile(r"(?<![\w.,])0\d{4,}(?![\w]|[.,]\d)")
# Number plates: "15A-123.45", "15B1 234.56" -> "mười lăm a một hai ba bốn năm"; the hyphen
# may also follow the province code ("29-B1 234.56") or stand between spaces ("29A - 123.45").
PLATE_RE = re.compile(
    r"(?<![\w.,])(?P<area>\d{2})[-–]?(?P<series>[A-Z]{1,2})(?P<serial>\d?)"
    rf"(?:{SP}?[-–]{SP}?|[. ])?(?P<num>\d{{3}}\.\d{{2}}|\d{{4,5}})(?![\w]|[.,]\d)"
)
# A country code on its own: "đầu số +855 hoặc +86".
COUNTRY_CODE_RE = re.compile(r"(?<![\w+])\+\d{2,3}(?![\d%\w]|[.,]\d)")
_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")

# Words that, right after a number, say it counts something: "113 vụ", "156 người".
COUNTED = (
    "vụ|người|đối tượng|trường hợp|nạn nhân|tài khoản|hộ|gia đình|xã|phường|thôn|lần|ngày|"
    "tháng|năm|tuần|giờ|phút|giây|tuổi|triệu|nghìn|ngàn|tỷ|tỉ|trăm|đồng|đô|cuộc|tin|số|bản|"
    "trang|website|sim|thuê bao|hồ sơ|đơn|học sinh|cán bộ|hình thức|loại|cái|chiếc|con|căn|"
    "lượt|điểm|bài|buổi|phiên|xe|máy|ứng dụng|link|đường link|nhóm|thủ đoạn|tội phạm|bị can|"
    "bị cáo|đơn vị|cơ quan|doanh nghiệp|công ty|khách hàng|bản tin|thông báo|cụm loa|km|kg"
)
# Words that, right before a number, say it is a quantity or a reference: "Điều 113".
_QUANTITY_BEFORE = re.compile(
    r"(?<!\w)(?i:điều|khoản|điểm|chương|mục|năm|tháng|ngày|thứ|hạng|khoảng|gần|hơn|trên|"
    rf"dưới|tới|lên|đạt|top|tổng cộng|tổng số){SP}*$"
)
# After these, "số 1234" numbers a document or a house, said as an amount.
_NUMBERED_BEFORE = re.compile(
    r"(?<!\w)(?i:nghị định|thông tư|quyết định|nghị quyết|chỉ thị|kế hoạch|công văn|văn bản|"
    rf"luật|thông báo|báo cáo|nhà|phòng|lô|tổ|đội|xóm|thôn|khu|tầng|ki ốt|kiốt|xe|bàn){SP}*$"
)


def _counted_re(lexicon: Lexicon) -> re.Pattern[str]:
    units = alternation(list(lexicon.units))
    return re.compile(rf"{SP}*(?:(?:{units})|{SP}(?i:{COUNTED})(?!\w))")


def apply(draft: Draft, lexicon: Lexicon) -> None:
    """Freeze phone numbers by shape, then numbers after cue words, then emergency numbers."""
    counted = lexicon.compiled("phones.counted", _counted_re)

    def counts(match: re.Match[str]) -> bool:
        return bool(counted.match(match.string, match.end()))

    draft.sub(PHONE_RE, lambda m: draft.freeze(read_phone(m.group()), "phone"))
    draft.sub(PLATE_RE, lambda m: draft.freeze(read_plate(m, lexicon), "phone"))
    draft.sub(COUNTRY_CODE_RE, lambda m: draft.freeze(read_phone(m.group()), "phone"))

    def cued(match: re.Match[str]) -> str | None:
        numbers = _LIST_ITEM.findall(match["first"] + match["more"])
        if counts(match) or any(_AMOUNT.fullmatch(n) for n in numbers):
            return None
        if match["cue"].lower().startswith("số ") and _NUMBERED_BEFORE.search(
            match.string, 0, match.start()
        ):
            return None
        rest = _LIST_ITEM.sub(
            lambda n: draft.freeze(read_digits(n.group()), "phone"), match["more"]
        )
        return match["cue"] + draft.freeze(read_digits(match["first"]), "phone") + rest

    draft.sub(CUE_RE, cued)

    def emergency(match: re.Match[str]) -> str | None:
        if counts(match) or _QUANTITY_BEFORE.search(match.string, 0, match.start()):
            return None
        return draft.freeze(read_digits(match.group()), "phone")

    draft.sub(EMERGENCY_RE, emergency)
    draft.sub(ZERO_ID_RE, lambda m: draft.freeze(read_digits(m.group()), "phone"))


def read_phone(written: str) -> str:
    """Digit by digit; a leading "+" (international prefix) is said "cộng"."""
    digits = read_digits(written)
    return f"cộng {digits}" if written.lstrip("(").startswith("+") else digits


def read_plate(match: re.Match[str], lexicon: Lexicon) -> str:
    """Province code as a number, series spelled, serial digit by digit."""
    words = [number_to_words(int(match["area"])), lexicon.spell(match["series"])]
    return " ".join(words + [read_digits(match["serial"] + match["num"])])
