"""broadcaster: scam-awareness bulletins from text to airing evidence.

The data flows one way through the stages, one module or package each:

    bulletins (text)  -> normalize (spoken text) -> speech -> mastering
    -> render (manifest) -> approval -> planning + airplan (stored plan)
    -> playlists / playout -> airlog (evidence) -> coverage_report (reports)

``runtime.build_runtime`` builds settings, database and lexicon in one place;
the CLI (``cli``), the panel (``web``) and the playout daemon start from it.
"""

__version__ = "0.1.0"
