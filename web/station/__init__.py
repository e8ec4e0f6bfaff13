"""station area of the panel."""

from web.station.views import bp

__all__ = ["bp"]
