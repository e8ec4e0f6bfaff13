"""Leadership's reports over the airing log: coverage, chart, evidence.

``coverage`` holds the pure rules; ``queries`` and ``summary`` read the log and its running
totals; ``entries`` streams entries for pages and exports.
"""
