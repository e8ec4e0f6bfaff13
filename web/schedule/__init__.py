"""schedule area of the panel."""

from web.schedule import alert_views, emergency  # noqa: F401  (their routes are on bp)
from web.schedule.views import bp

__all__ = ["bp"]
