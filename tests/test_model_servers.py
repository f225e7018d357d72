"""What learnplat finds out about a model server and keeps: the context window each kind of server
states, the structured output it takes (remembered in the cache dir across runs), and where logs
and caches live."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat import paths
from learnplat.cli import app
from learnplat.clients.errors import ProviderError
from learnplat.clients.openai import OpenAIChat
from learnplat.clients.openai_probe import listed_context, llama_cpp_context, ollama_context
from learnplat.clients.server_memory import ServerMemory
from learnplat.tutors.llm.shapes import shape
from tests.stubs.openai import OpenAIStub

NOTES = (
    "# Photosynthesis\n\nPhotosynthesis is how plants turn light into sugar. It happens in the "
    "chloroplasts of the leaves.\n\nChlorophyll is the green pigment that absorbs red and blue "
    "light. Without it there is no sugar.\n"
)


# --- what each server says about its context ------------------------------------------------
# The shapes below are what the servers answer (llama.cpp b4000+ and older, Ollama 0.5+, vLLM).


def test_llama_cpp_states_its_running_context_in_props() -> None:
    assert llama_cpp_context({"default_generation_settings": {"n_ctx": 2048}}) == 2048
    assert llama_cpp_context({"n_ctx": 8192, "total_slots": 1}) == 8192  # older servers
    assert llama_cpp_context({"error": "not found"}) is None


def test_ollama_runs_a_model_with_its_num_ctx_else_its_default_not_its_trained_length() -> None:
    show = {
        "parameters": 'stop "<|im_end|>"\nnum_ctx 16384',
        "model_info": {"qwen2.context_length": 32768},
    }
    assert ollama_context(show) == 16384
    assert ollama_context({"model_info": {"llama.context_length": 131072}}) == 4096
    assert ollama_context({"model_info": {"gemma.context_length": 2048}}) == 2048
    assert ollama_context("not json") is None


def test_vllm_lists_the_model_length_in_v1_models() -> None:
    listed = {
        "data": [{"id": "other", "max_model_len": 4096}, {"id": "qwen", "max_model_len": 32768}]
    }
    assert listed_context(listed, "qwen") == 32768
    assert listed_context({"data": [{"id": "llama3.1", "owned_by": "x"}]}, "llama3.1") is None


def test_a_stated_context_is_read_over_http_and_a_configured_one_wins(
    openai_stub: OpenAIStub,
) -> None:
    openai_stub.n_ctx = 2048
    assert OpenAIChat(base_url=openai_stub.base_url).context_window() == 2048
    configured = OpenAIChat(base_url=openai_stub.base_url, context_window=32768)
    assert configured.context_window() == 32768
    openai_stub.props = False
    assert OpenAIChat(base_url=openai_stub.base_url).context_window() is None


# --- what is remembered ----------------------------------------------------------------------


def test_the_structured_output_a_server_takes_is_remembered_in_a_file(
    tmp_path: Path, openai_stub: OpenAIStub
) -> None:
    openai_stub.refused_formats = {"json_schema"}
    openai_stub.chunks = ['{"found": false, "sentences": []}']
    memory_file = tmp_path / "cache" / "model-servers.json"
    first = OpenAIChat(base_url=openai_stub.base_url, memory=ServerMemory(memory_file))
    "".join(first.stream([], shape=shape("answer")))
    kinds = [body.get("response_format", {}).get("type") for body in openai_stub.bodies()]
    assert kinds == ["json_schema", "json_object"]  # refused, then the schema inside json_object
    assert "schema" in openai_stub.bodies()[1]["response_format"]

    saved = json.loads(memory_file.read_text(encoding="utf-8"))
    assert saved[openai_stub.base_url]["structured_output"] == "json_object_schema"
    later = OpenAIChat(base_url=openai_stub.base_url, memory=ServerMemory(memory_file))
    "".join(later.stream([], shape=shape("answer")))
    assert len(openai_stub.bodies()) == 3  # a later run asks the way that worked at once
    assert openai_stub.bodies()[2]["response_format"]["schema"] == shape("answer").schema


def test_llama_cpp_pythons_refusal_as_http_500_steps_down_too(openai_stub: OpenAIStub) -> None:
    openai_stub.refused_formats = {"json_schema"}
    openai_stub.refuse_as_llama_cpp_python = True
    openai_stub.chunks = ['{"found": false, "sentences": []}']
    chat = OpenAIChat(base_url=openai_stub.base_url)
    assert "".join(chat.stream([], shape=shape("answer"))) == '{"found": false, "sentences": []}'
    assert chat.structured_mode == "json_object_schema"
    openai_stub.failures = [(500, {"error": {"message": "CUDA out of memory"}})]
    with pytest.raises(ProviderError, match="HTTP 500"):  # other 500s are failures
        "".join(chat.stream([], shape=shape("answer")))
    assert chat.structured_mode == "json_object_schema"


def test_an_empty_stream_is_asked_again_whole_to_hear_why_then_fitted(
    openai_stub: OpenAIStub,
) -> None:
    """llama-cpp-python ends a streamed prompt too long for its context with an empty stream;
    asked again without streaming it names its window, and the lesson is planned for it."""
    from learnplat.domain.model import LessonRequest, Source
    from learnplat.tutors.llm import LLMTutor
    from learnplat.tutors.offline import OfflineTutor

    openai_stub.refuse_as_llama_cpp_python, openai_stub.props = True, False
    openai_stub.n_ctx = 2000
    lesson = {
        "title": "Light",
        "sections": [{"heading": "Light", "paragraphs": [[{"sources": ["S1"], "text": "x y z."}]]}],
        "follow_ups": ["Why?"],
    }
    openai_stub.chunks = [json.dumps(lesson)]
    chat = OpenAIChat(base_url=openai_stub.base_url, model="smollm2")
    tutor = LLMTutor(chat, OfflineTutor(semantic=False))
    source = Source("Light is energy the leaves absorb. " * 4, "Notes", doc_id=1, page=1)
    made = tutor.lesson(LessonRequest("light", "beginner", "chat", sources=(source,)))

    assert made.provider == "openai" and made.notices == []
    streamed = [body.get("stream") for body in openai_stub.bodies()]
    assert streamed == [True, False, True]  # empty stream, the refusal heard whole, then fitted
    assert openai_stub.bodies()[-1]["max_tokens"] < 4000


def test_refused_within_the_window_it_was_planned_for_it_is_planned_smaller(
    openai_stub: OpenAIStub,
) -> None:
    """Text denser in tokens than estimated (code, another script) overflows a window the server
    stated: the lesson is planned again for two thirds of it, and used."""
    from learnplat.domain.model import LessonRequest, Source
    from learnplat.tutors.llm import LLMTutor
    from learnplat.tutors.offline import OfflineTutor

    openai_stub.n_ctx, openai_stub.chars_per_token = 3200, 2
    lesson = {
        "title": "Light",
        "sections": [{"heading": "Light", "paragraphs": [[{"sources": ["S1"], "text": "x y z."}]]}],
        "follow_ups": ["Why?"],
    }
    openai_stub.chunks = [json.dumps(lesson)]
    tutor = LLMTutor(OpenAIChat(base_url=openai_stub.base_url), OfflineTutor(semantic=False))
    source = Source("Light is energy the leaves absorb. " * 4, "Notes", doc_id=1, page=1)
    made = tutor.lesson(LessonRequest("light", "beginner", "chat", sources=(source,)))
    assert made.provider == "openai" and made.notices == []
    first, second = openai_stub.bodies()
    assert second["max_tokens"] < first["max_tokens"]


def test_a_damaged_or_unwritable_memory_costs_only_a_request(
    tmp_path: Path, openai_stub: OpenAIStub
) -> None:
    damaged = tmp_path / "servers.json"
    damaged.write_text("{not json", encoding="utf-8")
    assert ServerMemory(damaged).get(openai_stub.base_url, "structured_output") is None
    blocker = tmp_path / "a-file"  # its "folder" is a file: unwritable, even for root
    blocker.write_text("x", encoding="utf-8")
    memory = ServerMemory(blocker / "servers.json")
    memory.put("http://x/v1", "structured_output", "text")  # logged, not raised
    assert memory.get("http://x/v1", "structured_output") == "text"  # kept for this run
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_lesson_over_the_cli_remembers_the_server_in_the_cache_dir(
    isolated_home: Path, openai_stub: OpenAIStub, tmp_path: Path
) -> None:
    notes = tmp_path / "photosynthesis.md"
    notes.write_text(NOTES, encoding="utf-8")
    openai_stub.reject_response_format = True  # a server that takes no response_format at all
    openai_stub.chunks = ["not JSON at all"]  # the lesson falls back; the server is learnt
    runner = CliRunner()
    flags = ["--provider", "openai"]
    env = {"LEARNPLAT_BASE_URL": openai_stub.base_url, "LEARNPLAT_MODEL": "smollm2"}
    first = runner.invoke(app, [*flags, "learn", "--file", str(notes), "--json"], env=env)
    assert first.exit_code == 0, first.output
    memory = json.loads((isolated_home / "cache" / "model-servers.json").read_text())
    assert memory[openai_stub.base_url]["structured_output"] == "text"
    asked = len(openai_stub.bodies())
    second = runner.invoke(app, [*flags, "ask", "what absorbs light?", "--json"], env=env)
    assert second.exit_code == 0, second.output
    assert all("response_format" not in body for body in openai_stub.bodies()[asked:])


# --- where things live -----------------------------------------------------------------------


def test_logs_and_caches_go_to_the_platforms_state_and_cache_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEARNPLAT_HOME")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert paths.log_file() == tmp_path / "state" / "learnplat" / "log" / "learnplat.log"
    assert paths.model_servers_file() == tmp_path / "cache" / "learnplat" / "model-servers.json"
    monkeypatch.setenv("LEARNPLAT_HOME", os.fspath(tmp_path / "home"))
    assert paths.log_file() == tmp_path / "home" / "logs" / "learnplat.log"
    assert paths.cache_dir() == tmp_path / "home" / "cache"


def test_ctrl_c_while_a_model_writes_stops_the_command_and_the_server(
    isolated_home: Path, openai_stub: OpenAIStub, tmp_path: Path
) -> None:
    """The real CLI in its own process: Ctrl-C (SIGINT) mid-lesson ends it with one line, no
    traceback, and closes the connection, so the server stops writing."""
    import signal
    import subprocess
    import sys
    import time

    notes = tmp_path / "photosynthesis.md"
    notes.write_text(NOTES, encoding="utf-8")
    openai_stub.chunks = ['{"title": "Photosynthesis", "sections": ['] + ["x"] * 400
    openai_stub.chunk_delay_s = 0.05
    env = {
        **os.environ,
        "LEARNPLAT_HOME": str(isolated_home),
        "LEARNPLAT_PROVIDER": "openai",
        "LEARNPLAT_BASE_URL": openai_stub.base_url,
        "LEARNPLAT_MODEL": "smollm2",
    }
    command = [sys.executable, "-m", "learnplat", "learn", "--file", str(notes)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not openai_stub.bodies() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert openai_stub.bodies(), "the lesson was never asked for"
        time.sleep(0.5)  # some of the reply is written
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode != 0
    assert process.returncode == 130  # as shells expect of a command stopped by Ctrl-C
    assert "Traceback" not in err, err
    assert err.strip().splitlines()[-1] == "error: stopped (Ctrl-C)"
    assert openai_stub.disconnected.wait(timeout=10)
