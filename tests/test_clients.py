"""Chat clients against local stub servers speaking Bedrock's and OpenAI's real wire formats."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from learnplat.clients import BedrockChat, Message, OpenAIChat, ProviderError
from learnplat.clients.base import ReplyShape
from learnplat.clients.openai_errors import payload_message
from learnplat.clients.sse import ServerEvent, SSEParser
from tests.stubs.bedrock import BedrockStub, HTTPFailure
from tests.stubs.openai import OpenAIStub

QUESTION = [Message("user", "What does photosynthesis do?")]
MODEL = "amazon.nova-pro-v1:0"
SHAPE = ReplyShape(
    "answer",
    {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
)


def bedrock_chat(
    stub: BedrockStub, *, max_attempts: int = 1, read_timeout: float = 10
) -> BedrockChat:
    chat = BedrockChat(endpoint_url=stub.url, max_attempts=max_attempts, read_timeout=read_timeout)
    chat.mid_stream_backoff_s = 0.0
    return chat


def busy(status: int, message: str) -> Any:
    """A refusal for the stub's ``failures`` that says ``Retry-After: 0``. (Its entries may carry
    headers as a third item, which ``OpenAIStub.failures``' annotation does not say yet.)"""
    return (status, {"error": {"message": message}}, {"Retry-After": "0"})


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def assert_user_facing(error: ProviderError, kind: str, *fragments: str) -> None:
    assert error.kind == kind, error
    assert "\n" not in error.message and error.hint
    for fragment in fragments:
        assert fragment in error.message, error.message


# --- Bedrock ---------------------------------------------------------------------------------


def test_bedrock_complete_sends_converse_and_returns_the_text(bedrock: BedrockStub) -> None:
    chat = bedrock_chat(bedrock)
    history = [*QUESTION, Message("assistant", "Light."), Message("user", "More?")]

    reply = chat.complete(history, system="Be brief.", max_tokens=8000, temperature=0.1)

    assert reply == bedrock.reply
    (sent,) = bedrock.model_requests("converse")
    assert sent["messages"][2] == {"role": "user", "content": [{"text": "More?"}]}
    assert sent["system"] == [{"text": "Be brief."}]
    assert sent["inferenceConfig"] == {"maxTokens": 5000, "temperature": 0.1}
    request = bedrock.requests[0]
    assert request.path == "/model/amazon.nova-pro-v1%3A0/converse"
    assert "Credential=test/" in request.headers["authorization"]  # from the standard chain
    assert "/us-east-1/bedrock/aws4_request" in request.headers["authorization"]


def test_bedrock_small_max_tokens_and_no_system_pass_through(bedrock: BedrockStub) -> None:
    bedrock_chat(bedrock).complete(QUESTION, max_tokens=300, json_mode=True)
    (sent,) = bedrock.model_requests("converse")
    assert sent["inferenceConfig"]["maxTokens"] == 300
    assert "system" not in sent


def test_bedrock_stream_yields_chunks_in_order_before_the_stream_ends(
    bedrock: BedrockStub,
) -> None:
    bedrock.hold_after_first = threading.Event()
    deltas = bedrock_chat(bedrock).stream(QUESTION, system="Be brief.", max_tokens=9000)

    started = time.monotonic()
    first = next(deltas)  # the stub holds the rest back until we release it (or 5 s pass)
    assert first == "Photo"
    assert not bedrock.rest_released.is_set() and time.monotonic() - started < 4
    bedrock.hold_after_first.set()

    assert [first, *deltas] == bedrock.chunks
    (sent,) = bedrock.model_requests("converse-stream")
    assert sent["inferenceConfig"]["maxTokens"] == 5000
    assert sent["system"] == [{"text": "Be brief."}]


