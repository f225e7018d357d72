"""Ask an OpenAI-compatible server what it serves: its models and the context window in use.

Each server says it in its own place: llama.cpp in ``GET /props`` (``n_ctx`` of the running
server), Ollama in ``POST /api/show`` (the model's ``num_ctx`` parameter when set, else its
default), vLLM in ``GET /v1/models`` (``max_model_len``). Every probe is short (2 s) and a failed
probe only means "not said here".
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

PROBE_TIMEOUT_S = 2.0
# Ollama runs a model with this context unless its num_ctx says otherwise (since 0.6).
OLLAMA_DEFAULT_CONTEXT = 4096
_MAX_PROBE_BYTES = 4 * 1024 * 1024


def _get_json(url: str, api_key: str | None, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if api_key:
        request.add_header("Authorization", f"Bearer {api_key}")
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT_S) as response:
            return json.loads(response.read(_MAX_PROBE_BYTES))
    except (OSError, ValueError, urllib.error.URLError):
        return None


def server_root(base_url: str) -> str:
    """``http://host:8080`` for ``http://host:8080/v1``: where /props and /api/show live."""
    return re.sub(r"/v1/?$", "", base_url.rstrip("/"))


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def llama_cpp_context(props: Any) -> int | None:
    """``n_ctx`` from llama.cpp's /props (per slot in newer servers, top level in older)."""
    if not isinstance(props, dict):
        return None
    settings = props.get("default_generation_settings")
    if isinstance(settings, dict) and _positive(settings.get("n_ctx")):
        return _positive(settings.get("n_ctx"))
    return _positive(props.get("n_ctx"))


def ollama_context(show: Any) -> int | None:
    """The context Ollama runs a model with, from its /api/show answer."""
    if not isinstance(show, dict):
        return None
    parameters = show.get("parameters")
    if isinstance(parameters, str):
        match = re.search(r"^\s*num_ctx\s+(\d+)", parameters, re.MULTILINE)
        if match:
            return int(match.group(1))
    info = show.get("model_info")
    if isinstance(info, dict):
        trained = [
            _positive(value) for key, value in info.items() if key.endswith(".context_length")
        ]
        known = [value for value in trained if value]
        if known:
            return min(known[0], OLLAMA_DEFAULT_CONTEXT)
    return None


def listed_context(models: Any, model: str) -> int | None:
    """``max_model_len`` (vLLM) or ``meta.n_ctx`` of the model's entry in /v1/models."""
    data = models.get("data") if isinstance(models, dict) else None
    if not isinstance(data, list):
        return None
    entries = [item for item in data if isinstance(item, dict)]
    named = [item for item in entries if item.get("id") == model] or entries[:1]
    for item in named:
        meta = item.get("meta")
        found = _positive(item.get("max_model_len")) or (
            _positive(meta.get("n_ctx")) if isinstance(meta, dict) else None
        )
        if found:
            return found
    return None


def context_window(base_url: str, model: str, api_key: str | None) -> int | None:
    """The context window (tokens) the server runs ``model`` with, if it says; else None."""
    root = server_root(base_url)
    found = llama_cpp_context(_get_json(f"{root}/props", api_key))
    if found:
        return found
    found = listed_context(_get_json(f"{base_url.rstrip('/')}/models", api_key), model)
    if found:
        return found
    return ollama_context(_get_json(f"{root}/api/show", api_key, {"model": model}))
