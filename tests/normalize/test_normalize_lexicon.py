"""Loading the editable lexicon: station files override and add; mistakes name file and line."""

import pytest

from broadcaster.errors import InvalidInput
from broadcaster.normalize import Lexicon, normalize


def write(tmp_path, text, name="station.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_lexicon_has_the_core_abbreviations():
    lexicon = Lexicon.load()
    for key in ("UBND", "HĐND", "CCCD", "CMND", "VKSND", "TAND", "MTTQ", "BHXH", "BHYT"):
        assert lexicon.abbreviation(key) is not None, key
    assert lexicon.abbreviation("ubnd").reading == "ủy ban nhân dân"
    assert lexicon.abbreviation("ca") is None  # "ca" is an ordinary word


def test_user_file_overrides_and_adds(tmp_path):
    path = write(
        tmp_path,
        "abbreviations:\n"
        "  UBND: ủy ban\n"
        "  BCĐ389: {say: ban chỉ đạo ba tám chín, ignore_case: true}\n"
        "  HTX: {say: hợp tác xã nông nghiệp}\n"
        "units:\n"
        "  sào: sào bắc bộ\n",
    )
    lexicon = Lexicon.load(path)
    assert normalize("UBND xã họp với HTX.", lexicon) == "Ủy ban xã họp với hợp tác xã nông nghiệp."
    assert normalize("bcđ389 tỉnh", lexicon) == "Ban chỉ đạo ba tám chín tỉnh"
    assert normalize("Mỗi hộ có 3 sào.", lexicon) == "Mỗi hộ có ba sào bắc bộ."
    # Defaults not mentioned in the file are kept.
    assert normalize("CCCD", lexicon) == "Căn cước công dân"


def test_later_files_win_and_null_removes(tmp_path):
    first = write(tmp_path, "abbreviations:\n  ANM: an ninh mạng quốc gia\n", "a.yaml")
    second = write(tmp_path, "abbreviations:\n  ANM: an ninh mạng\n  TK: null\n", "b.yaml")
    lexicon = Lexicon.load(first, second)
    assert normalize("Phòng ANM", lexicon) == "Phòng an ninh mạng"
    assert normalize("mật khẩu TK", lexicon) == "mật khẩu tê ca"  # back to spelling


def test_context_limited_entry(tmp_path):
    path = write(tmp_path, "abbreviations:\n  BV: {say: bệnh viện, before: [huyện, tỉnh]}\n")
    lexicon = Lexicon.load(path)
    assert normalize("Đến BV huyện khám.", lexicon) == "Đến bệnh viện huyện khám."
    assert normalize("Mã BV trên phiếu.", lexicon) == "Mã bê vê trên phiếu."


def test_lexicon_without_defaults(tmp_path):
    path = write(tmp_path, "abbreviations:\n  UBND: ủy ban nhân dân\n")
    lexicon = Lexicon.load(path, defaults=False)
    assert normalize("ubnd CCCD", lexicon) == "ubnd CCCD"


def test_broken_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "abbreviations:\n  UBND: ủy ban nhân dân\n  CCCD: [căn cước\n  X: y\n")
    with pytest.raises(InvalidInput) as caught:
        Lexicon.load(path)
    (problem,) = caught.value.problems
    assert problem.source.endswith("station.yaml")
    assert problem.line == 4
    assert "station.yaml:4" in str(caught.value)
    assert str(caught.value).startswith("lexicon:")


def test_every_bad_entry_is_reported_with_its_line(tmp_path):
    path = write(
        tmp_path,
        "abbreviations:\n"
        "  UBND: ''\n"  # 2: empty reading
        "  CSGT: {say: cảnh sát giao thông, ignore_case: maybe}\n"  # 3: not a boolean
        "  ANM: {reading: an ninh mạng}\n"  # 4: unknown field, no 'say'
        "  CA: {say: công an, before: xã}\n"  # 5: before is not a list
        "  UBND: ủy ban\n"  # 6: duplicate key
        "numbers:\n"  # 7: unknown section
        "  a: b\n"
        "units:\n"
        "  km: [ki, lô, mét]\n",  # 10: not text
    )
    with pytest.raises(InvalidInput) as caught:
        Lexicon.load(path)
    lines = sorted({p.line for p in caught.value.problems})
    assert lines == [2, 3, 4, 5, 6, 7, 10]
    assert all(p.source.endswith("station.yaml") for p in caught.value.problems)


def test_missing_file_and_wrong_shape(tmp_path):
    not_a_mapping = write(tmp_path, "- UBND\n- CCCD\n", "list.yaml")
    with pytest.raises(InvalidInput) as caught:
        Lexicon.load(tmp_path / "missing.yaml", not_a_mapping)
    sources = [p.source for p in caught.value.problems]
    assert any(s.endswith("missing.yaml") for s in sources)
    assert any(s.endswith("list.yaml") for s in sources)


def test_empty_file_is_allowed(tmp_path):
    lexicon = Lexicon.load(write(tmp_path, "# nothing yet\n"))
    assert normalize("UBND", lexicon) == "Ủy ban nhân dân"
