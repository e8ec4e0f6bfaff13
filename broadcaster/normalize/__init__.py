"""Vietnamese text normalisation for speech: bulletin text in, text an engine reads right out.

from broadcaster.normalize import normalize, Lexicon
normalize("Gọi 113 trước 6h30 ngày 20/01/2023.")
normalize(text, Lexicon.load("station-lexicon.yaml"))
"""

from .lexicon import Lexicon
from .numbers import number_to_words, read_digits
from .pipeline import normalize

__all__ = ["Lexicon", "normalize", "number_to_words", "read_digits"]
