"""``/api/v1/``: the CLI's ``--json`` contracts over HTTP, from the same projections.

Every route calls one service method of the request's Session and returns its projection.
State-changing routes need the session's CSRF token in ``X-CSRF-Token`` (GET
``/api/v1/session`` gives it).
"""

from __future__ import annotations

import io
import json
import logging
import queue
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    Response,
    g,
    jsonify,
    request,
    send_file,
    session,
    stream_with_context,
)
from werkzeug.datastructures import FileStorage

from ..errors import MAX_ID, BadInput, LearnplatError, number_too_large
from ..projections import (
    answer_json,
    audio_json,
    grade_json,
    ingest_json,
    json_text,
    lesson_json,
    plain,
    served_json,
    teach_json,
)
from ..tutors.activity import ModelActivity, watching
from .app import (
    WebError,
    csrf_token,
    current_user,
    sign_in,
    status_of,
    upload_limit,
    user_session,
)

if TYPE_CHECKING:
    from ..tutors.model import Lesson

api = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger("learnplat.web")

LEVELS = ("beginner", "intermediate", "advanced")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


# request values ------------------------------------------------------------------------
def values() -> dict[str, Any]:
    """The request's fields: its JSON object, else its form, else its query string."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadInput("the request body is not a JSON object", hint='{"topic": "…"}')
        return body
    if request.method in ("GET", "HEAD"):
        return request.args.to_dict()
    return request.form.to_dict()


def text_value(data: dict[str, Any], name: str, default: str = "") -> str:
    value = data.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise BadInput(f"{name} must be text")
    return value


def int_value(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise BadInput(f"{name} must be a whole number")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"-?\d{1,30}", text):
            raise BadInput(f"{name} must be a whole number, not {text[:40]!r}")
        number = int(text)
    if abs(number) > MAX_ID:
        raise number_too_large()
    return number


def doc_ids(data: dict[str, Any]) -> list[int]:
    """``doc`` (or ``doc_ids``): one id, a list, or several ``doc=`` in a query."""
    given: Any = data.get("doc_ids", data.get("doc"))
    if request.method in ("GET", "HEAD") and not request.is_json:
        given = request.args.getlist("doc") or given
    if given in (None, "", []):
        return []
    items = given if isinstance(given, list) else str(given).split(",")
    return [int_value(item, "doc") for item in items if str(item).strip()]


def level_value(data: dict[str, Any]) -> str:
    return text_value(data, "level", "beginner").strip().lower() or "beginner"


def ok(value: Any, status: int = 200) -> Response:
    response = Response(json_text(value), status=status, mimetype="application/json")
    return response


def safe_download_name(name: str, suffix: str) -> str:
    stem = _SAFE_NAME.sub("-", name).strip("-.")[:60] or "learnplat"
    return f"{stem}{suffix}"


def attachment(data: bytes | str, name: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# accounts ------------------------------------------------------------------------------
@api.get("/session")
def who() -> Response:
    return ok({"user": current_user(), "csrf_token": csrf_token()})


@api.post("/signup")
def signup() -> Response:
    data = values()
    user = g.core.accounts.signup(
        text_value(data, "name"), text_value(data, "password"), client=request.remote_addr
    )
    sign_in(user)
    return ok({"user": user, "csrf_token": session["csrf"]}, 201)


@api.post("/login")
def login() -> Response:
    data = values()
    user = g.core.accounts.login(
        text_value(data, "name"), text_value(data, "password"), client=request.remote_addr
    )
    sign_in(user)
    return ok({"user": user, "csrf_token": session["csrf"]})


@api.post("/logout")
def logout() -> Response:
    session.clear()
    return ok({"user": None})


# library -------------------------------------------------------------------------------
def document_json(info: Any) -> dict[str, Any]:
    """A document as the web shows it: the CLI's fields but the server's paths."""
    data = plain(info)
    data.pop("source_path", None)
    data.pop("stored_path", None)
    return data


@api.get("/documents")
def documents() -> Response:
    return ok([document_json(d) for d in user_session().library.documents()])


def ingest_upload(upload: FileStorage | None) -> dict[str, Any]:
    """Ingest one uploaded file under a name of our making; the user's file name is kept as
    the document's name only (never as a path)."""
    if upload is None or not upload.filename:
        raise BadInput("choose a file to upload", hint="PDF, DOCX, TXT or Markdown")
    library = user_session().library
    name = Path(upload.filename.replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    stored_name = safe_download_name(Path(name).stem, suffix[:10] if suffix else "")
    with tempfile.TemporaryDirectory(prefix="learnplat-upload-") as folder:
        path = Path(folder) / stored_name
        upload.save(path)
        limit = upload_limit(g.core.settings)
        if path.stat().st_size > limit:
            raise WebError(
                413,
                f"{name} is {path.stat().st_size / 2**20:.1f} MB: files of up to "
                f"{limit // 2**20} MB are accepted",
                hint="split the document, or ingest it from the terminal (learnplat ingest)",
            )
        result = library.ingest_upload(path, display_name=name)
    data = ingest_json(result)
    data["path"] = name
    data["document"] = document_json(result.document) if result.document else None
    return data


@api.post("/documents")
def upload() -> Response:
    data = ingest_upload(request.files.get("file"))
    return ok(data, 201 if data["status"] == "added" else 200)


@api.get("/documents/<doc_id>")
def document(doc_id: str) -> Response:
    return ok(document_json(user_session().library.document(int_value(doc_id, "id"))))


@api.delete("/documents/<doc_id>")
def remove_document(doc_id: str) -> Response:
    return ok(document_json(user_session().library.remove(int_value(doc_id, "id"))))


@api.get("/documents/<doc_id>/pages/<number>")
def document_page(doc_id: str, number: str) -> Response:
    view = user_session().library.page(int_value(doc_id, "id"), int_value(number, "page"))
    return ok({**plain(view), "document": document_json(view.document)})


@api.get("/documents/<doc_id>/original")
def original(doc_id: str) -> Response:
    library = user_session().library
    info = library.document(int_value(doc_id, "id"))
    suffix = Path(info.filename).suffix.lower()[:10]
    name = safe_download_name(Path(info.filename).stem, suffix)
    return attachment(library.original(info.id), name, "application/octet-stream")


@api.get("/search")
def search() -> Response:
    data = values()
    ids = doc_ids(data)
    hits = user_session().library.search(
        text_value(data, "q"),
        doc_id=ids[0] if ids else None,
        limit=int_value(data.get("limit", 10), "limit"),
    )
    return ok(hits)


# learn ---------------------------------------------------------------------------------
def lesson_args(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "topic": text_value(data, "topic").strip() or None,
        "doc_ids": doc_ids(data),
        "level": level_value(data),
        "format": text_value(data, "format", "chat").strip().lower() or "chat",
    }


def lesson_of(args: dict[str, Any]) -> Lesson:
    """The lesson ``lesson_args`` describe, for the signed-in account."""
    return user_session().learning.lesson(args["topic"], **_rest(args))


@api.post("/lessons")
def lesson() -> Response:
    made = lesson_of(lesson_args(values()))
    return ok({**lesson_json(made), "audio": None})  # as `learn --json` without --out


class BrowserLeft(Exception):
    """Raised in a lesson's callbacks once nobody reads its stream: the work stops."""


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json_text(data)}\n\n"


