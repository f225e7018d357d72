"""The web app in Flask's test client: a real app over a real SQLite file in the test's home."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from learnplat.settings import Settings, load_settings

PASSWORD = "correct horse battery"


class Browser:
    """One visitor: a test client with its cookies, and the CSRF token its pages carry."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.csrf = self.client.get("/api/v1/session").get_json()["csrf_token"]

    def signup(self, name: str, password: str = PASSWORD) -> Browser:
        response = self.post("/api/v1/signup", json={"name": name, "password": password})
        assert response.status_code == 201, response.get_json()
        self.csrf = response.get_json()["csrf_token"]
        return self

    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, headers=self.headers(), **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.client.delete(path, headers=self.headers(), **kwargs)

    def form(self, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
        """A form posted as a page does: the token in the form's hidden field."""
        return self.client.post(path, data={**data, "csrf_token": self.csrf}, **kwargs)


@contextlib.contextmanager
def web_app_of(settings: Settings) -> Iterator[Any]:
    """The web app over a Core of ``settings``, closed after."""
    from learnplat.core import Core
    from learnplat.web.app import create_app

    with Core(settings) as core:
        app = create_app(settings, core)
        app.config["TESTING"] = True
        yield app


@pytest.fixture
def web_app(isolated_home: Any) -> Iterator[Any]:
    with web_app_of(load_settings({})) as app:
        yield app


@pytest.fixture
def browser(web_app: Any) -> Browser:
    return Browser(web_app)


@pytest.fixture
def ana(web_app: Any) -> Browser:
    return Browser(web_app).signup("ana")


@pytest.fixture
def ben(web_app: Any) -> Browser:
    return Browser(web_app).signup("ben")
