"""Phone numbers, hotlines and codes are read digit by digit; counts stay amounts."""

import pytest

from broadcaster.normalize import normalize


def check(text: str, expected: str) -> None:
    out = normalize(text)
    assert out == expected
    assert not any(c.isdigit() for c in out), out
    assert normalize(out) == out, "normalising twice changed the text"


P = pytest.param
MOBILE = "không chín một hai ba bốn năm sáu bảy tám"
LANDLINE = "không hai hai năm ba tám tám bốn một một ba"

PHONES = [
    P(
        "Mọi thông tin xin liên hệ số 0912345678.",
        f"Mọi thông tin xin liên hệ số {MOBILE}.",
        id="mobile-plain-sentence-end",
    ),
    P(
        "Gọi ngay 0912.345.678 để được hỗ trợ.",
        f"Gọi ngay {MOBILE} để được hỗ trợ.",
        id="mobile-dots",
    ),
    P(
        "Số máy 0912 345 678 là của đối tượng lừa đảo.",
        f"Số máy {MOBILE} là của đối tượng lừa đảo.",
        id="mobile-spaces",
    ),
    P(
        "Đầu số +84 912 345 678 gọi đến tự xưng là công an.",
        "Đầu số cộng tám bốn chín một hai ba bốn năm sáu bảy tám gọi đến tự xưng là công an.",
        id="international",
    ),
    P(
        "Điện thoại trực ban Công an huyện: 0225.3.884.113.",
        f"Điện thoại trực ban Công an huyện: {LANDLINE}.",
        id="landline-dots",
    ),
    P(
        "Liên hệ (0225) 3884 113 trong giờ hành chính.",
        f"Liên hệ {LANDLINE} trong giờ hành chính.",
        id="landline-area-code-in-parentheses",
    ),
    P(
        "Số điện thoại 0225 3884 113 là số trực ban.",
        f"Số điện thoại {LANDLINE} là số trực ban.",
        id="landline-spaces",
    ),
    P(
        "Hotline: 0987654321 (hỗ trợ 24/7).",
        "Hotline: không chín tám bảy sáu năm bốn ba hai một (hỗ trợ hai mươi bốn trên bảy).",
        id="hotline-colon-and-24-7",
    ),
    P(
        "Tin nhắn từ số lạ 0912345678: “Bạn đã trúng thưởng”.",
        f"Tin nhắn từ số lạ {MOBILE}: “Bạn đã trúng thưởng”.",
        id="phone-before-colon-quote",
    ),
    P(
        "Không nghe máy khi thấy 0912345678 hoặc 0987654321 gọi đến.",
        f"Không nghe máy khi thấy {MOBILE} hoặc không chín tám bảy sáu năm bốn ba hai một gọi đến.",
        id="two-phones-no-cue",
    ),
    P(
        "Khi cần, hãy gọi 113.",
        "Khi cần, hãy gọi một một ba.",
        id="goi-113-sentence-end",
    ),
    P(
        "Hãy gọi ngay 113 khi bị đe dọa.",
        "Hãy gọi ngay một một ba khi bị đe dọa.",
        id="goi-ngay-113",
    ),
    P(
        "Báo tin qua số 113 hoặc đến trụ sở công an gần nhất.",
        "Báo tin qua số một một ba hoặc đến trụ sở công an gần nhất.",
        id="so-113",
    ),
    P(
        "Đường dây nóng 111 bảo vệ trẻ em hoạt động miễn phí.",
        "Đường dây nóng một một một bảo vệ trẻ em hoạt động miễn phí.",
        id="duong-day-nong-111",
    ),
    P(
        "Tổng đài 1900 1234 không phải của ngân hàng.",
        "Tổng đài một chín không không một hai ba bốn không phải của ngân hàng.",
        id="tong-dai-1900",
    ),
    P(
        "Nhắn tin đến 5656 để phản ánh tin nhắn rác.",
        "Nhắn tin đến năm sáu năm sáu để phản ánh tin nhắn rác.",
        id="nhan-tin-5656",
    ),
    P(
        "Gọi 156 để phản ánh cuộc gọi rác.",
        "Gọi một năm sáu để phản ánh cuộc gọi rác.",
        id="goi-156",
    ),
    P(
        "Trường hợp khẩn cấp hãy gọi 113, 114 hoặc 115.",
        "Trường hợp khẩn cấp hãy gọi một một ba, một một bốn hoặc một một năm.",
        id="list-after-cue",
    ),
    P(
        "Thấy cháy gọi 114, cần cấp cứu gọi 115.",
        "Thấy cháy gọi một một bốn, cần cấp cứu gọi một một năm.",
        id="two-cues",
    ),
    P(
        "Số điện thoại của cảnh sát là 113.",
        "Số điện thoại của cảnh sát là một một ba.",
        id="emergency-after-la",
    ),
    P(
        "Báo ngay cho Công an xã hoặc 113 khi phát hiện nghi vấn.",
        "Báo ngay cho Công an xã hoặc một một ba khi phát hiện nghi vấn.",
        id="emergency-without-cue",
    ),
    P(
        "Lưu số 1800 1090 của ngân hàng vào danh bạ.",
        "Lưu số một tám không không một không chín không của ngân hàng vào danh bạ.",
        id="toll-free-1800",
    ),
    P(
        "Tổng đài chăm sóc khách hàng 18001090 hoạt động cả ngày.",
        "Tổng đài chăm sóc khách hàng một tám không không một không chín không hoạt động cả ngày.",
        id="toll-free-glued",
    ),
    P(
        "Mã OTP 834512 chỉ dùng một lần, tuyệt đối không đọc cho ai.",
        "Mã ô tê pê tám ba bốn năm một hai chỉ dùng một lần, tuyệt đối không đọc cho ai.",
        id="otp-code-digits",
    ),
    P(
        "Số tài khoản 19036688999012 của đối tượng đã bị phong tỏa.",
        "Số tài khoản một chín không ba sáu sáu tám tám chín chín chín không một hai của đối tượng "
        "đã bị phong tỏa.",
        id="account-number-digits",
    ),
    P(
        "Số CCCD 031095001234 của bà đã bị đối tượng sử dụng.",
        "Số căn cước công dân không ba một không chín năm không không một hai ba bốn của bà đã bị "
        "đối tượng sử dụng.",
        id="id-card-number",
    ),
    P(
        "Tài khoản 0123456789 không phải của cơ quan nhà nước.",
        "Tài khoản không một hai ba bốn năm sáu bảy tám chín không phải của cơ quan nhà nước.",
        id="zero-leading-ten-digits",
    ),
    P(
        "Các số 111, 113, 114, 115 đều gọi miễn phí.",
        "Các số một một một, một một ba, một một bốn, một một năm đều gọi miễn phí.",
        id="list-of-four",
    ),
    P(
        "Ghi nhớ số khẩn cấp (113) của lực lượng cảnh sát.",
        "Ghi nhớ số khẩn cấp (một một ba) của lực lượng cảnh sát.",
        id="hotline-in-parentheses",
    ),
    P(
        "Xe mô tô BKS 15B1-123.45 đã bị thu giữ.",
        "Xe mô tô biển kiểm soát mười lăm bê một một hai ba bốn năm đã bị thu giữ.",
        id="number-plate",
    ),
    P(
        "Cảnh giác với cuộc gọi từ đầu số +855 hoặc +86.",
        "Cảnh giác với cuộc gọi từ đầu số cộng tám năm năm hoặc cộng tám sáu.",
        id="country-codes",
    ),
    P(
        "Người dân chú ý các số máy lạ có đầu số 0869, 0868.",
        "Người dân chú ý các số máy lạ có đầu số không tám sáu chín, không tám sáu tám.",
        id="prefix-list",
    ),
]

