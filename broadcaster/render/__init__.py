"""Rendering: bulletins into mastered, content-addressed MP3s and the manifest that lists them.

``pipeline`` does the work (numpy, speech engines); ``manifest`` is light and read by the
panel, which must not pay for the pipeline's imports.
"""
