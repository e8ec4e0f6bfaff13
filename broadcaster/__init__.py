"""broadcaster: scam-awareness bulletins from text to airing evidence.

The data flows one way through the stages, one package each:

    library (text) -> normalize (spoken text) -> speech -> mastering -> render
    -> approval -> planning (pure) + airplan (stored plan) -> playlists / playout
    -> airlog (evidence) -> reports

``runtime.build_runtime`` builds settings, clock, paths, schedule and database in
one place; the CLI (``cli``), the panel (``web``) and the playout daemon start
from it. The rules every door shares live once: ``approval.review``,
``alerts.raising`` and ``airlog.confirm``; ``db`` holds every table.
"""

__version__ = "0.1.0"
