"""Security headers on every response: no framing, no inline script, no cached private pages.

The panel's pages carry no inline script, style or event handler (the scripts are
files in ``static/``), so the policy allows only this site's own files. No page may
be framed: approving, confirming and revoking are one click, and a framing page
could trick that click. Pages show a user's data and are not stored by the browser
or a proxy (``no-store``, the login page too); the static files may be cached.
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
# A self-contained document (the printable schedule) keeps its own <style> and
# loads nothing: no script, no request anywhere.
CSP_DOCUMENT = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
    "form-action 'none'; base-uri 'none'"
)
HEADERS = {
    "X-Frame-Options": "DENY",  # browsers without frame-ancestors
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: over HTTPS, Flask-WTF's CSRF check needs a same-site Referer.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Files a view chose to let the browser keep (its own Cache-Control): audio, downloads.
_FILE_TYPES = ("audio/", "application/zip", "text/plain")


def init_app(app: Flask) -> None:
    app.after_request(secure)


def secure(response: Response) -> Response:
    """Every response, errors and redirects included. A view may set a
    ``Content-Security-Policy`` of its own (see :data:`CSP_DOCUMENT`)."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint == "static":
        return response
    mimetype = response.mimetype or ""
    chose = response.headers.get("Cache-Control") and mimetype.startswith(_FILE_TYPES)
    if not chose:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"  # HTTP/1.0 proxies
    return response
