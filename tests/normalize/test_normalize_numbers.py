"""The pure number readers: what an announcer says for each written number."""

import pytest

from broadcaster.normalize.numbers import (
    number_to_words,
    ordinal_words,
    read_digits,
    read_number,
    roman_to_int,
)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        pytest.param(0, "không", id="0"),
        pytest.param(1, "một", id="1"),
        pytest.param(4, "bốn", id="4"),
        pytest.param(5, "năm", id="5-alone-is-nam"),
        pytest.param(10, "mười", id="10"),
        pytest.param(11, "mười một", id="11-not-mot"),
        pytest.param(14, "mười bốn", id="14"),
        pytest.param(15, "mười lăm", id="15-lam"),
        pytest.param(20, "hai mươi", id="20"),
        pytest.param(21, "hai mươi mốt", id="21-mot"),
        pytest.param(24, "hai mươi bốn", id="24"),
        pytest.param(25, "hai mươi lăm", id="25-lam"),
        pytest.param(41, "bốn mươi mốt", id="41"),
        pytest.param(55, "năm mươi lăm", id="55"),
        pytest.param(99, "chín mươi chín", id="99"),
        pytest.param(100, "một trăm", id="100"),
        pytest.param(101, "một trăm linh một", id="101-linh-not-mot"),
        pytest.param(104, "một trăm linh bốn", id="104"),
        pytest.param(105, "một trăm linh năm", id="105-linh-nam-not-lam"),
        pytest.param(110, "một trăm mười", id="110"),
        pytest.param(111, "một trăm mười một", id="111"),
        pytest.param(115, "một trăm mười lăm", id="115"),
        pytest.param(121, "một trăm hai mươi mốt", id="121"),
        pytest.param(1000, "một nghìn", id="1000"),
        pytest.param(1005, "một nghìn không trăm linh năm", id="1005"),
        pytest.param(1010, "một nghìn không trăm mười", id="1010"),
        pytest.param(1200, "một nghìn hai trăm", id="1200"),
        pytest.param(2015, "hai nghìn không trăm mười lăm", id="2015"),
        pytest.param(2023, "hai nghìn không trăm hai mươi ba", id="2023"),
        pytest.param(3321, "ba nghìn ba trăm hai mươi mốt", id="3321"),
        pytest.param(10_500, "mười nghìn năm trăm", id="10500"),
        pytest.param(100_000, "một trăm nghìn", id="100000"),
        pytest.param(500_000, "năm trăm nghìn", id="500000"),
        pytest.param(1_000_000, "một triệu", id="1e6"),
        pytest.param(1_000_001, "một triệu không trăm linh một", id="1000001"),
        pytest.param(1_050_000, "một triệu không trăm năm mươi nghìn", id="1050000"),
        pytest.param(2_500_000, "hai triệu năm trăm nghìn", id="2500000"),
        pytest.param(20_000_000, "hai mươi triệu", id="20e6"),
        pytest.param(1_000_000_000, "một tỷ", id="1e9"),
        pytest.param(1_250_000_000, "một tỷ hai trăm năm mươi triệu", id="1.25e9"),
        pytest.param(3_000_000_005, "ba tỷ không trăm linh năm", id="3000000005"),
        pytest.param(1_000_000_000_000, "một nghìn tỷ", id="1e12"),
        pytest.param(1_500_000_000_000, "một nghìn năm trăm tỷ", id="1.5e12"),
        pytest.param(-5, "âm năm", id="negative"),
    ],
)
def test_number_to_words(n, words):
    assert number_to_words(n) == words


@pytest.mark.parametrize(
    ("written", "words"),
    [
        pytest.param("20.000.000", "hai mươi triệu", id="dot-thousands"),
        pytest.param("1.000.000.000", "một tỷ", id="dot-billion"),
        pytest.param("3,5", "ba phẩy năm", id="comma-decimal"),
        pytest.param("0,5", "không phẩy năm", id="zero-point-five"),
        pytest.param("1,25", "một phẩy hai mươi lăm", id="two-decimal-digits"),
        pytest.param("2,05", "hai phẩy không năm", id="decimal-leading-zero"),
        pytest.param(
            "1.234,5", "một nghìn hai trăm ba mươi bốn phẩy năm", id="thousands-and-decimal"
        ),
        pytest.param("1,000,000", "một triệu", id="english-thousands"),
        pytest.param("07", "bảy", id="leading-zero"),
        pytest.param("4.0", "bốn chấm không", id="version-dot"),
        pytest.param(
            "1234567890123456",
            "một hai ba bốn năm sáu bảy tám chín không một hai ba bốn năm sáu",
            id="16-digits-one-by-one",
        ),
    ],
)
def test_read_number(written, words):
    assert read_number(written) == words


def test_read_digits_skips_separators():
    assert read_digits("0912.345") == "không chín một hai ba bốn năm"


@pytest.mark.parametrize(
    ("roman", "value"),
    [("I", 1), ("III", 3), ("IV", 4), ("IX", 9), ("XIV", 14), ("XXI", 21), ("XIII", 13)],
)
def test_roman_to_int(roman, value):
    assert roman_to_int(roman) == value


@pytest.mark.parametrize("bad", ["", "IIII", "IC", "VX", "ABC"])
def test_roman_to_int_rejects_malformed(bad):
    assert roman_to_int(bad) is None


@pytest.mark.parametrize(
    ("n", "words"), [(1, "nhất"), (2, "hai"), (4, "tư"), (7, "bảy"), (14, "mười bốn")]
)
def test_ordinal_words(n, words):
    assert ordinal_words(n) == words
