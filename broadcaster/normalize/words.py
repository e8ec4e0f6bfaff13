"""Abbreviations from the lexicon, unknown acronyms, and letter-digit codes ("PA05", "B2").

A speech engine reads "UBND" as an English-looking word and "VPN" as noise, so known forms are
expanded from the editable lexicon and unknown all-consonant capitals are spelled with
Vietnamese letter names ("VPN" -> "vê pê en nờ"). Capitals with a vowel are left alone: they
are names or words the engine can say ("COVID", "ZALO", or a headline in capitals such as
"CẢNH BÁO LỪA ĐẢO"), and spelling them would be worse than the engine's guess.

An abbreviation in brackets right after its own full name ("Ngân hàng Nhà nước (NHNN)") is
for readers only: an announcer does not say the name twice, so the brackets are dropped.
"""

from __future__ import annotations

import re

from .draft import SP, Draft
from .lexicon import Abbreviation, Lexicon, alternation
from .numbers import number_to_words, read_digits

ACRONYM_RE = re.compile(r"(?<![\w&])[A-ZĐ]{2,5}(?![\w&])")
_VOWELS = set("AEIOUY")
_ROMAN_ONLY = re.compile(r"[IVX]+")
CODE_RE = re.compile(
    r"(?<![\w&])(?P<letters>[A-ZĐ]{1,4})(?P<digits>\d{1,4})"
    r"(?:(?P<letters2>[A-Z]{1,2})(?P<digits2>\d{1,3}))?(?![\w.,]\d|\w)"
)


GLOSS_RE = re.compile(rf"{SP}*\((?P<abbr>[A-ZĐ][\w&.\-]*)\)")


def _abbreviation_re(lexicon: Lexicon) -> re.Pattern[str]:
    folded = frozenset(k for k, e in lexicon.abbreviations.items() if e.ignore_case)
    keys = alternation(list(lexicon.abbreviations), folded)
    return re.compile(rf"(?<![\w&])(?:{keys})")


def _context_ok(entry: Abbreviation, match: re.Match[str]) -> bool:
    """Whether the neighbouring words allow a context-limited entry ("CA" only in "CA xã")."""
    if entry.before:
        after = match.string[match.end() :]
        if not any(_starts_with_word(after, word) for word in entry.before):
            return False
    if entry.after:
        before = match.string[: match.start()]
        if not any(_ends_with_word(before, word) for word in entry.after):
            return False
    return True


def _starts_with_word(text: str, word: str) -> bool:
    return bool(re.match(rf"{SP}+{re.escape(word)}(?!\w)", text, re.IGNORECASE))


def _ends_with_word(text: str, word: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(word)}{SP}+$", text, re.IGNORECASE))


def read_code(match: re.Match[str], lexicon: Lexicon) -> str:
    """ "PA05" -> "pê a không năm", "U23" -> "u hai mươi ba", "H5N1" -> "hát năm en nờ một"."""
    words = []
    for letters, digits in (
        (match["letters"], match["digits"]),
        (match["letters2"], match["digits2"]),
    ):
        if not letters:
            continue
        words.append(lexicon.spell(letters))
        words.append(
            read_digits(digits) if digits.startswith("0") else number_to_words(int(digits))
        )
    return " ".join(words)


def apply(draft: Draft, lexicon: Lexicon) -> None:
    """Freeze letter-digit codes, lexicon abbreviations, then spell unknown consonant acronyms."""
    draft.sub(CODE_RE, lambda m: draft.freeze(read_code(m, lexicon), "code"))

    def gloss(match: re.Match[str]) -> str | None:
        entry = lexicon.abbreviation(match["abbr"])
        before = " ".join(match.string[: match.start()].split()).casefold()
        return "" if entry and before.endswith(entry.reading.casefold()) else None

    draft.sub(GLOSS_RE, gloss)

    def abbreviation(match: re.Match[str]) -> str | None:
        entry = lexicon.abbreviation(match.group())
        if entry is None or not _context_ok(entry, match):
            return None
        return draft.freeze(entry.reading, "word")

    draft.sub(lexicon.compiled("words.abbreviations", _abbreviation_re), abbreviation)

    def acronym(match: re.Match[str]) -> str | None:
        text = match.group()
        if _VOWELS & set(text) or _ROMAN_ONLY.fullmatch(text) or not lexicon.can_spell(text):
            return None
        return draft.freeze(lexicon.spell(text), "word")

    draft.sub(ACRONYM_RE, acronym)
