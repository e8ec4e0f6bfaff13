"""content area of the panel."""

from web.content import create as _create  # noqa: F401  (its routes join bp)
from web.content import lexicon as _lexicon  # noqa: F401  (its routes join bp)
from web.content.views import bp

__all__ = ["bp"]
