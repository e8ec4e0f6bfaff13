"""Readings met in real notices: holiday and deadline dates with a hyphen, versions, shares,
codes read key by key, bank and agency names, plates, ".gov.vn" and capitals at a sentence's start.
"""

import pytest

from broadcaster.normalize import normalize


def check(text: str, expected: str) -> None:
    out = normalize(text)
    assert out == expected
    assert not any(c.isdigit() for c in out), out
    assert normalize(out) == out, "normalising twice changed the text"


P = pytest.param

HYPHEN_DATES = [
    P(
        "Nghỉ Tết từ 28-1 đến 2-2.",
        "Nghỉ Tết từ ngày hai mươi tám tháng một đến ngày hai tháng hai.",
        id="holiday-from-to",
    ),
    P(
        "Hạn chót 15-3 phải cập nhật CCCD.",
        "Hạn chót ngày mười lăm tháng ba phải cập nhật căn cước công dân.",
        id="deadline",
    ),
    P(
        "Hạn chót: 5-9, bà con phải hoàn thành.",
        "Hạn chót: ngày năm tháng chín, bà con phải hoàn thành.",
        id="deadline-colon",
    ),
    P(
        "Nghỉ lễ ngày 30-4 và 1-5.",
        "Nghỉ lễ ngày ba mươi tháng tư và ngày một tháng năm.",
        id="second-date-after-va",
    ),
    P(
        "Nộp hồ sơ trước 10-6.",
        "Nộp hồ sơ trước ngày mười tháng sáu.",
        id="cannot-be-a-range",
    ),
    P(
        "Đoàn kiểm tra làm việc ngày 5-7.",
        "Đoàn kiểm tra làm việc ngày năm tháng bảy.",
        id="ngay-written",
    ),
]

RANGES = [
    P("Điều trị từ 5-7 ngày.", "Điều trị từ năm đến bảy ngày.", id="days"),
    P("Lãi 2-3% mỗi ngày.", "Lãi hai đến ba phần trăm mỗi ngày.", id="percent"),
    P("Mất 3-5 ngày làm thủ tục.", "Mất ba đến năm ngày làm thủ tục.", id="no-cue"),
    P("Từ 2-3 triệu đồng.", "Từ hai đến ba triệu đồng.", id="money"),
    P("Từ 8-10 người tham gia.", "Từ tám đến mười người tham gia.", id="people"),
]

VERSIONS = [
    P(
        "Cập nhật phiên bản 2.4.1 ngay.",
        "Cập nhật phiên bản hai chấm bốn chấm một ngay.",
        id="three-parts",
    ),
    P(
        "Điện thoại chạy iOS 17.4.1 hoặc phiên bản 10.2.13.",
        "Điện thoại chạy iOS mười bảy chấm bốn chấm một hoặc phiên bản mười chấm hai chấm mười ba.",
        id="os-and-two-digit-parts",
    ),
    P(
        "Máy chủ 192.168.1.1 bị tấn công.",
        "Máy chủ một trăm chín mươi hai chấm một trăm sáu mươi tám chấm một chấm một bị tấn công.",
        id="address",
    ),
    P("Hơn 1.000.000 tài khoản bị lộ.", "Hơn một triệu tài khoản bị lộ.", id="thousands-stay"),
    P(
        "Kẻ gian lấy 10.100.200 đồng.",
        "Kẻ gian lấy mười triệu một trăm nghìn hai trăm đồng.",
        id="thousands-shape-stays-an-amount",
    ),
]

SHARES = [
    P("Có 1/3 số vụ nhắm vào người già.", "Có một phần ba số vụ nhắm vào người già.", id="third"),
    P(
        "3/4 dân số dùng điện thoại thông minh.",
        "Ba phần tư dân số dùng điện thoại thông minh.",
        id="phan-tu-at-start",
    ),
    P("Khoảng 1/2 nạn nhân là nữ.", "Khoảng một phần hai nạn nhân là nữ.", id="half"),
    P(
        "Từ ngày 15/3 đến 15/4/2024.",
        "Từ ngày mười lăm tháng ba đến ngày mười lăm tháng tư năm hai nghìn không trăm "
        "hai mươi bốn.",
        id="dates-stay-dates",
    ),
    P(
        "Tổng đài hoạt động 24/7.",
        "Tổng đài hoạt động hai mươi bốn trên bảy.",
        id="round-the-clock-ratio",
    ),
    P(
        "Nhà số 2/15 và đạt 8/10 điểm.",
        "Nhà số hai trên mười lăm và đạt tám trên mười điểm.",
        id="house-and-score",
    ),
]

