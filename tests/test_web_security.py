"""Web mode's defences: CSRF, other accounts' things, paths, sizes, escaping, guessing,
cookies and headers."""

from __future__ import annotations

import stat
from io import BytesIO
from pathlib import Path

import pytest

from learnplat.services import accounts
from tests.webtools import PASSWORD, Browser, web_app_of

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"


def upload(user: Browser, data: bytes, name: str):
    return user.post(
        "/api/v1/documents",
        data={"file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_state_change_without_the_csrf_token_is_refused(ana: Browser) -> None:
    served = ana.post("/api/v1/challenges/next", json={}).get_json()
    for path, body in [
        ("/api/v1/challenges/answer", {"token": served["token"], "answer": "1"}),
        ("/api/v1/teach", {"topic": "photosynthesis", "text": "Plants use light."}),
        ("/api/v1/logout", {}),
    ]:
        refused = ana.client.post(path, json=body)  # no X-CSRF-Token
        assert refused.status_code == 403, path
        assert "CSRF" in refused.get_json()["error"]
        forged = ana.client.post(path, json=body, headers={"X-CSRF-Token": "guess"})
        assert forged.status_code == 403
    # A form posted from elsewhere carries no token either: the page says so.
    page = ana.client.post("/teach", data={"topic": "x", "text": "y"})
    assert page.status_code == 403 and "CSRF" in page.get_data(as_text=True)
    # Nothing happened: the question is still unanswered, the session still signed in.
    assert ana.get("/api/v1/stats").get_json()["game"]["answered"] == 0
    assert ana.get("/api/v1/session").get_json()["user"] == "ana"


def test_another_accounts_document_is_404_everywhere(ana: Browser, ben: Browser) -> None:
    doc = upload(ana, SAMPLE.read_bytes(), "photosynthesis.md").get_json()["document"]
    doc_id = doc["id"]
    for response in [
        ben.get(f"/api/v1/documents/{doc_id}"),
        ben.get(f"/api/v1/documents/{doc_id}/original"),
        ben.get(f"/api/v1/documents/{doc_id}/pages/1"),
        ben.get(f"/library/{doc_id}/pages/1"),
        ben.get(f"/uploads/{doc_id}"),
        ben.delete(f"/api/v1/documents/{doc_id}"),
        ben.form(f"/library/{doc_id}/remove", {}),
        ben.post("/api/v1/lessons", json={"topic": "light", "doc_ids": [doc_id]}),
        ben.post("/api/v1/challenges/next", json={"doc": doc_id}),
    ]:
        assert response.status_code == 404, (response.request.path, response.data[:200])
    assert ben.get("/api/v1/documents").get_json() == []
    assert ben.get("/api/v1/search?q=chlorophyll").get_json() == []
    assert [d["id"] for d in ana.get("/api/v1/documents").get_json()] == [doc_id]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/documents/1%2F..%2F2/original",
        "/api/v1/documents/1/pages/..%2F..%2Fsecret",
        "/library/..%2Flearnplat.db/pages/1",
        "/uploads/..%2F..%2Flearnplat.db",
        "/static/..%2F..%2Fapp.py",
        "/static/../../web-secret.key",
        "/api/v1/documents/-1/original",
    ],
)
def test_path_traversal_in_path_parameters_reaches_nothing(ana: Browser, path: str) -> None:
    upload(ana, SAMPLE.read_bytes(), "photosynthesis.md")
    response = ana.get(path)
    assert response.status_code in (400, 404), response.status_code
    assert b"secret" not in response.data.lower() or b"no such" in response.data.lower()
    assert b"SQLite format" not in response.data and b"def create_app" not in response.data


def test_an_uploaded_file_name_is_a_name_never_a_path(ana: Browser, isolated_home) -> None:
    hostile = "../../../../tmp/evil<script>.md"
    made = upload(ana, SAMPLE.read_bytes(), hostile)
    assert made.status_code == 201
    doc = made.get_json()["document"]
    assert doc["filename"] == "evil<script>.md"  # the last part only, kept as a name
    assert not Path("/tmp/evil<script>.md").exists()
    library = ana.get("/library").get_data(as_text=True)
    assert "evil&lt;script&gt;.md" in library and "evil<script>" not in library
    download = ana.get(f"/api/v1/documents/{doc['id']}/original")
    assert download.headers["Content-Disposition"] == 'attachment; filename="evil-script.md"'
    windows = upload(ana, b"# Notes\n\nOther words entirely here.\n", "C:\\Users\\x\\..\\n.md")
    name = windows.get_json()["document"]["filename"]
    assert "\\" not in name and "/" not in name and name.endswith("n.md")