NOT_PHONES = [
    P(
        "Từ đầu năm đến nay đã có 113 vụ lừa đảo.",
        "Từ đầu năm đến nay đã có một trăm mười ba vụ lừa đảo.",
        id="113-counting-cases",
    ),
    P(
        "Có 112 người tham gia buổi tuyên truyền.",
        "Có một trăm mười hai người tham gia buổi tuyên truyền.",
        id="112-counting-people",
    ),
    P(
        "Hành vi này bị xử lý theo Điều 113 của Luật.",
        "Hành vi này bị xử lý theo Điều một trăm mười ba của Luật.",
        id="dieu-113",
    ),
    P(
        "Gửi 500.000 đồng để nhận quà là lừa đảo.",
        "Gửi năm trăm nghìn đồng để nhận quà là lừa đảo.",
        id="gui-amount",
    ),
    P(
        "Nhà số 156 đường Trần Phú bị kẻ gian đột nhập.",
        "Nhà số một trăm năm mươi sáu đường Trần Phú bị kẻ gian đột nhập.",
        id="house-number",
    ),
    P(
        "Quyết định số 1234 đã được ban hành.",
        "Quyết định số một nghìn hai trăm ba mươi bốn đã được ban hành.",
        id="document-so",
    ),
    P(
        "Số 24 hình thức lừa đảo cần được phổ biến rộng rãi.",
        "Số hai mươi bốn hình thức lừa đảo cần được phổ biến rộng rãi.",
        id="so-two-digits",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PHONES)
def test_phone_numbers_and_hotlines(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), NOT_PHONES)
def test_counts_and_references_stay_amounts(text, expected):
    check(text, expected)
