"""Document numbers of Vietnamese legal texts: "Nghị định 49/2024/NĐ-CP", "15/KH-UBND".

Read as a radio announcer would, not symbol by symbol: "49/2024/NĐ-CP" becomes "bốn mươi chín
năm hai nghìn không trăm hai mươi bốn của Chính phủ". The type code (NĐ, TT, QĐ) only repeats
the word the writer put before the number ("Nghị định", "Thông tư"), and "gạch chéo ... gạch
ngang" means nothing to a listener, so a known issuer is said as "của <issuer>". An unknown
code falls back to its parts as the lexicon reads them (or spelled), so nothing is dropped,
except when the sentence itself goes on "... của UBND huyện": then the words say it better.

"Điều 174", "khoản 2", "điểm a" need no rule here: they are ordinary cardinals and letters.
"""

from __future__ import annotations

import re

from .draft import SP, Draft
from .lexicon import Lexicon
from .numbers import number_to_words, read_digits, read_integer

_CODE_PART = r"[A-ZĐ][A-Za-zĐđ&]*\d*"
DOCUMENT_RE = re.compile(
    r"(?<![\w/.,])(?P<num>\d{1,5})(?:/(?P<year>(?:19|20)\d{2}))?"
    rf"/(?P<code>[A-ZĐ][A-Za-zĐđ&]+\d*(?:[-–]{_CODE_PART})*)(?![\w/\-])"
)
# Party documents put the type first: "Chỉ thị số 21-CT/TW", "Nghị quyết 35-NQ/TW".
PARTY_RE = re.compile(
    rf"(?<![\w/.,])(?P<num>\d{{1,5}})-(?P<kind>{_CODE_PART})/(?P<issuer>{_CODE_PART})(?![\w/\-])"
)
# "Nghị định 13/2023" without a code, or a bulletin's "Số 05/2023": the number and the year.
_DOC_WORDS = (
    "nghị định|thông tư|quyết định|nghị quyết|chỉ thị|kế hoạch|công văn|văn bản|luật|"
    "thông báo|hướng dẫn|pháp lệnh|tờ trình|báo cáo"
)
NUMBER_YEAR_RE = re.compile(
    rf"(?P<lead>(?<!\w)(?:(?i:{_DOC_WORDS})(?:{SP}+(?i:số))?|(?i:số)){SP}*)"
    r"(?P<num>\d{1,5})/(?P<year>(?:19|20)\d{2})(?![\w/]|[.,]\d)"
)
# "Đề án 06" (the national ID-data project) is a name, said "Đề án không sáu" as written.
PROJECT_RE = re.compile(
    rf"(?P<lead>(?<!\w)(?i:đề án){SP}+(?i:số{SP}+)?)(?P<num>0\d{{1,2}})(?![\w/])"
)
_PART_RE = re.compile(r"(?P<letters>[A-Za-zĐđ&]+)(?P<session>\d*)")
# "15/KH-UBND ngày 10/01/2023 của UBND huyện": the writer names the issuer in words, which
# says more than the code, so the code is not read at all.
_ISSUER_FOLLOWS = re.compile(rf"{SP}+(?:(?i:ngày){SP}+[\d/.\-]+{SP}+)?(?i:của)(?!\w)")


def read_document_number(
    num: str, year: str | None, code: str, lexicon: Lexicon, *, issuer_named: bool = False
) -> str:
    """Say "49/2024/NĐ-CP" as "bốn mươi chín năm hai nghìn ... của Chính phủ".

    ``issuer_named``: the text goes on to say "của ..." itself, so the code is not read.
    """
    words = [read_integer(num)]
    if year:
        words += ["năm", number_to_words(int(year))]
    if not issuer_named:
        words.append(_read_code(code, lexicon))
    return " ".join(words)


def _read_code(code: str, lexicon: Lexicon) -> str:
    parts = re.split(r"[-–]", code)
    kind = None
    if parts[0] in lexicon.document_types:
        kind = lexicon.document_types[parts[0]]
        parts = parts[1:]
    if not parts:
        return kind or ""
    issuer = _issuer(parts, lexicon)
    if issuer:
        return f"của {issuer}"
    return " ".join(([kind] if kind else []) + [_read_part(part, lexicon) for part in parts])


def _issuer(parts: list[str], lexicon: Lexicon) -> str | None:
    """A known issuer, with a session number as "khóa" ("QH14" -> "Quốc hội khóa mười bốn")."""
    joined = "-".join(parts)
    if joined in lexicon.issuers:
        return lexicon.issuers[joined]
    match = _PART_RE.fullmatch(joined)
    if match and match["session"] and match["letters"] in lexicon.issuers:
        session = number_to_words(int(match["session"]))
        return f"{lexicon.issuers[match['letters']]} khóa {session}"
    return None


def _read_part(part: str, lexicon: Lexicon) -> str:
    match = _PART_RE.fullmatch(part)
    letters, digits = (match["letters"], match["session"]) if match else (part, "")
    entry = lexicon.abbreviation(letters)
    if entry:
        reading = entry.reading
    elif letters in lexicon.issuers:
        reading = lexicon.issuers[letters]
    elif letters in lexicon.document_types:
        reading = lexicon.document_types[letters]
    else:
        reading = lexicon.spell(letters.replace("&", ""))
    return f"{reading} {number_to_words(int(digits))}" if digits else reading


def apply(draft: Draft, lexicon: Lexicon) -> None:
    """Freeze document numbers (with a code, or a number/year after a document word)."""

    def document(match: re.Match[str]) -> str:
        named = bool(_ISSUER_FOLLOWS.match(match.string, match.end()))
        if match.re is PARTY_RE:
            num, year, code = match["num"], None, f"{match['kind']}-{match['issuer']}"
        else:
            num, year, code = match["num"], match["year"], match["code"]
        reading = read_document_number(num, year, code, lexicon, issuer_named=named)
        return draft.freeze(reading, "document")

    draft.sub(PROJECT_RE, lambda m: m["lead"] + draft.freeze(read_digits(m["num"]), "document"))
    draft.sub(DOCUMENT_RE, document)
    draft.sub(PARTY_RE, document)
    draft.sub(
        NUMBER_YEAR_RE,
        lambda m: (
            m["lead"]
            + draft.freeze(
                f"{read_integer(m['num'])} năm {number_to_words(int(m['year']))}", "document"
            )
        ),
    )
