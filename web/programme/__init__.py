"""Stations, their slots and campaigns, edited in the panel (the files stay the source)."""

from web.programme.views import bp

__all__ = ["bp"]
