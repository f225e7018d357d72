"""The one-line notices shown when the LLM tutor falls back or leaves generated text out."""

from __future__ import annotations

from learnplat.clients.errors import ContextTooSmall, ProviderError, one_line

_PROVIDERS = {"bedrock": "Bedrock", "openai": "Model server"}
_KINDS = {
    "auth": "access denied",
    "throttled": "throttled",
    "validation": "request rejected",
    "timeout": "timed out",
    "unavailable": "unavailable",
    "bad-output": "unreadable reply",
}


def provider_label(name: str) -> str:
    return _PROVIDERS.get(name, name.capitalize() or "The model")


def reason(error: ProviderError) -> str:
    """A short cause: the provider's error code ("AccessDenied"), else what kind of failure."""
    kind = _KINDS.get(error.kind, error.kind)
    code = error.code or ""
    if code.isdigit():
        return f"{kind} (HTTP {code})"
    if code:
        return code.removesuffix("Exception")
    # "unavailable" covers many causes (refused, DNS, a broken stream): the message says which.
    return one_line(error.message, 120) if error.kind == "unavailable" else kind


def _tail(what: str, fallback: str, discarded: bool) -> str:
    showing = f"showing the {fallback} {what}"
    return f"the text generated so far was discarded; {showing}" if discarded else showing


# What happened, by kind: a server that was up but slow is not "unavailable".
_LEADS = {
    "timeout": "did not finish in time",
    "validation": "refused the request",
    "auth": "refused access",
}


def provider_failed(
    error: ProviderError,
    provider: str,
    *,
    what: str,
    fallback: str,
    discarded: bool,
    tail: str | None = None,
) -> str:
    """E.g. "Bedrock unavailable: AccessDenied — showing the offline lesson"; "Model server did
    not finish in time: stopped after 300 s — showing the offline lesson"."""
    label = provider_label(provider)
    lead = _LEADS.get(error.kind, "unavailable")
    if isinstance(error, ContextTooSmall):
        window = f" of {error.window} tokens" if error.window else ""
        cause = f"the notes and the reply do not fit its context window{window}"
    elif error.kind == "timeout":
        cause = one_line(error.message, 120).split(": ", 1)[-1]
    elif error.kind in _LEADS:
        code = error.code or ""
        cause = f"HTTP {code}" if code.isdigit() else code.removesuffix("Exception")
        cause = cause or one_line(error.message, 120)
    else:
        cause = reason(error)
    return f"{label} {lead}: {cause} — {tail or _tail(what, fallback, discarded)}"


def passages_left_out(left_out: int, given: int) -> str:
    return (
        f"Only {given - left_out} of {given} passages fit the model's context window; "
        "the rest were left out."
    )


def unusable_output(provider: str, *, what: str, fallback: str, discarded: bool) -> str:
    """E.g. "Ollama sent an answer that could not be used, … — showing the offline one"."""
    label = provider_label(provider)
    article = "an" if what[:1].lower() in "aeiou" else "a"
    return (
        f"{label} sent {article} {what} that could not be used, even after asking it to correct it "
        f"— {_tail(what, fallback, discarded)}"
    )


def left_out(dropped: int) -> str:
    statements = "statement" if dropped == 1 else "statements"
    return (
        f"Left out {dropped} generated {statements} that did not cite the given sources "
        "or repeated the prompt's example."
    )


def ungrounded(provider: str) -> str:
    return (
        f"{provider_label(provider)} wrote this without sources to cite (no notes or library "
        "topic matched): check it against a reference."
    )