@api.get("/lessons/stream")
def lesson_stream() -> Response:
    """The lesson as server-sent events: ``text`` (Markdown as it is made), then ``lesson``
    (the whole lesson's JSON) or ``error`` ({error, hint})."""
    args = lesson_args(values())
    learning = user_session().learning
    learning.lesson_request(args["topic"], **_rest(args))  # bad input: a 4xx before streaming
    chunks: queue.Queue[tuple[str, Any]] = queue.Queue()
    gone = threading.Event()

    def make() -> None:
        def on_text(text: str) -> None:
            if gone.is_set():
                raise BrowserLeft
            chunks.put(("text", {"text": text}))

        def on_activity(_activity: ModelActivity) -> None:
            if gone.is_set():
                raise BrowserLeft  # closes the model's connection: its server stops writing

        try:
            with watching(on_activity):
                made = learning.lesson(args["topic"], **{**_rest(args), "on_text": on_text})
            chunks.put(("lesson", lesson_json(made)))
        except BrowserLeft:
            pass
        except LearnplatError as exc:
            chunks.put(("error", {"error": exc.message, "hint": exc.hint}))
        except Exception:
            log.exception("lesson stream failed")
            chunks.put(("error", {"error": "the lesson could not be made", "hint": None}))
        finally:
            chunks.put(("end", None))

    def events() -> Iterator[str]:
        worker = threading.Thread(target=make, name="lesson-stream", daemon=True)
        worker.start()
        try:
            yield ": lesson on its way\n\n"
            while True:
                try:
                    kind, data = chunks.get(timeout=15)
                except queue.Empty:
                    yield ": still working\n\n"
                    continue
                if kind == "end":
                    return
                yield sse(kind, data)
        finally:
            gone.set()

    response = Response(stream_with_context(events()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def _rest(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k != "topic"}


@api.get("/lessons/download")
def lesson_download() -> Response:
    """The lesson as a Markdown file (an ebook's chapters, a concept map's Mermaid)."""
    from ..tutors.render import lesson_markdown

    made = lesson_of(lesson_args(values()))
    name = safe_download_name(f"{made.topic}-{made.format}-{made.level}", ".md")
    return attachment(lesson_markdown(made), name, "text/markdown; charset=utf-8")


@api.get("/lessons/narration")
def narration() -> Response:
    """The audio lesson's narration spoken: its marks as JSON (``url`` fetches the sound)."""
    args = {**lesson_args(values()), "format": "audio"}
    result = _narrate(args)
    data = audio_json(result)
    data.pop("path", None)
    query = request.query_string.decode()
    data["url"] = f"/api/v1/lessons/narration.wav?{query}"
    return ok(data)


@api.get("/lessons/narration.wav")
def narration_audio() -> Response:
    args = {**lesson_args(values()), "format": "audio"}
    with tempfile.TemporaryDirectory(prefix="learnplat-audio-") as folder:
        result = _narrate(args, Path(folder) / "narration.wav")
        if result.path is None or not Path(result.path).exists():
            raise WebError(503, "no voice could speak this lesson", hint="; ".join(result.notices))
        sound = Path(result.path).read_bytes()
    name = safe_download_name(f"{args['topic'] or 'lesson'}-narration", ".wav")
    # Range requests answered (a player seeking asks for a part), from the bytes in hand.
    return send_file(io.BytesIO(sound), mimetype="audio/wav", download_name=name, conditional=True)


def _narrate(args: dict[str, Any], out: Path | None = None) -> Any:
    user = user_session()
    made = lesson_of(args)
    if out is None:
        with tempfile.TemporaryDirectory(prefix="learnplat-audio-") as folder:
            return user.speech.narrate(made, Path(folder) / "narration.wav")
    return user.speech.narrate(made, out)


@api.post("/ask")
def ask() -> Response:
    data = values()
    answer = user_session().learning.ask(
        text_value(data, "question"),
        doc_ids=doc_ids(data),
        topic=text_value(data, "topic").strip() or None,
    )
    return ok(answer_json(answer))


@api.get("/topics")
def topics() -> Response:
    library = g.core.topics
    category = request.args.get("category") or None
    return ok([{"id": t.id, "name": t.name, "category": t.category} for t in library.all(category)])


# teach back ----------------------------------------------------------------------------
@api.post("/teach")
def teach() -> Response:
    data = values()
    result = user_session().teachback.teach(
        text_value(data, "topic"),
        text_value(data, "text"),
        level=level_value(data),
        doc_ids=doc_ids(data),
    )
    return ok(teach_json(result), 201)


@api.post("/grade")
def grade() -> Response:
    data = values()
    result = user_session().teachback.grade_only(
        text_value(data, "reference"), text_value(data, "answer")
    )
    return ok(grade_json(result))


@api.get("/community")
def community() -> Response:
    data = values()
    items = user_session().community.feed(
        topic=text_value(data, "topic").strip() or None,
        level=text_value(data, "level").strip() or None,
        sort=text_value(data, "sort", "top") or "top",
        limit=int_value(data.get("limit", 20), "limit"),
        offset=int_value(data.get("offset", 0), "offset"),
    )
    return ok(items)


@api.post("/community/<explanation_id>/upvote")
def upvote(explanation_id: str) -> Response:
    return ok(user_session().community.upvote(int_value(explanation_id, "id")))


@api.delete("/community/<explanation_id>/upvote")
def unvote(explanation_id: str) -> Response:
    return ok(user_session().community.unvote(int_value(explanation_id, "id")))


@api.get("/leaderboard")
def leaderboard(default_board: str = "teach") -> Response:
    data = values()
    board = text_value(data, "board", default_board) or default_board
    period = text_value(data, "period", "all") or "all"
    limit = int_value(data.get("limit", 10), "limit")
    user = user_session()
    if board == "teach":
        return ok(user.community.leaderboard(period=period, limit=limit))
    if board == "game":
        category = text_value(data, "category").strip() or None
        return ok(user.game.leaderboard(period=period, category=category, limit=limit))
    raise BadInput(f"unknown board {board!r}", hint="one of: teach, game")


@api.get("/stats")
def stats() -> Response:
    user = user_session()
    return ok({"teach": user.community.stats(), "game": user.game.stats()})


@api.get("/progress")
def progress() -> Response:
    return ok(user_session().game.progress())


# challenges ----------------------------------------------------------------------------
@api.get("/challenges/categories")
def categories() -> Response:
    return ok(user_session().game.categories())


@api.post("/challenges/next")
def challenge_next() -> Response:
    data = values()
    doc = data.get("doc")
    served = user_session().game.next(
        category=text_value(data, "category").strip() or None,
        difficulty=text_value(data, "difficulty").strip() or None,
        doc_id=int_value(doc, "doc") if doc not in (None, "") else None,
        review_first=bool(data.get("review")),
    )
    return ok(served_json(served))


@api.post("/challenges/answer")
def challenge_answer() -> Response:
    data = values()
    answer = data.get("answer")
    if answer is not None and not isinstance(answer, str | int):
        raise BadInput("answer must be 1-4, A-D or the option's text")
    result = user_session().game.answer(
        text_value(data, "token"), None if answer is None else str(answer)
    )
    return ok(result)


@api.errorhandler(json.JSONDecodeError)
def _bad_json(_exc: json.JSONDecodeError) -> Response:
    response = jsonify({"error": "the request body is not valid JSON", "hint": None})
    response.status_code = 400
    return response


__all__ = ["api", "status_of"]
