"""Web addresses and e-mail addresses, read out part by part.

A scam bulletin's most useful sentence is often "only trust canhbao.khonggianmang.gov.vn", so an
address must never be dropped or half-read. It runs first, so that no later rule expands
letters or reads numbers inside it.
"""

from __future__ import annotations

import re

from .draft import Draft
from .lexicon import Lexicon
from .numbers import read_digits

# Top-level domains we recognise in bare addresses ("zalo.me", "abc.com.vn"). A word after a
# dot that is not on this list ("Hải Phòng.Theo", "TP.HCM") is not an address.
_TLD = (
    "vn|com|net|org|gov|edu|info|io|me|xyz|top|online|site|shop|store|app|biz|asia|club|co|cc|"
    "tk|ml|ga|cf|gq|ly|link|live|pro|us|uk|cn|ru|jp|kr|tv|int|mobi|website|tech|cloud|fun|vip|"
    "icu|buzz|bet|win|news|blog|page|click|today|world|email"
)

_URL_CHAR = r"[A-Za-z0-9\-._~:/?#@!$&*+=%]"
_URL_END = r"[A-Za-z0-9/_=#\-]"
_PATH = rf"(?:/(?:{_URL_CHAR}*{_URL_END})?)?"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"

EMAIL_RE = re.compile(
    rf"(?<![\w.+\-])[A-Za-z0-9._%+\-]*[A-Za-z0-9]@(?:{_LABEL}\.)+[A-Za-z]{{2,}}(?![\w\-])"
)
_DOMAIN_END = r"(?![\w\-]|\.[A-Za-z0-9])"
URL_RE = re.compile(
    rf"(?<![\w@])(?i:https?://|www\.){_URL_CHAR}*{_URL_END}"
    rf"|(?<![\w@.\-])(?:{_LABEL}\.)+(?i:{_TLD}){_DOMAIN_END}{_PATH}"
    # a bare ending such as "đuôi .gov.vn", the dot starting a word
    rf"|(?<![^\s(\"'“‘\[])\.(?:{_LABEL}\.)*(?i:{_TLD}){_DOMAIN_END}"
)
# Telegram, TikTok handles: "@hotro_vay".
HANDLE_RE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_SCHEME_RE = re.compile(r"(?i)^https?://")
_VOWEL_RE = re.compile(r"[aeiouyAEIOUY]")
_PART_RE = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]")


def read_address(address: str, lexicon: Lexicon) -> str:
    """Say an address: "https://abc.gov.vn/tin-tuc" -> "abc chấm gốp chấm vê en gạch chéo ..."."""
    address = _SCHEME_RE.sub("", address).rstrip("/")
    # The host is what follows "@" in an e-mail, else what precedes the path.
    host_start = address.index("@") + 1 if "@" in address else 0
    host_end = len(address)
    for sep in "/?#":
        if sep in address[host_start:]:
            host_end = min(host_end, address.index(sep, host_start))
    words = []
    for part in _PART_RE.finditer(address):
        text = part.group()
        in_host = host_start <= part.start() < host_end
        if text.isdigit():
            words.append(read_digits(text))
        elif text.isalpha():
            words.append(_read_label(text, lexicon) if in_host else text)
        else:
            words.append(lexicon.web.get(text, text))
    return " ".join(words)


def _read_label(label: str, lexicon: Lexicon) -> str:
    if label.lower() in lexicon.web:
        return lexicon.web[label.lower()]
    # "ncsc", "bhxh": no vowel, so no word an engine could say; spell it ("en nờ xê ét xì xê").
    if len(label) == 1 or (not _VOWEL_RE.search(label) and lexicon.can_spell(label)):
        return lexicon.spell(label)
    return label


def apply(draft: Draft, lexicon: Lexicon) -> None:
    """Freeze e-mail addresses, web addresses and @handles as their spoken readings."""
    draft.sub(EMAIL_RE, lambda m: draft.freeze(read_address(m.group(), lexicon), "web"))
    draft.sub(URL_RE, lambda m: draft.freeze(read_address(m.group(), lexicon), "web"))
    draft.sub(HANDLE_RE, lambda m: draft.freeze(read_address(m.group(), lexicon), "web"))
