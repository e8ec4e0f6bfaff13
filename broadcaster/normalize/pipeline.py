"""The order in which the rules read a line, and the public :func:`normalize`.

Order matters: each rule freezes what it reads, so the most specific shapes go first. A web
address is read before anything could expand letters inside it; document numbers and phone
numbers before dates could take "49/2024" or numbers could take "0912345678"; dates before
plain numbers; abbreviations before unknown acronyms are spelled; plain numbers last, then
the symbols between them.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from . import dates, legal, ordinals, phones, quantities, web, words
from .draft import Draft
from .lexicon import Lexicon


@cache
def default_lexicon() -> Lexicon:
    """The package lexicon, loaded once per process."""
    return Lexicon.load()


def normalize(text: str, lexicon: Lexicon | None = None) -> str:
    """Rewrite bulletin text so a Vietnamese speech engine reads it as an announcer would.

    Pure and deterministic. Every line break is kept and none is added (the CLI maps input
    lines to output lines); text with nothing to read differently comes back unchanged.
    """
    lexicon = lexicon or default_lexicon()
    text = unicodedata.normalize("NFC", text)
    return "\n".join(_normalize_line(line, lexicon) for line in text.split("\n"))


def _normalize_line(line: str, lexicon: Lexicon) -> str:
    if not line.strip():
        return line
    draft = Draft(line)
    web.apply(draft, lexicon)
    legal.apply(draft, lexicon)
    phones.apply(draft, lexicon)
    ordinals.apply(draft)
    dates.apply(draft)
    quantities.apply_amounts(draft, lexicon)
    words.apply(draft, lexicon)
    quantities.apply_numbers(draft)
    draft.capitalize_sentence_starts()
    return unicodedata.normalize("NFC", draft.render())
