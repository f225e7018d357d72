"""The pages: server-rendered HTML (Jinja, every value escaped) with a small script of ours for
what happens as you watch: a lesson streaming in, a round's countdown, an upload's progress.

A form that fails is shown again with what the user typed and the error above it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, redirect, render_template, request, session, url_for
from markupsafe import Markup, escape

from ..errors import LearnplatError, NotFound
from .api import (
    LEVELS,
    document_json,
    ingest_upload,
    int_value,
    lesson_args,
    lesson_of,
)
from .app import current_user, sign_in, status_of, user_session

pages = Blueprint("pages", __name__)
FORMATS = ("chat", "visual", "audio", "ebook")


def markdown_html(text: str) -> Markup:
    """Markdown as HTML with any HTML in it escaped (markdown-it's commonmark, html off)."""
    from markdown_it import MarkdownIt

    return Markup(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))


@pages.app_template_filter("highlighted")
def highlighted(text: str, spans: Any) -> Markup:
    """``text`` escaped, with the ``(start, end)`` spans the search matched in <mark>."""
    out, last = Markup(""), 0
    for start, end in sorted(spans or ()):
        if start < last or end > len(text):
            continue
        out += escape(text[last:start]) + Markup("<mark>") + escape(text[start:end])
        out += Markup("</mark>")
        last = end
    return out + escape(text[last:])


def page(template: str, status: int = 200, **values: Any) -> Response:
    response = Response(render_template(template, **values), mimetype="text/html")
    response.status_code = status
    return response


def failed(template: str, exc: LearnplatError, **values: Any) -> Response:
    """The form's page again, with the error and what was typed."""
    return page(template, status_of(exc), error=exc, **values)


def signed_in(view: Callable[..., Response]) -> Callable[..., Response]:
    """A page for accounts: a visitor not signed in is sent to log in, and back after."""

    @functools.wraps(view)
    def page_view(*args: Any, **kwargs: Any) -> Response:
        if current_user() is None:
            return redirect(url_for("pages.login", next=request.path))  # type: ignore[return-value]
        return view(*args, **kwargs)

    return page_view


def _next_page() -> str:
    target = request.args.get("next") or request.form.get("next") or ""
    # Only a path of this site: never //elsewhere or https://elsewhere.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("pages.library")
    return target


# accounts ------------------------------------------------------------------------------
@pages.get("/")
def home() -> Response:
    if current_user() is None:
        return redirect(url_for("pages.login"))  # type: ignore[return-value]
    return redirect(url_for("pages.library"))  # type: ignore[return-value]


@pages.route("/signup", methods=["GET", "POST"])
def signup() -> Response:
    form = {"name": request.form.get("name", "")}
    if request.method == "GET":
        return page("signup.html", form=form)
    try:
        user = g.core.accounts.signup(
            form["name"], request.form.get("password", ""), client=request.remote_addr
        )
    except LearnplatError as exc:
        return failed("signup.html", exc, form=form)
    sign_in(user)
    return redirect(url_for("pages.library"))  # type: ignore[return-value]


@pages.route("/login", methods=["GET", "POST"])
def login() -> Response:
    form = {"name": request.form.get("name", ""), "next": _next_page()}
    if request.method == "GET":
        return page("login.html", form=form)
    try:
        user = g.core.accounts.login(
            form["name"], request.form.get("password", ""), client=request.remote_addr
        )
    except LearnplatError as exc:
        response = failed("login.html", exc, form=form)
        retry = getattr(exc, "retry_after_s", None)
        if retry:
            response.headers["Retry-After"] = str(retry)
        return response
    sign_in(user)
    return redirect(form["next"])  # type: ignore[return-value]


@pages.post("/logout")
def logout() -> Response:
    session.clear()
    return redirect(url_for("pages.login"))  # type: ignore[return-value]


# library -------------------------------------------------------------------------------
@pages.get("/library")
@signed_in
def library() -> Response:
    user = user_session()
    query = request.args.get("q", "").strip()
    hits, error = [], None
    if query:
        try:
            hits = user.library.search(query)
        except LearnplatError as exc:
            error = exc
    docs = [document_json(d) for d in user.library.documents()]
    return page("library.html", docs=docs, query=query, hits=hits, error=error)


@pages.post("/library/upload")
@signed_in
def upload() -> Response:
    try:
        result = ingest_upload(request.files.get("file"))
    except LearnplatError as exc:
        docs = [document_json(d) for d in user_session().library.documents()]
        return failed("library.html", exc, docs=docs, query="", hits=[])
    doc = result["document"] or {}
    session["flash"] = (
        f"Added {doc.get('title', '')}"
        if result["status"] == "added"
        else f"{doc.get('title', '')} is already in your library"
    )
    return redirect(url_for("pages.library"))  # type: ignore[return-value]


