"""schedule area of the panel."""

from web.schedule.views import bp

__all__ = ["bp"]
