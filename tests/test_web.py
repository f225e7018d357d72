"""Web mode through Flask's test client: every page and API route, the CLI's JSON contracts,
and the bad inputs a browser or a script can send."""

from __future__ import annotations

import json
import re
import time
from io import BytesIO
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app as cli_app
from tests.conftest import require_program
from tests.webtools import PASSWORD, Browser, web_app_of

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
PHOTOSYNTHESIS = (
    "Photosynthesis is how plants make their own food from light. Inside the leaf are "
    "chloroplasts, and they hold chlorophyll, a green pigment that absorbs sunlight. The plant "
    "takes in carbon dioxide from the air and water from the soil. Using the light energy, it "
    "turns them into glucose, a sugar, and gives off oxygen, which we breathe. So sunlight, "
    "water and carbon dioxide go in, and sugar and oxygen come out. For example, a tree in the "
    "sun is making sugar to grow."
)


def upload(user: Browser, path: Path, name: str | None = None):
    data = {"file": (BytesIO(path.read_bytes()), name or path.name)}
    return user.post("/api/v1/documents", data=data, content_type="multipart/form-data")


def cli_json(*args: str):
    result = CliRunner().invoke(cli_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# accounts ------------------------------------------------------------------------------
def test_signup_login_logout_and_who(browser: Browser) -> None:
    assert browser.get("/api/v1/session").get_json()["user"] is None
    assert browser.get("/library").status_code == 302  # to the login page
    browser.signup("Ana")
    assert browser.get("/api/v1/session").get_json()["user"] == "Ana"
    assert browser.post("/api/v1/logout").status_code == 200
    assert browser.get("/api/v1/documents").status_code == 401
    browser.csrf = browser.get("/api/v1/session").get_json()["csrf_token"]
    wrong = browser.post("/api/v1/login", json={"name": "ana", "password": "not it at all"})
    assert wrong.status_code == 401
    assert wrong.get_json() == {
        "error": "that name and password do not match an account",
        "hint": "check both; names are not case-sensitive",
    }
    right = browser.post("/api/v1/login", json={"name": "ana", "password": PASSWORD})
    assert right.status_code == 200 and right.get_json()["user"] == "Ana"


def test_signup_refuses_taken_lookalike_and_weak(web_app, ana: Browser) -> None:
    other = Browser(web_app)
    taken = other.post("/api/v1/signup", json={"name": "ANA", "password": PASSWORD})
    assert taken.status_code == 400 and "taken" in taken.get_json()["error"]
    short = other.post("/api/v1/signup", json={"name": "cleo", "password": "short"})
    assert short.status_code == 400 and "too short" in short.get_json()["error"]
    bad = other.post("/api/v1/signup", json={"name": "../etc", "password": PASSWORD})
    assert bad.status_code == 400 and "letters, digits" in bad.get_json()["error"]
    lookalike = other.post("/api/v1/signup", json={"name": "аna", "password": PASSWORD})
    assert lookalike.status_code == 400  # a Cyrillic "а"


def test_signup_page_keeps_the_name_typed_and_says_why(browser: Browser) -> None:
    page = browser.form("/signup", {"name": "cleo", "password": "short"})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "the password is too short" in html
    assert 'value="cleo"' in html
    ok = browser.form("/signup", {"name": "cleo", "password": PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/library")
    assert "Library" in browser.get("/library").get_data(as_text=True)


def test_a_terminal_profile_is_claimed_with_a_password_set_in_the_terminal(
    web_app, isolated_home
) -> None:
    runner = CliRunner()
    made = runner.invoke(cli_app, ["--user", "dora", "ingest", str(SAMPLES / "photosynthesis.md")])
    assert made.exit_code == 0, made.output
    visitor = Browser(web_app)
    refused = visitor.post("/api/v1/signup", json={"name": "dora", "password": PASSWORD})
    assert refused.status_code == 400
    assert "terminal profile" in refused.get_json()["error"]
    assert "account password" in refused.get_json()["hint"]
    claimed = runner.invoke(
        cli_app, ["--user", "dora", "account", "password", "--password-stdin"], input=PASSWORD
    )
    assert claimed.exit_code == 0, claimed.output
    login = visitor.post("/api/v1/login", json={"name": "dora", "password": PASSWORD})
    assert login.status_code == 200
    visitor.csrf = login.get_json()["csrf_token"]
    titles = [d["title"] for d in visitor.get("/api/v1/documents").get_json()]
    assert titles == ["Photosynthesis"]  # the terminal's library, now in the browser
    # A new password set in the terminal signs every browser out.
    runner.invoke(
        cli_app, ["--user", "dora", "account", "password", "--password-stdin"], input="another pw!"
    )
    assert visitor.get("/api/v1/documents").status_code == 401


# library -------------------------------------------------------------------------------
def test_upload_list_page_search_download_remove(ana: Browser) -> None:
    added = upload(ana, SAMPLES / "cellular-respiration.pdf")
    assert added.status_code == 201
    body = added.get_json()
    assert body["status"] == "added" and body["error"] is None
    doc = body["document"]
    assert "stored_path" not in doc and "source_path" not in doc  # no server paths shown
    again = upload(ana, SAMPLES / "cellular-respiration.pdf", "copy.pdf")
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    listed = ana.get("/api/v1/documents").get_json()
    assert [d["id"] for d in listed] == [doc["id"]]
    hits = ana.get("/api/v1/search?q=ATP").get_json()
    assert hits and hits[0]["doc_id"] == doc["id"]
    page = ana.get(f"/library/{doc['id']}/pages/{hits[0]['page']}?mark=ATP")
    assert page.status_code == 200 and "ATP" in page.get_data(as_text=True)
    html = ana.get("/library?q=ATP").get_data(as_text=True)
    assert f"/library/{doc['id']}/pages/{hits[0]['page']}" in html
    original = ana.get(f"/api/v1/documents/{doc['id']}/original")
    assert original.data == (SAMPLES / "cellular-respiration.pdf").read_bytes()
    assert original.headers["Content-Disposition"] == (
        'attachment; filename="cellular-respiration.pdf"'
    )
    removed = ana.form(f"/library/{doc['id']}/remove", {})
    assert removed.status_code == 302
    assert ana.get("/api/v1/documents").get_json() == []


def test_the_api_gives_the_cli_json_contracts(ana: Browser, isolated_home) -> None:
    doc = upload(ana, SAMPLES / "photosynthesis.md").get_json()["document"]
    cli_docs = cli_json("--user", "ana", "docs", "list")
    for listed in cli_docs:
        listed.pop("stored_path")
        listed.pop("source_path")
    assert ana.get("/api/v1/documents").get_json() == cli_docs
    assert ana.get("/api/v1/search?q=chlorophyll").get_json() == cli_json(
        "--user", "ana", "search", "chlorophyll"
    )
    assert ana.get("/api/v1/challenges/categories").get_json() == cli_json(
        "--user", "ana", "challenge", "categories"
    )
    lesson = ana.post(
        "/api/v1/lessons", json={"topic": "photosynthesis", "doc_ids": [doc["id"]]}
    ).get_json()
    from_cli = cli_json("--user", "ana", "learn", "photosynthesis", "--doc", str(doc["id"]))
    assert {**lesson, "from_cache": None} == {**from_cli, "from_cache": None}


def test_upload_errors_are_clear_and_lose_nothing(ana: Browser, tmp_path: Path) -> None:
    junk = tmp_path / "notes.pdf"
    junk.write_bytes(b"%PDF-1.7 this is no pdf")
    bad = upload(ana, junk)
    assert bad.status_code == 400
    assert set(bad.get_json()) == {"error", "hint"} and "notes.pdf" in bad.get_json()["error"]
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ\x90\x00")
    assert upload(ana, exe).status_code == 400
    none = ana.post("/api/v1/documents", data={}, content_type="multipart/form-data")
    assert none.status_code == 400 and none.get_json()["error"] == "choose a file to upload"
    page = ana.form("/library/upload", {"file": (BytesIO(b"%PDF-junk"), "x.pdf")})
    assert page.status_code == 400 and "x.pdf" in page.get_data(as_text=True)


# learn ---------------------------------------------------------------------------------
def test_lesson_streams_as_server_sent_events(ana: Browser) -> None:
    response = ana.get("/api/v1/lessons/stream?topic=photosynthesis&level=beginner")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    text = response.get_data(as_text=True)
    events = re.findall(r"event: (\w+)\ndata: (.*)\n\n", text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "text" and kinds[-1] == "lesson" and kinds.count("lesson") == 1
    streamed = "".join(json.loads(data)["text"] for kind, data in events if kind == "text")
    lesson = json.loads(events[-1][1])
    assert lesson["topic"] == "Photosynthesis" and "chlorophyll" in streamed.lower()


def test_lesson_stream_refuses_bad_input_before_streaming(ana: Browser) -> None:
    bad = ana.get("/api/v1/lessons/stream?topic=photosynthesis&level=expert")
    assert bad.status_code == 400 and "expert" in bad.get_json()["error"]
    nothing = ana.get("/api/v1/lessons/stream?topic=zzqx%20unknowable")
    assert nothing.status_code == 404 and "zzqx unknowable" in nothing.get_json()["error"]
    empty = ana.get("/api/v1/lessons/stream")
    assert empty.status_code == 400 and empty.get_json()["error"] == "say what to learn"


def test_visual_lesson_map_download_and_follow_up(ana: Browser) -> None:
    query = "topic=photosynthesis&format=visual&level=intermediate"
    svg = ana.get(f"/learn/map.svg?{query}")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data and b"Photosynthesis" in svg.data
    html = ana.get(f"/learn/lesson?{query}&fragment=1").get_data(as_text=True)
    assert "<h1>" in html or "<h2>" in html
    md = ana.get("/api/v1/lessons/download?topic=photosynthesis&format=ebook")
    assert md.headers["Content-Disposition"].startswith("attachment; filename=")
    assert md.mimetype == "text/markdown" and b"Photosynthesis" in md.data
    chat = ana.get("/api/v1/lessons/download?topic=photosynthesis")
    no_map = ana.get("/learn/map.svg?topic=photosynthesis&format=chat")
    assert chat.status_code == 200 and no_map.status_code in (200, 404)
    answer = ana.post("/api/v1/ask", json={"question": "What does chlorophyll do?"})
    assert answer.status_code == 200 and set(answer.get_json()) >= {"answer", "found", "citations"}


def test_narration_plays_in_the_page_with_its_marks(ana: Browser) -> None:
    require_program("espeak-ng")
    spoken = ana.get("/api/v1/lessons/narration?topic=photosynthesis&level=beginner")
    assert spoken.status_code == 200
    data = spoken.get_json()
    assert data["segments"] and data["segments"][0]["start_s"] == 0
    assert data["duration_s"] > data["segments"][-1]["start_s"]
    assert "path" not in data  # no server path shown
    sound = ana.get(data["url"])
    assert sound.mimetype == "audio/wav" and sound.data[:4] == b"RIFF"
    assert sound.headers["Content-Disposition"].startswith("inline; filename=")
    part = ana.get(data["url"], headers={"Range": "bytes=0-99"})  # a player seeking
    assert part.status_code == 206 and part.data == sound.data[:100]


# teach back and community --------------------------------------------------------------
def test_teach_grade_feed_upvote_board(ana: Browser, ben: Browser) -> None:
    taught = ana.post(
        "/api/v1/teach", json={"topic": "photosynthesis", "text": PHOTOSYNTHESIS}
    ).get_json()
    assert taught["score"] >= 5 and taught["shared"] and taught["components"]
    feed = ben.get("/api/v1/community?sort=new").get_json()
    item = next(i for i in feed if i["id"] == taught["id"])
    assert item["author"] == "ana" and not item["mine"]
    before = {r["display_name"]: r["points"] for r in ben.get("/api/v1/leaderboard").get_json()}
    voted = ben.post(f"/api/v1/community/{taught['id']}/upvote")
    assert voted.status_code == 200 and voted.get_json()["upvotes"] == 1
    twice = ben.post(f"/api/v1/community/{taught['id']}/upvote")
    assert twice.status_code == 400 and twice.get_json()["error"]
    own = ana.post(f"/api/v1/community/{taught['id']}/upvote")
    assert own.status_code == 400 and "own" in own.get_json()["error"]
    after = {r["display_name"]: r["points"] for r in ben.get("/api/v1/leaderboard").get_json()}
    assert after["ana"] > before["ana"]
    back = ben.delete(f"/api/v1/community/{taught['id']}/upvote")
    assert back.get_json()["upvotes"] == 0
    seed_vote = ben.post(f"/community/upvote/{taught['id']}")  # the seed's route
    assert seed_vote.status_code == 200 and seed_vote.get_json()["upvotes"] == 1


def test_teach_page_keeps_the_explanation_when_grading_is_refused(ana: Browser) -> None:
    page = ana.form("/teach", {"topic": "", "level": "beginner", "text": "My words here."})
    assert page.status_code == 400
    assert "My words here." in page.get_data(as_text=True)
    graded = ana.form("/teach", {"topic": "photosynthesis", "text": PHOTOSYNTHESIS})
    html = graded.get_data(as_text=True)
    assert graded.status_code == 200 and "/10" in html and "<meter" in html


# challenges and progress ---------------------------------------------------------------
def test_a_round_is_timed_by_the_server_and_never_shows_the_answer(web_app, ana: Browser) -> None:
    served = ana.post("/api/v1/challenges/next", json={"category": "biology"}).get_json()
    assert set(served) == {
        "token", "title", "question", "options", "time_limit", "category", "difficulty",
        "points", "mode", "served_at", "source", "notice",
    }  # fmt: skip
    result = ana.post("/api/v1/challenges/answer", json={"token": served["token"], "answer": "B"})
    assert result.status_code == 200
    outcome = result.get_json()
    assert outcome["answer"] == served["options"][1]
    again = ana.post("/api/v1/challenges/answer", json={"token": served["token"], "answer": "1"})
    assert again.status_code == 400 and "already" in again.get_json()["error"]
    stats = ana.get("/api/v1/stats").get_json()
    assert stats["game"]["answered"] == 1
    seed_next = ana.post("/game/next", json={"category": "physics"})
    assert seed_next.status_code == 200 and "answer" not in seed_next.get_json()
    token = seed_next.get_json()["token"]
    right = web_app.extensions["learnplat.core"].game_store.attempt(token).correct_answer
    scored = ana.post("/game/answer", json={"token": token, "answer": right}).get_json()
    assert scored["correct"] and scored["points"] > 0
    board = ana.get("/game/leaderboard").get_json()  # the seed's route: the game's board
    assert board and "level" in board[0] and board[0]["display_name"] == "ana"


def test_someone_elses_question_token_is_not_theirs(ana: Browser, ben: Browser) -> None:
    served = ana.post("/api/v1/challenges/next", json={}).get_json()
    stolen = ben.post("/api/v1/challenges/answer", json={"token": served["token"], "answer": "1"})
    assert stolen.status_code == 400 and stolen.get_json()["error"] == "unknown question token"


@pytest.mark.parametrize("path", ["/library", "/learn", "/teach", "/challenges", "/progress"])
def test_every_page_renders_for_a_new_account(ana: Browser, path: str) -> None:
    response = ana.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'aria-current="page"' in html and "ana" in html


def test_progress_page_draws_what_was_played(ana: Browser) -> None:
    for _ in range(3):
        served = ana.post("/api/v1/challenges/next", json={"category": "biology"}).get_json()
        ana.post("/api/v1/challenges/answer", json={"token": served["token"], "answer": "1"})
    html = ana.get("/progress").get_data(as_text=True)
    assert "points-chart" in html and "accuracy-chart" in html and "biology" in html


def test_bad_values_get_400_with_a_hint_not_500(ana: Browser) -> None:
    cases = [
        ana.get("/api/v1/documents/abc"),
        ana.get("/api/v1/documents/99999999999999999999999"),
        ana.get("/api/v1/search?q="),
        ana.get("/api/v1/community?sort=sideways"),
        ana.get("/api/v1/leaderboard?board=chess"),
        ana.post("/api/v1/challenges/next", json={"category": "astrology"}),
        ana.post("/api/v1/challenges/answer", json={"token": "x" * 5000, "answer": 1}),
        ana.post("/api/v1/lessons", json=["not", "an", "object"]),
        ana.post("/api/v1/lessons", data="{broken", content_type="application/json"),
        ana.post("/api/v1/teach", json={"topic": 7, "text": None}),
        ana.post("/api/v1/ask", json={"question": ""}),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, (response.request.path, response.data)
        body = response.get_json()
        assert set(body) == {"error", "hint"} and body["error"], body


def test_unknown_route_and_method_are_json_under_api_and_pages_elsewhere(ana: Browser) -> None:
    missing = ana.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"] == "no such page"
    wrong = ana.get("/api/v1/teach")
    assert wrong.status_code == 405 and wrong.get_json()["error"]
    page = ana.get("/nothing-here")
    assert page.status_code == 404 and "No such page" in page.get_data(as_text=True)


def test_serve_says_in_one_line_when_its_port_is_taken() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli_app, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.output
    assert "try --port" in result.output and "Traceback" not in result.output


def test_a_bug_is_one_line_to_the_user_and_a_traceback_in_the_log(
    web_app, ana: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnplat import paths
    from learnplat.services.library import Library

    def broken(self: Library) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(Library, "documents", broken)  # a stand-in bug: no real one to hand
    api = ana.get("/api/v1/documents")
    assert api.status_code == 500
    assert api.get_json()["error"] == "something went wrong on the server"
    page = ana.get("/library")
    assert page.status_code == 500 and "Traceback" not in page.get_data(as_text=True)
    logged = paths.log_file().read_text()
    assert "GET /api/v1/documents failed" in logged and "ZeroDivisionError: a bug" in logged


def test_a_browser_leaving_a_streamed_lesson_stops_the_model(isolated_home, openai_stub) -> None:
    """The lesson streams from a model server (the stub, over HTTP on 127.0.0.1); when the
    browser stops reading, the model's connection is closed and the server stops writing."""
    from learnplat.settings import load_settings
    from tests.test_llm_tutor import chunks_of, lesson_payload

    openai_stub.chunks = chunks_of(lesson_payload(), size=10)  # 40 chunks: 12 s at this pace
    openai_stub.chunk_delay_s = 0.3
    settings = load_settings(
        {"provider": "openai", "base_url": openai_stub.base_url, "model": "llama3.1"}
    )
    with web_app_of(settings) as app:
        visitor = Browser(app).signup("ana")
        started = time.monotonic()
        response = visitor.client.get("/api/v1/lessons/stream?topic=photosynthesis", buffered=False)
        assert response.status_code == 200
        stream = iter(response.response)
        assert next(stream).startswith(b": lesson on its way")
        while not openai_stub.bodies():  # the model was asked
            assert time.monotonic() - started < 30
            time.sleep(0.05)
        time.sleep(0.6)  # it has written a little
        response.close()  # the browser leaves
        assert openai_stub.disconnected.wait(timeout=5)
        assert time.monotonic() - started < 10


def test_the_seed_routes_answer_as_their_api_twins(ana: Browser, ben: Browser) -> None:
    doc = upload(ana, SAMPLES / "photosynthesis.md").get_json()["document"]
    # POST /uploads is POST /api/v1/documents; GET /uploads/ID the original.
    again = ana.post(
        "/uploads",
        data={"file": (BytesIO((SAMPLES / "photosynthesis.md").read_bytes()), "p.md")},
        content_type="multipart/form-data",
    )
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert ana.get(f"/uploads/{doc['id']}").data == (SAMPLES / "photosynthesis.md").read_bytes()
    learned = ana.post("/learn", json={"topic": "photosynthesis", "level": "advanced"})
    twin = ana.post("/api/v1/lessons", json={"topic": "photosynthesis", "level": "advanced"})
    assert learned.get_json()["content"] == twin.get_json()["content"]
    submitted = ana.post(
        "/community/submit", json={"topic": "photosynthesis", "text": PHOTOSYNTHESIS}
    )
    assert submitted.status_code == 201 and submitted.get_json()["score"] >= 5
    feed = ben.get("/community/explanations").get_json()
    assert feed == ben.get("/api/v1/community").get_json() and feed[0]["author"] == "ana"
    assert ben.get("/community/leaderboard").get_json() == ben.get("/api/v1/leaderboard").get_json()
    assert (
        ana.get("/game/categories").get_json()
        == ana.get("/api/v1/challenges/categories").get_json()
    )
    assert ana.get("/game/stats").get_json() == ana.get("/api/v1/stats").get_json()
    refused = ana.post("/game/answer", json={"token": "nope", "answer": "1"})
    assert refused.status_code == 400 and set(refused.get_json()) == {"error", "hint"}


def test_the_other_api_routes(ana: Browser) -> None:
    doc = upload(ana, SAMPLES / "cellular-respiration.pdf").get_json()["document"]
    page = ana.get(f"/api/v1/documents/{doc['id']}/pages/2").get_json()
    assert page["number"] == 2 and page["text"] and "stored_path" not in page["document"]
    assert ana.get(f"/api/v1/documents/{doc['id']}").get_json() == doc
    topics = ana.get("/api/v1/topics?category=biology").get_json()
    assert topics and {t["category"] for t in topics} == {"biology"}
    assert "Photosynthesis" in [t["name"] for t in topics]
    graded = ana.post(
        "/api/v1/grade",
        json={
            "reference": "Water boils at 100 degrees Celsius at sea level.",
            "answer": "At sea level water boils at 100 C.",
        },
    ).get_json()
    assert 1 <= graded["score"] <= 10 and graded["components"]
    progress = ana.get("/api/v1/progress").get_json()
    assert set(progress) == {"points_by_day", "accuracy", "reviews_due_by_day", "overdue"}
    html = ana.get("/learn/lesson?topic=photosynthesis&format=ebook").get_data(as_text=True)
    assert "<h2>Chapter 1" in html and "<html" in html


def test_secure_cookies_behind_tls(isolated_home, monkeypatch: pytest.MonkeyPatch) -> None:
    from learnplat.settings import load_settings

    monkeypatch.setenv("LEARNPLAT_SECURE_COOKIES", "1")
    settings = load_settings({})
    with web_app_of(settings) as app:
        client = app.test_client()
        cookie = client.get("/api/v1/session", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_serve_without_the_web_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "gunicorn", None)  # as if `learnplat[web]` was left out
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 2
    assert "error: web mode needs Flask and gunicorn" in result.output
    assert "pip install 'learnplat[web]'" in result.output
