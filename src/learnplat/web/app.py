"""The Flask app: accounts in signed cookies, CSRF tokens, security headers, and errors as
``{"error", "hint"}`` (JSON under ``/api/``, a message on the page elsewhere).

Nothing that matters is kept in the process: the account is in the signed cookie, checked
against the database on each request; a question's clock is in the database. Any number of
processes over one database and one blob store behave as one.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request, session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..clients.errors import ProviderError
from ..core import Core, Session
from ..errors import (
    DiskFull,
    LearnplatError,
    NotFound,
    NothingToTeach,
    NotSignedIn,
    StoreError,
    TooManyAttempts,
)
from ..settings import Settings

log = logging.getLogger("learnplat.web")

SEED_UPLOAD_LIMIT = 16 * 1024 * 1024  # the seed's MAX_CONTENT_LENGTH
SECRET_FILE = "web-secret.key"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def secret_key(data_dir: Path) -> bytes:
    """The key that signs session cookies: made on first start in the data dir (readable by
    its owner only) and read from there after, so every process on that dir shares it.
    ``LEARNPLAT_SECRET_KEY`` gives it instead (servers on several machines)."""
    given = os.environ.get("LEARNPLAT_SECRET_KEY")
    if given:
        return given.encode()
    path = data_dir / SECRET_FILE
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:  # O_EXCL: of two processes starting together, one writes and both read its key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


class WebError(LearnplatError):
    """An error the web adapter itself raises, with its HTTP status."""

    def __init__(self, status: int, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.status = status


def status_of(exc: LearnplatError) -> int:
    if isinstance(exc, WebError):
        return exc.status
    if isinstance(exc, TooManyAttempts):
        return 429
    if isinstance(exc, NotSignedIn):
        return 401
    if isinstance(exc, NotFound | NothingToTeach):
        return 404
    if isinstance(exc, DiskFull):
        return 507
    if exc.exit_code == 2:
        return 400
    if isinstance(exc, ProviderError):  # the model server behind us failed
        return 504 if exc.kind == "timeout" else 502
    return 503 if isinstance(exc, StoreError) else 500


def wants_json() -> bool:
    """JSON for the API and the seed's routes (its clients are scripts), and for whoever asks."""
    return (
        request.blueprint in ("api", "seed")
        or request.path.startswith("/api/")
        or request.accept_mimetypes.best == "application/json"
    )


def error_response(exc: LearnplatError) -> Response:
    status = status_of(exc)
    if wants_json():
        response = jsonify({"error": exc.message, "hint": exc.hint})
    else:
        page = render_template("error.html", message=exc.message, hint=exc.hint, status=status)
        response = Response(page, mimetype="text/html")
    response.status_code = status
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def _check_csrf() -> None:
    if request.method in SAFE_METHODS:
        return
    expected = session.get("csrf")
    given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
    if not expected or not hmac.compare_digest(str(expected), given):
        raise WebError(
            403,
            "this request carries no valid CSRF token",
            hint="reload the page and try again (API clients: send the X-CSRF-Token header "
            "that GET /api/v1/session gives)",
        )


def _fingerprint(password_hash: str) -> str:
    """A tag of the password's hash, kept in the cookie (which its holder can read: it is
    signed, not sealed), so no part of the hash itself: a new password (set in the terminal)
    logs every browser out."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:24]


def sign_in(user: str) -> None:
    core: Core = g.core
    stored = core.accounts.store.password_hash(user) or ""
    session.clear()
    session["user"] = user
    session["pw"] = _fingerprint(stored)
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True


def current_user() -> str | None:
    """The signed-in account, checked against the database (it may be gone or re-keyed)."""
    if "user_checked" in g:
        return g.user_checked  # type: ignore[no-any-return]
    user = session.get("user")
    checked = None
    if isinstance(user, str):
        stored = g.core.accounts.store.password_hash(user)
        if stored is not None and hmac.compare_digest(
            _fingerprint(stored), str(session.get("pw", ""))
        ):
            checked = user
    g.user_checked = checked
    return checked


def user_session() -> Session:
    """This request's Session; raises WebError 401 when nobody is signed in."""
    if "session" not in g:
        user = current_user()
        if user is None:
            raise WebError(401, "sign in first", hint="open /login, or POST /api/v1/login")
        g.session = Session(g.core, user)
    return g.session  # type: ignore[no-any-return]


def create_app(settings: Settings, core: Core | None = None) -> Flask:
    """The web app over ``core`` (made from ``settings`` when not given). Raises StoreError."""
    app = Flask(__name__)
    core = core or Core(settings)
    app.config.update(
        SECRET_KEY=secret_key(settings.data_dir),
        SESSION_COOKIE_NAME="learnplat_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=30 * 24 * 3600,
        # The file limit plus room for the form around it; the file's own size is checked
        # again by the library, with the CLI's message.
        MAX_CONTENT_LENGTH=upload_limit(settings) + 64 * 1024,
        MAX_FORM_MEMORY_SIZE=upload_limit(settings) + 64 * 1024,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    proxies = settings.trusted_proxies
    if proxies:  # behind a TLS proxy: the client's address and scheme are in its headers
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    app.extensions["learnplat.core"] = core

    @app.before_request
    def _before() -> None:
        g.core = core
        _check_csrf()

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        if "user" in session or request.path.startswith("/api/"):
            headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def _template_values() -> dict[str, Any]:
        return {"csrf_token": csrf_token, "signed_in": current_user}

    @app.errorhandler(LearnplatError)
    def _learnplat_error(exc: LearnplatError) -> Response:
        return error_response(exc)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_exc: RequestEntityTooLarge) -> Response:
        limit = upload_limit(settings) // (1024 * 1024)
        return error_response(
            WebError(
                413,
                f"the upload is too large: files of up to {limit} MB are accepted",
                hint="split the document, or ingest it from the terminal (learnplat ingest)",
            )
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = {404: "no such page", 405: "that method is not allowed here"}.get(
            status, (exc.description or exc.name).rstrip(".")
        )
        return error_response(WebError(status, message))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # A bug or a failure nobody named: logged with its traceback, one line to the user.
        log.exception("%s %s failed", request.method, request.path)
        return error_response(
            WebError(
                500,
                "something went wrong on the server",
                hint="it is in the server's log; try again, or tell whoever runs it",
            )
        )

    from .api import api
    from .pages import pages
    from .seed_routes import seed

    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(seed)
    return app


def upload_limit(settings: Settings) -> int:
    return min(settings.max_file_bytes, SEED_UPLOAD_LIMIT)