@pages.post("/library/<doc_id>/remove")
@signed_in
def remove(doc_id: str) -> Response:
    removed = user_session().library.remove(int_value(doc_id, "id"))
    session["flash"] = f"Removed {removed.title}"
    return redirect(url_for("pages.library"))  # type: ignore[return-value]


@pages.get("/library/<doc_id>/pages/<number>")
@signed_in
def document_page(doc_id: str, number: str) -> Response:
    view = user_session().library.page(int_value(doc_id, "id"), int_value(number, "page"))
    return page("document_page.html", view=view, mark=request.args.get("mark", ""))


# learn ---------------------------------------------------------------------------------
@pages.get("/learn")
@signed_in
def learn() -> Response:
    user = user_session()
    docs = [document_json(d) for d in user.library.documents()]
    form = {
        "topic": request.args.get("topic", ""),
        "level": request.args.get("level", "beginner"),
        "format": request.args.get("format", "chat"),
        "doc": request.args.getlist("doc"),
    }
    return page("learn.html", docs=docs, form=form, levels=LEVELS, formats=FORMATS)


@pages.get("/learn/lesson")
@signed_in
def lesson_html() -> Response:
    """The finished lesson as HTML (what the stream's last event is turned into)."""
    from ..tutors.render import lesson_markdown

    args = lesson_args(request.args.to_dict())
    made = lesson_of(args)
    body = markdown_html(lesson_markdown(made))
    if request.args.get("fragment"):
        return Response(body, mimetype="text/html")
    return page("lesson.html", lesson=made, body=body)


@pages.get("/learn/map.svg")
@signed_in
def concept_map() -> Response:
    from ..projections import plain
    from .charts import concept_map_svg

    args = {**lesson_args(request.args.to_dict()), "format": "visual"}
    made = lesson_of(args)
    svg = concept_map_svg(plain(made.concept_map)) if made.concept_map else ""
    if not svg:
        raise NotFound("this lesson has no concept map", hint="choose the visual format")
    response = Response(svg, mimetype="image/svg+xml")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = 'attachment; filename="concept-map.svg"'
    return response


# teach back ----------------------------------------------------------------------------
def _teach_page(status: int = 200, **values: Any) -> Response:
    user = user_session()
    sort = request.args.get("sort", "top")
    feed = user.community.feed(sort=sort if sort in ("top", "new") else "top", limit=30)
    board = user.community.leaderboard(limit=10)
    values.setdefault("form", {"topic": "", "level": "beginner", "text": ""})
    return page("teach.html", status, feed=feed, board=board, levels=LEVELS, sort=sort, **values)


@pages.get("/teach")
@signed_in
def teach() -> Response:
    return _teach_page()


@pages.post("/teach")
@signed_in
def teach_submit() -> Response:
    form = {
        "topic": request.form.get("topic", ""),
        "level": request.form.get("level", "beginner"),
        "text": request.form.get("text", ""),
    }
    try:
        result = user_session().teachback.teach(form["topic"], form["text"], level=form["level"])
    except LearnplatError as exc:
        return _teach_page(status_of(exc), form=form, error=exc)
    return _teach_page(form={**form, "text": ""}, result=result)


# challenges and progress ---------------------------------------------------------------
@pages.get("/challenges")
@signed_in
def challenges() -> Response:
    user = user_session()
    return page(
        "challenges.html",
        categories=user.game.categories(),
        docs=[document_json(d) for d in user.library.documents()],
        stats=user.game.stats(),
        board=user.game.leaderboard(limit=10),
    )


@pages.get("/progress")
@signed_in
def progress() -> Response:
    from ..projections import plain
    from .charts import accuracy_chart_svg, points_chart_svg, reviews_chart_svg

    user = user_session()
    made = user.game.progress()
    charts = {
        "points": Markup(points_chart_svg(plain(made.points_by_day))),
        "accuracy": Markup(accuracy_chart_svg(plain(made.accuracy))),
        "reviews": Markup(
            reviews_chart_svg(_ahead(made.reviews_due_by_day, made.overdue), made.overdue)
        ),
    }
    return page(
        "progress.html",
        game=user.game.stats(),
        teach=user.community.stats(),
        charts=charts,
    )


def _ahead(days: tuple[tuple[str, int], ...], overdue: int) -> list[list[Any] | tuple[Any, ...]]:
    """Reviews due by day, today's without the overdue ones (the chart shows those apart)."""
    rows: list[list[Any] | tuple[Any, ...]] = [list(day) for day in days]
    if days:
        rows[0] = (days[0][0], max(0, days[0][1] - overdue))
    return rows


__all__ = ["pages"]
