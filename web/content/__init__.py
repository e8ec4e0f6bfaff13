"""content area of the panel."""

from web.content.views import bp

__all__ = ["bp"]
