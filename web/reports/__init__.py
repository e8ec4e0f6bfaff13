"""reports area of the panel."""

from web.reports.views import bp

__all__ = ["bp"]