CODES = [
    P(
        "Không cung cấp mã OTP 482913 cho ai.",
        "Không cung cấp mã ô tê pê bốn tám hai chín một ba cho ai.",
        id="otp",
    ),
    P(
        "Mã giao dịch 998877 là giả.",
        "Mã giao dịch chín chín tám tám bảy bảy là giả.",
        id="transaction",
    ),
    P("Đừng nói mã PIN 1234.", "Đừng nói mã pin một hai ba bốn.", id="pin"),
    P(
        "Mã xác thực là 5566, mật khẩu 123456.",
        "Mã xác thực là năm năm sáu sáu, mật khẩu một hai ba bốn năm sáu.",
        id="verification-and-password",
    ),
    P(
        "Kẻ gian hỏi số tài khoản 123456789.",
        "Kẻ gian hỏi số tài khoản một hai ba bốn năm sáu bảy tám chín.",
        id="account",
    ),
    P(
        "Nhập mã kích hoạt 5566 để nhận 500.000 đồng.",
        "Nhập mã kích hoạt năm năm sáu sáu để nhận năm trăm nghìn đồng.",
        id="amount-stays",
    ),
    P(
        "Mã OTP có hiệu lực trong 120 giây.",
        "Mã ô tê pê có hiệu lực trong một trăm hai mươi giây.",
        id="count-stays",
    ),
]

NAMES = [
    P(
        "Agribank, Vietcombank, VCB, VietinBank và BIDV cảnh báo.",
        "A gờ ri banh, việt com banh, vê xê bê, việt tin banh và bê i đê vê cảnh báo.",
        id="banks",
    ),
    P(
        "NHCSXH huyện và NHNN chi nhánh tỉnh.",
        "Ngân hàng chính sách xã hội huyện và ngân hàng nhà nước chi nhánh tỉnh.",
        id="state-and-policy-banks",
    ),
    P(
        "Thẻ NAPAS, nhà mạng Viettel.",
        "Thẻ na pát, nhà mạng việt ten.",
        id="card-network-and-carrier",
    ),
    P(
        "Ngân hàng Nhà nước (NHNN) khuyến cáo.",
        "Ngân hàng Nhà nước khuyến cáo.",
        id="gloss-not-said-twice",
    ),
    P(
        "VKSNDTC, TANDTC, BHXH, BHYT, HĐND, MTTQ, PCCC.",
        "Viện kiểm sát nhân dân tối cao, tòa án nhân dân tối cao, bảo hiểm xã hội, bảo hiểm y tế, "
        "hội đồng nhân dân, mặt trận tổ quốc, phòng cháy chữa cháy.",
        id="agencies",
    ),
]

SMALL_THINGS = [
    P(
        "Xe 29-B1 234.56 và 30E-123.45 bỏ chạy.",
        "Xe hai mươi chín bê một hai ba bốn năm sáu và ba mươi e một hai ba bốn năm bỏ chạy.",
        id="plate-hyphen-after-province",
    ),
    P(
        "Xe biển 29A - 123.45.",
        "Xe biển hai mươi chín a một hai ba bốn năm.",
        id="plate-spaced-hyphen",
    ),
    P(
        "Chỉ tin trang có đuôi .gov.vn, không tin trang .com.",
        "Chỉ tin trang có đuôi chấm gốp chấm vê en, không tin trang chấm com.",
        id="gov-as-a-word",
    ),
    P(
        "Tra cứu tại canhbao.ncsc.gov.vn.",
        "Tra cứu tại canhbao chấm en nờ xê ét xì xê chấm gốp chấm vê en.",
        id="consonant-label-spelled",
    ),
    P(
        "UBND xã thông báo. CSGT kiểm tra! “VKSND huyện” cho biết.",
        "Ủy ban nhân dân xã thông báo. Cảnh sát giao thông kiểm tra! “Viện kiểm sát nhân dân "
        "huyện” cho biết.",
        id="capital-at-sentence-start",
    ),
    P(
        "- BHXH tỉnh cảnh báo: UBND không gọi điện.",
        "- Bảo hiểm xã hội tỉnh cảnh báo: ủy ban nhân dân không gọi điện.",
        id="bullet-yes-colon-no",
    ),
]


@pytest.mark.parametrize(("text", "expected"), HYPHEN_DATES)
def test_day_and_month_joined_by_a_hyphen_are_a_date(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), RANGES)
def test_real_ranges_stay_ranges(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), VERSIONS)
def test_versions_are_not_thousands(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), SHARES)
def test_shares_are_read_with_phan(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), CODES)
def test_codes_are_read_key_by_key(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_bank_and_agency_names(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), SMALL_THINGS)
def test_small_things(text, expected):
    check(text, expected)
