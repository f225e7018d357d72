"""`doctor` on an OpenAI-compatible server (the stub over HTTP on 127.0.0.1): reachable is not
enough, the configured model must be one the server serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnplat.services.doctor import run_checks
from learnplat.settings import load_settings
from tests.stubs.openai import OpenAIStub


def provider_check(base_url: str, model: str):
    settings = load_settings({"user": "ana", "provider": "openai", "base_url": base_url,
                              "model": model})
    return next(check for check in run_checks(settings) if check.name == "provider")


@pytest.mark.parametrize(
    ("served", "model"),
    [(["llama3.1:latest", "qwen2.5:0.5b"], "llama3.1"), (["/models/smollm2.gguf"], "smollm2.gguf")],
)
def test_a_served_model_passes(
    isolated_home: Path, openai_stub: OpenAIStub, served: list[str], model: str
) -> None:
    openai_stub.models = served
    check = provider_check(openai_stub.base_url, model)
    assert check.status == "ok" and "reachable" in check.detail


def test_a_model_the_server_does_not_serve_fails_with_the_fix(
    isolated_home: Path, openai_stub: OpenAIStub
) -> None:
    openai_stub.models = ["qwen2.5:0.5b", "phi3:mini"]
    check = provider_check(openai_stub.base_url, "llama3.1")
    assert check.status == "fail"
    assert "does not serve 'llama3.1'" in check.detail and "qwen2.5:0.5b" in check.detail
    assert "ollama pull llama3.1" in check.detail


def test_llama_cpp_answers_to_any_model_name_so_it_passes(
    isolated_home: Path, openai_stub: OpenAIStub
) -> None:
    openai_stub.models, openai_stub.models_owner = ["/models/smollm2-135m.gguf"], "llamacpp"
    assert provider_check(openai_stub.base_url, "llama3.1").status == "ok"


def test_a_small_context_window_is_a_warning_naming_it_and_the_fix(
    isolated_home: Path, openai_stub: OpenAIStub
) -> None:
    openai_stub.models, openai_stub.n_ctx = ["smollm2"], 2048  # llama.cpp's default context
    check = provider_check(openai_stub.base_url, "smollm2")
    assert check.status == "warn"
    assert "context window 2048 tokens (as the server says)" in check.detail
    assert "-c 8192" in check.detail


def test_a_large_context_window_passes_and_is_shown(
    isolated_home: Path, openai_stub: OpenAIStub
) -> None:
    openai_stub.models, openai_stub.n_ctx = ["smollm2"], 8192
    check = provider_check(openai_stub.base_url, "smollm2")
    assert check.status == "ok" and "context window 8192 tokens" in check.detail


def test_a_server_that_does_not_say_its_context_says_so(
    isolated_home: Path, openai_stub: OpenAIStub
) -> None:
    openai_stub.models, openai_stub.props = ["smollm2"], False
    check = provider_check(openai_stub.base_url, "smollm2")
    assert check.status == "ok" and "does not say its context window" in check.detail
