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
