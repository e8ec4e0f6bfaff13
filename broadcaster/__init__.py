"""broadcaster: scam-awareness bulletins from text to airing evidence.

The data flows one way through the stages: bulletin text (``bulletins``) ->
spoken text (``normalize``) -> speech -> mastered segment -> approval -> plan
-> playlist -> airing -> log -> report. ``runtime.build_runtime`` assembles
the parts; ``cli`` and the panel start from it.
"""

__version__ = "0.1.0"