@pytest.mark.parametrize(
    ("failure", "kind", "fragments"),
    [
        (
            HTTPFailure(403, "AccessDeniedException", "You don't have access to the model"),
            "auth",
            ("AccessDenied", "credentials", MODEL, "us-east-1"),
        ),
        (HTTPFailure(403, "UnrecognizedClientException", "bad token"), "auth", ("credentials",)),
        (
            HTTPFailure(400, "ValidationException", "The provided model identifier is invalid."),
            "validation",
            ("model identifier is invalid",),
        ),
        (HTTPFailure(429, "ThrottlingException", "Too many requests"), "throttled", (MODEL,)),
        (HTTPFailure(408, "ModelTimeoutException", "Model timed out"), "timeout", (MODEL,)),
        (HTTPFailure(503, "ServiceUnavailableException", "Down"), "unavailable", ("Down",)),
        (HTTPFailure(429, "ModelNotReadyException", "Warming up"), "unavailable", ()),
    ],
    ids=lambda value: value.error_type if isinstance(value, HTTPFailure) else None,
)
def test_bedrock_errors_become_provider_errors_of_the_right_kind(
    bedrock: BedrockStub, failure: HTTPFailure, kind: str, fragments: tuple[str, ...]
) -> None:
    bedrock.failures = [failure, failure]
    chat = bedrock_chat(bedrock)

    with pytest.raises(ProviderError) as completing:
        chat.complete(QUESTION)
    with pytest.raises(ProviderError) as streaming:
        list(chat.stream(QUESTION))

    assert_user_facing(completing.value, kind, *fragments)
    assert_user_facing(streaming.value, kind, *fragments)
    assert completing.value.code == failure.error_type


def test_bedrock_throttling_is_retried_then_succeeds(bedrock: BedrockStub) -> None:
    bedrock.failures = [HTTPFailure(429, "ThrottlingException", "Too many requests")]
    assert bedrock_chat(bedrock, max_attempts=3).complete(QUESTION) == bedrock.reply
    assert len(bedrock.requests) == 2


def test_bedrock_mid_stream_throttling_is_retried_without_repeating_text(
    bedrock: BedrockStub,
) -> None:
    bedrock.stream_exception = ("throttlingException", 2)
    bedrock.retry_chunks = ["Photosynth", "esis turns light", " into sugar."]

    deltas = list(bedrock_chat(bedrock).stream(QUESTION))

    assert "".join(deltas) == "Photosynthesis turns light into sugar."
    assert deltas == ["Photo", "synthesis turns ", "light", " into sugar."]
    assert bedrock.stream_calls == 2


def test_bedrock_mid_stream_retry_that_diverges_fails_instead_of_splicing(
    bedrock: BedrockStub,
) -> None:
    bedrock.stream_exception = ("modelStreamErrorException", 2)
    bedrock.retry_chunks = ["Chlorophyll ", "absorbs light."]
    received: list[str] = []

    with pytest.raises(ProviderError) as raised:
        received.extend(bedrock_chat(bedrock).stream(QUESTION))

    assert received == ["Photo", "synthesis turns "]
    assert_user_facing(raised.value, "unavailable", "different answer")


def test_bedrock_mid_stream_errors_give_up_after_two_retries(bedrock: BedrockStub) -> None:
    bedrock.stream_exception = ("throttlingException", 0)
    bedrock.stream_exception_calls = 99

    with pytest.raises(ProviderError) as raised:
        list(bedrock_chat(bedrock).stream(QUESTION))

    assert_user_facing(raised.value, "throttled", "mid-stream")
    assert bedrock.stream_calls == 3


def test_bedrock_mid_stream_validation_error_is_not_retried(bedrock: BedrockStub) -> None:
    bedrock.stream_exception = ("validationException", 1)
    with pytest.raises(ProviderError) as raised:
        list(bedrock_chat(bedrock).stream(QUESTION))
    assert raised.value.kind == "validation"
    assert bedrock.stream_calls == 1


def test_bedrock_unreadable_reply_is_bad_output(bedrock: BedrockStub) -> None:
    bedrock.malformed = True
    with pytest.raises(ProviderError) as raised:
        bedrock_chat(bedrock).complete(QUESTION)
    assert_user_facing(raised.value, "bad-output", MODEL)


def test_bedrock_slow_model_is_a_timeout(bedrock: BedrockStub) -> None:
    bedrock.delay_s = 1.0
    with pytest.raises(ProviderError) as raised:
        bedrock_chat(bedrock, read_timeout=0.2).complete(QUESTION)
    assert_user_facing(raised.value, "timeout", "0.2 s")


def test_bedrock_unreachable_endpoint_is_unavailable_quickly(aws_env: None) -> None:
    url = closed_port_url()
    started = time.monotonic()
    with pytest.raises(ProviderError) as raised:
        BedrockChat(endpoint_url=url, max_attempts=1).complete(QUESTION)
    assert time.monotonic() - started < 3
    assert_user_facing(raised.value, "unavailable", url)


def test_bedrock_without_credentials_is_an_auth_error(
    bedrock: BedrockStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ProviderError) as raised:
        bedrock_chat(bedrock).complete(QUESTION)
    assert_user_facing(raised.value, "auth", "AWS credentials")
    assert bedrock.requests == []