def test_an_upload_over_the_limit_gets_413_and_a_clear_page(ana: Browser) -> None:
    big = b"# Notes\n\n" + b"word " * (17 * 1024 * 1024 // 5)
    api = upload(ana, big, "big.md")
    assert api.status_code == 413
    assert api.get_json()["error"] == ("the upload is too large: files of up to 16 MB are accepted")
    page = ana.form("/library/upload", {"file": (BytesIO(big), "big.md")})
    assert page.status_code == 413
    html = page.get_data(as_text=True)
    assert "files of up to 16 MB are accepted" in html and "<html" in html
    assert ana.get("/api/v1/documents").get_json() == []


def test_an_explanation_holding_script_is_shown_escaped(ana: Browser, ben: Browser) -> None:
    text = (
        "Photosynthesis is how plants make food from light. <script>alert('x')</script> "
        "Chlorophyll in the chloroplasts absorbs sunlight, and carbon dioxide and water become "
        "glucose and oxygen. <img src=x onerror=alert(1)> For example, a leaf in the sun makes "
        "sugar."
    )
    ana.post("/api/v1/teach", json={"topic": "photosynthesis", "text": text})
    html = ben.get("/teach?sort=new").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html or "&lt;script&gt;" in html


def test_a_document_with_markup_is_shown_escaped(ana: Browser) -> None:
    notes = b"Notes <b onmouseover=alert(1)>\n\nThe <script>steal()</script> mitochondria.\n"
    doc = upload(ana, notes, "notes.txt").get_json()["document"]
    page = ana.get(f"/library/{doc['id']}/pages/1").get_data(as_text=True)
    assert "<script>steal" not in page and "&lt;script&gt;steal()" in page
    hits = ana.get("/library?q=mitochondria").get_data(as_text=True)
    assert "<script>steal" not in hits and "&lt;script&gt;steal()" in hits
    assert "<mark>mitochondria</mark>" in hits  # the match marked, the rest escaped


def test_five_wrong_passwords_slow_the_next_try_down(web_app, ana: Browser) -> None:
    guesser = Browser(web_app)
    for _ in range(accounts.FREE_FAILURES):
        wrong = guesser.post("/api/v1/login", json={"name": "ana", "password": "guess it"})
        assert wrong.status_code == 401
    fifth = guesser.post("/api/v1/login", json={"name": "ANA", "password": "guess again"})
    assert fifth.status_code == 401
    slowed = guesser.post("/api/v1/login", json={"name": "ana", "password": PASSWORD})
    assert slowed.status_code == 429  # even the right password waits
    assert int(slowed.headers["Retry-After"]) >= accounts.FIRST_WAIT_S - 1
    assert "try again in" in slowed.get_json()["error"]
    page = guesser.form("/login", {"name": "ana", "password": PASSWORD})
    assert page.status_code == 429 and "try again in" in page.get_data(as_text=True)
    # Unknown names are slowed down alike (no hint that a name exists).
    for _ in range(accounts.FREE_FAILURES + 1):
        guesser.post("/api/v1/login", json={"name": "nobody", "password": "guess it"})
    assert (
        guesser.post("/api/v1/login", json={"name": "nobody", "password": "x"}).status_code == 429
    )


def test_one_address_guessing_at_many_names_is_slowed_down(
    web_app, ana: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The address's allowance made smaller than its 100: each wrong guess costs a real hash.
    monkeypatch.setattr(accounts, "FREE_CLIENT_FAILURES", 6)
    guesser = Browser(web_app)
    for number in range(accounts.FREE_CLIENT_FAILURES + 1):
        name = f"user{number}"  # never the same name twice: each name's own count stays low
        wrong = guesser.post("/api/v1/login", json={"name": name, "password": "guess it"})
        assert wrong.status_code == 401, number
    slowed = guesser.post("/api/v1/login", json={"name": "ana", "password": PASSWORD})
    assert slowed.status_code == 429 and "from your address" in slowed.get_json()["error"]
    elsewhere = web_app.test_client()  # another address is not held up by this one
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    token = elsewhere.get("/api/v1/session").get_json()["csrf_token"]
    login = elsewhere.post(
        "/api/v1/login",
        json={"name": "ana", "password": PASSWORD},
        headers={"X-CSRF-Token": token},
    )
    assert login.status_code == 200


def test_one_address_makes_only_so_many_accounts(web_app, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SIGNUPS_PER_CLIENT", 3)  # not 60: each costs a real hash
    for number in range(3):
        Browser(web_app).signup(f"pupil{number}")
    refused = Browser(web_app).post("/api/v1/signup", json={"name": "pupil3", "password": PASSWORD})
    assert refused.status_code == 429 and "too many new accounts" in refused.get_json()["error"]
    assert int(refused.headers["Retry-After"]) > 0


def test_waits_double_and_stop_at_fifteen_minutes() -> None:
    waits = [accounts.wait_after(n) for n in range(1, 12)]
    assert waits[: accounts.FREE_FAILURES] == [0] * accounts.FREE_FAILURES
    assert waits[accounts.FREE_FAILURES : accounts.FREE_FAILURES + 3] == [30, 60, 120]
    assert max(waits) == 15 * 60


def test_passwords_are_kept_as_scrypt_hashes(web_app, ana: Browser) -> None:
    core = web_app.extensions["learnplat.core"]
    stored = core.accounts.store.password_hash("ana")
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert accounts.check_password(PASSWORD, stored)
    assert not accounts.check_password(PASSWORD + "!", stored)


def test_cookies_are_signed_httponly_samesite_and_the_key_is_private(
    browser: Browser, isolated_home: Path
) -> None:
    response = browser.post("/api/v1/signup", json={"name": "ana", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    key = isolated_home / "web-secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    # A cookie edited by hand ("user": "ben") is not accepted.
    browser.client.set_cookie("learnplat_session", cookie.split(";")[0].split("=", 1)[1] + "x")
    assert browser.get("/api/v1/session").get_json()["user"] is None


def test_every_response_carries_the_security_headers(ana: Browser) -> None:
    for path in ["/login", "/library", "/api/v1/documents", "/static/app.js", "/nope"]:
        headers = ana.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_login_redirect_goes_only_to_this_site(web_app, ana: Browser) -> None:
    visitor = Browser(web_app)
    for target in ["https://evil.example/", "//evil.example/x", "/\\evil.example"]:
        response = visitor.form(
            f"/login?next={target}", {"name": "ana", "password": PASSWORD, "next": target}
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/library"
        visitor.csrf = visitor.get("/api/v1/session").get_json()["csrf_token"]


def test_public_views_show_display_names_only(ana: Browser, ben: Browser) -> None:
    text = (
        "Photosynthesis is how plants make food from light: chlorophyll absorbs sunlight, and "
        "carbon dioxide and water become glucose and oxygen. For example, leaves make sugar."
    )
    ana.post("/api/v1/teach", json={"topic": "photosynthesis", "text": text})
    board = ben.get("/api/v1/leaderboard").get_json()
    feed = ben.get("/api/v1/community?sort=new").get_json()
    for row in board + feed:
        assert "password_hash" not in row and "user_id" not in row


def test_behind_a_trusted_proxy_the_clients_own_address_counts(
    isolated_home, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnplat.settings import load_settings

    monkeypatch.setattr(accounts, "SIGNUPS_PER_CLIENT", 1)
    monkeypatch.setenv("LEARNPLAT_TRUSTED_PROXIES", "1")
    settings = load_settings({})
    with web_app_of(settings) as app:

        def signup(name: str, address: str) -> int:
            client = app.test_client()
            forwarded = {"X-Forwarded-For": address}
            token = client.get("/api/v1/session", headers=forwarded).get_json()["csrf_token"]
            response = client.post(
                "/api/v1/signup",
                json={"name": name, "password": PASSWORD},
                headers={**forwarded, "X-CSRF-Token": token},
            )
            return response.status_code

        assert signup("one", "203.0.113.7") == 201
        assert signup("two", "198.51.100.9") == 201  # another pupil: not held up
        assert signup("three", "203.0.113.7") == 429