# --- OpenAI-compatible -----------------------------------------------------------------------


def test_openai_complete_posts_chat_completions_and_returns_the_text(
    openai_stub: OpenAIStub,
) -> None:
    chat = OpenAIChat(base_url=openai_stub.base_url, model="llama3.1")

    reply = chat.complete(QUESTION, system="Be brief.", max_tokens=123, temperature=0.2)

    assert reply == openai_stub.reply
    (body,) = openai_stub.bodies()
    assert body["model"] == "llama3.1"
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": QUESTION[0].content},
    ]
    assert (body["max_tokens"], body["temperature"], body["stream"]) == (123, 0.2, False)
    assert "response_format" not in body
    assert "authorization" not in openai_stub.requests[0].headers


def test_openai_sends_the_api_key_from_its_env_var(
    openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-local-123")
    OpenAIChat(base_url=openai_stub.base_url, api_key_env="LOCAL_LLM_KEY").complete(QUESTION)
    assert openai_stub.requests[0].headers["authorization"] == "Bearer sk-local-123"


def test_openai_stream_yields_chunks_in_order_before_the_stream_ends(
    openai_stub: OpenAIStub,
) -> None:
    openai_stub.hold_after_first = threading.Event()
    deltas = OpenAIChat(base_url=openai_stub.base_url).stream(QUESTION)

    started = time.monotonic()
    first = next(deltas)  # the stub holds the rest back until we release it (or 5 s pass)
    assert first == "Mito"
    assert not openai_stub.rest_released.is_set() and time.monotonic() - started < 4
    openai_stub.hold_after_first.set()

    assert [first, *deltas] == openai_stub.chunks  # "énergie" arrived split mid-character
    assert openai_stub.split_reads >= 3
    assert openai_stub.bodies()[0]["stream"] is True
    assert openai_stub.requests[0].headers["accept"] == "text/event-stream"


def test_openai_json_mode_falls_back_when_the_server_rejects_response_format(
    openai_stub: OpenAIStub,
) -> None:
    openai_stub.reject_response_format = True  # "Unrecognized request argument: response_format"
    chat = OpenAIChat(base_url=openai_stub.base_url)

    assert "".join(chat.stream(QUESTION, shape=SHAPE)) == "".join(openai_stub.chunks)
    assert chat.complete(QUESTION, json_mode=True) == openai_stub.reply

    sent = [body.get("response_format") for body in openai_stub.bodies()]
    # The field itself is unknown: no step down the ladder, straight to none, never sent again.
    assert sent == [
        {"type": "json_schema", "json_schema": {"name": "answer", "schema": SHAPE.schema}},
        None,
        None,
    ]
    assert chat.structured_mode == "text"


def test_openai_structured_output_steps_down_one_refused_format_at_a_time(
    openai_stub: OpenAIStub,
) -> None:
    openai_stub.refused_formats = {"json_schema", "json_object_schema"}
    chat = OpenAIChat(base_url=openai_stub.base_url)

    assert "".join(chat.stream(QUESTION, shape=SHAPE)) == "".join(openai_stub.chunks)
    assert chat.structured_mode == "json_object"
    assert "".join(chat.stream(QUESTION, shape=SHAPE)) == "".join(openai_stub.chunks)
    assert chat.complete(QUESTION, json_mode=True) == openai_stub.reply

    sent = [body.get("response_format") for body in openai_stub.bodies()]
    assert sent == [
        {"type": "json_schema", "json_schema": {"name": "answer", "schema": SHAPE.schema}},
        {"type": "json_object", "schema": SHAPE.schema},  # llama-cpp-python's form
        {"type": "json_object"},
        {"type": "json_object"},  # the next request starts where the last one ended
        {"type": "json_object"},  # json_mode: still asked for, the server takes it
    ]
    assert [body["stream"] for body in openai_stub.bodies()] == [True] * 4 + [False]


def test_openai_a_server_that_takes_no_format_at_all_is_asked_without_one(
    openai_stub: OpenAIStub,
) -> None:
    openai_stub.refused_formats = {"json_schema", "json_object_schema", "json_object"}
    chat = OpenAIChat(base_url=openai_stub.base_url)

    assert "".join(chat.stream(QUESTION, shape=SHAPE)) == "".join(openai_stub.chunks)
    assert chat.complete(QUESTION, json_mode=True) == openai_stub.reply

    sent = [body.get("response_format", {}).get("type") for body in openai_stub.bodies()]
    assert sent == ["json_schema", "json_object", "json_object", None, None]
    assert chat.structured_mode == "text"


def test_openai_json_mode_asks_for_a_json_object(openai_stub: OpenAIStub) -> None:
    OpenAIChat(base_url=openai_stub.base_url).complete(QUESTION, json_mode=True)
    assert openai_stub.bodies()[0]["response_format"] == {"type": "json_object"}


@pytest.mark.parametrize(
    ("status", "body", "kind", "fragment"),
    [
        (401, {"error": {"message": "Incorrect API key provided"}}, "auth", "Incorrect API key"),
        (403, {"error": "forbidden"}, "auth", "forbidden"),
        (429, {"error": {"message": "Rate limit reached"}}, "throttled", "Rate limit"),
        (500, {"error": "llama runner process has terminated"}, "unavailable", "terminated"),
        (400, {"error": {"message": "max_tokens too large"}}, "validation", "max_tokens"),
        (404, {"error": {"message": 'model "llama3.1" not found'}}, "validation", "not found"),
        (422, {"detail": [{"msg": "field required"}]}, "validation", "field required"),
    ],
)
def test_openai_http_errors_become_provider_errors_of_the_right_kind(
    openai_stub: OpenAIStub, status: int, body: object, kind: str, fragment: str
) -> None:
    openai_stub.failures = [(status, body), (status, body)]
    # A busy server is asked again (see below): here the 429 must surface at once.
    chat = OpenAIChat(base_url=openai_stub.base_url, retries=0 if status == 429 else 2)

    with pytest.raises(ProviderError) as completing:
        chat.complete(QUESTION)
    with pytest.raises(ProviderError) as streaming:
        list(chat.stream(QUESTION))

    for raised in (completing, streaming):
        assert_user_facing(raised.value, kind, fragment, f"HTTP {status}", openai_stub.base_url)
        assert raised.value.code == str(status)
    assert len(openai_stub.bodies()) == 2  # one request each: none of these is asked again


def test_openai_a_busy_server_is_asked_again_after_its_retry_after(
    openai_stub: OpenAIStub,
) -> None:
    openai_stub.failures = [busy(503, "Loading model"), busy(503, "Loading model")]
    # Our own backoff would wait seconds: the quick success shows Retry-After was honoured.
    chat = OpenAIChat(base_url=openai_stub.base_url, backoff_s=5.0)

    started = time.monotonic()
    assert chat.complete(QUESTION) == openai_stub.reply
    assert list(chat.stream(QUESTION)) == openai_stub.chunks

    assert time.monotonic() - started < 2
    assert len(openai_stub.bodies()) == 4  # each refused once, then answered


def test_openai_a_server_busy_through_the_retries_is_throttled(openai_stub: OpenAIStub) -> None:
    openai_stub.failures = [busy(429, "Rate limit reached")] * 3

    with pytest.raises(ProviderError) as raised:
        OpenAIChat(base_url=openai_stub.base_url, retries=2).complete(QUESTION)

    assert_user_facing(raised.value, "throttled", "Rate limit", "HTTP 429")
    assert len(openai_stub.bodies()) == 3  # asked, then asked again twice


@pytest.mark.parametrize(
    ("status", "body", "fix"),
    [
        # llama.cpp with its default 2,048-token context
        (
            400,
            {
                "error": {
                    "code": 400,
                    "type": "exceed_context_size_error",
                    "n_ctx": 2048,
                    "message": "the request exceeds the available context size, try increasing it",
                }
            },
            "max_tokens",
        ),
        # OpenAI and vLLM
        (
            400,
            {
                "error": {
                    "message": "This model's maximum context length is 2048 tokens. However,"
                    " you requested 4400 tokens."
                }
            },
            "-c 8192",
        ),
        # Ollama, a model not pulled
        (404, {"error": 'model "llama3.1" not found, try pulling it first'}, "not serve llama3.1"),
    ],
)
def test_a_refused_request_names_the_cause_and_its_fix(
    openai_stub: OpenAIStub, status: int, body: object, fix: str
) -> None:
    openai_stub.failures = [(status, body)]
    with pytest.raises(ProviderError) as raised:
        OpenAIChat(base_url=openai_stub.base_url, model="llama3.1").complete(QUESTION)
    message = payload_message(body)
    assert message.split(",")[0] in raised.value.message  # the server's own words
    assert fix in (raised.value.hint or "")


def test_openai_auth_hint_names_the_unset_key_variable(openai_stub: OpenAIStub) -> None:
    openai_stub.failures = [(401, {"error": "unauthorized"})]
    with pytest.raises(ProviderError) as raised:
        OpenAIChat(base_url=openai_stub.base_url).complete(QUESTION)
    assert "$OPENAI_API_KEY" in (raised.value.hint or "")


@pytest.mark.parametrize("style", ["data", "field"])
def test_openai_error_event_mid_stream_raises_after_the_text_so_far(
    openai_stub: OpenAIStub, style: str
) -> None:
    openai_stub.stream_error_after = 2
    openai_stub.stream_error_style = style  # type: ignore[assignment]
    received: list[str] = []

    with pytest.raises(ProviderError) as raised:
        received.extend(OpenAIChat(base_url=openai_stub.base_url).stream(QUESTION))

    assert received == ["Mito", "chondria "]
    assert_user_facing(raised.value, "unavailable", "out of memory")


def test_openai_connection_dropped_mid_stream_is_unavailable(openai_stub: OpenAIStub) -> None:
    openai_stub.drop_after = 1
    received: list[str] = []
    with pytest.raises(ProviderError) as raised:
        received.extend(OpenAIChat(base_url=openai_stub.base_url).stream(QUESTION))
    assert received == ["Mito"]
    assert_user_facing(raised.value, "unavailable", "mid-answer")


def test_openai_unreadable_reply_is_bad_output(openai_stub: OpenAIStub) -> None:
    openai_stub.malformed = True
    with pytest.raises(ProviderError) as raised:
        OpenAIChat(base_url=openai_stub.base_url).complete(QUESTION)
    assert_user_facing(raised.value, "bad-output", openai_stub.base_url)


def test_openai_slow_server_is_a_timeout(openai_stub: OpenAIStub) -> None:
    openai_stub.delay_s = 1.0
    started = time.monotonic()
    with pytest.raises(ProviderError) as raised:
        OpenAIChat(base_url=openai_stub.base_url, timeout=0.2).complete(QUESTION)
    assert time.monotonic() - started < 0.9
    assert_user_facing(raised.value, "timeout", "0.2 s")


def test_openai_unreachable_server_is_unavailable_quickly() -> None:
    url = closed_port_url() + "/v1"
    started = time.monotonic()
    with pytest.raises(ProviderError) as raised:
        OpenAIChat(base_url=url, retries=0).complete(QUESTION)
    assert time.monotonic() - started < 2
    assert_user_facing(raised.value, "unavailable", "connection refused", url)


def test_openai_a_refused_connection_is_tried_again_after_a_pause() -> None:
    url = closed_port_url() + "/v1"
    started = time.monotonic()
    with pytest.raises(ProviderError) as raised:
        OpenAIChat(base_url=url, retries=2, backoff_s=0.2).complete(QUESTION)
    # Asked three times, with pauses of ~0.2 s and ~0.4 s (at least three quarters of each).
    assert time.monotonic() - started >= 0.4
    assert_user_facing(raised.value, "unavailable", "connection refused", url)


def test_openai_rejects_a_base_url_that_is_not_http() -> None:
    with pytest.raises(ProviderError) as raised:
        OpenAIChat(base_url="localhost:11434")
    assert raised.value.kind == "validation"


# --- shared ----------------------------------------------------------------------------------


def test_sse_parser_reassembles_events_fed_one_byte_at_a_time() -> None:
    stream = (
        ": keep-alive\r\n\r\n"
        'data: {"a": "é"}\r\n\r\n'
        "event: error\ndata: line one\ndata: line two\n\n"
        "data: [DONE]"  # some servers end without the final blank line
    ).encode()
    parser = SSEParser()
    events = [event for byte in stream for event in parser.feed(bytes([byte]))]
    events += parser.close()
    assert events == [
        ServerEvent("message", '{"a": "é"}'),
        ServerEvent("error", "line one\nline two"),
        ServerEvent("message", "[DONE]"),
    ]


def test_building_clients_opens_nothing_and_does_not_import_boto3() -> None:
    code = (
        "import sys\n"
        "from learnplat.clients import BedrockChat, OpenAIChat\n"
        "BedrockChat(); OpenAIChat()\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules\n"
        "loaded = {name.split('.')[0] for name in sys.modules}\n"
        "assert not {'textual', 'rich', 'typer', 'flask'} & loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
