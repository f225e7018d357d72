"""One task asked of a chat model: fitted to its context window, streamed, checked, repaired once.

The same steps serve lessons, answers, quizzes and grades:

1. **Fit.** The prompt is planned for the model's context window (asked of the server, or set as
   ``context_window``): the passages that fit, best first, and a reply budget of at most what the
   task wants, never less than it needs. A server that refuses the request as too long names its
   window; the prompt is planned again for it, once.
2. **Ask.** Every request is streamed, with the reply's JSON Schema as structured output where the
   server takes it, within one deadline for the whole task (first reply and correction alike).
   Each piece is reported to the activity watcher, which may cancel; the connection is closed
   whenever the request ends early, so the server stops generating.
3. **Check and repair.** An unusable reply is shown back to the model with its problems, once.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar

from learnplat.clients.base import ChatClient, Message, ReplyShape
from learnplat.clients.errors import ContextTooSmall, ProviderError

from ..activity import ModelActivity, Phase, report
from .checks import Problems
from .placeholders import strip_copied
from .prompting import repair_prompt
from .replies import parse_reply

log = logging.getLogger("learnplat.tutors.llm")

T = TypeVar("T")

# Prompts are estimated at this many characters a token: English prose runs at about 4 with the
# common tokenizers, but notes full of symbols, numbers and markup at nearer 2.5 with a small
# model's (SmolLM2: 2,653 characters of notes were 1,079 tokens).
CHARS_PER_TOKEN = 2.4
TEMPLATE_TOKENS = 48  # the chat template's own tokens around the messages


def estimate_tokens(*texts: str) -> int:
    return int(sum(len(text) for text in texts) / CHARS_PER_TOKEN) + TEMPLATE_TOKENS


@dataclass(frozen=True)
class Budget:
    """A task's reply size: ``wanted`` tokens at most, ``needed`` at least (less is not worth
    asking for: the reply would be cut off)."""

    wanted: int
    needed: int

    def reply_tokens(self, window: int | None, prompt_tokens: int) -> int | None:
        """The ``max_tokens`` to ask for, or None when the reply cannot fit beside the prompt."""
        if window is None:
            return self.wanted
        room = window - prompt_tokens
        return min(self.wanted, room) if room >= min(self.needed, self.wanted) else None


@dataclass(frozen=True)
class Prompt:
    """A planned request: the messages, the reply budget, what was left out to fit, and the
    passages it numbers (a SourceIndex: the reader resolves the reply's citations with it)."""

    system: str
    user: str
    max_tokens: int
    left_out: int = 0  # passages (or other parts) left out so the reply fits
    index: Any = None


# A reader checks a parsed reply against its prompt: the value if usable, the problems, how many
# claims it dropped.
Reader = Callable[[Any, Prompt], tuple[T | None, list[str], int]]


class Preview(Protocol):
    """Shows a reply to the learner while it streams; ``emitted`` once it has shown anything."""

    @property
    def emitted(self) -> bool: ...

    def feed(self, delta: str) -> None: ...


class DoesNotFit(Exception):
    """Nothing worth asking fits in the window."""


# When not even one whole passage fits, passages are cut to these lengths (characters) in turn.
SHORTER_PASSAGES = (700, 350)


def fit_items(
    count: int,
    build: Callable[[int, int | None], tuple[str, str, Any]],
    budget: Budget,
    window: int | None,
    *,
    keep_at_least: int = 1,
) -> Prompt:
    """The prompt ``build(n, chars) -> (system, user, index)`` for the largest ``n <= count``
    (best items first, each whole: ``chars`` None) whose reply fits ``window``; if not even
    ``keep_at_least`` fit whole, the most that fit cut to ``SHORTER_PASSAGES``. Raises
    DoesNotFit when nothing does."""
    low = min(keep_at_least, count)
    for chars in (None, *SHORTER_PASSAGES) if low else (None,):
        for kept in range(count, low - 1, -1):
            system, user, index = build(kept, chars)
            max_tokens = budget.reply_tokens(window, estimate_tokens(system, user))
            if max_tokens is not None:
                return Prompt(system, user, max_tokens, left_out=count - kept, index=index)
    raise DoesNotFit


@dataclass
class Made(Generic[T]):
    """A usable result, and how it came about."""

    value: T
    dropped: int
    repaired: bool
    streamed: bool
    left_out: int


@dataclass
class Failed:
    """No usable result: the provider failed (``error``) or its output stayed invalid."""

    error: ProviderError | None
    streamed: bool


class Asker:
    """Asks ``client`` for one task's JSON reply; see the module's docstring."""

    def __init__(self, client: ChatClient, *, temperature: float, timeout: float) -> None:
        self.client = client
        self.temperature = temperature
        self.timeout = timeout

    def window(self) -> int | None:
        """The context window to plan for, as the client knows it (configured, named by a
        refusal, or asked of the server once); None when nobody says."""
        known = getattr(self.client, "context_window", None)
        return known() if callable(known) else None

    def run(
        self,
        task: str,
        plan: Callable[[int | None], Prompt],
        shape: ReplyShape | Callable[[Prompt], ReplyShape],
        read: Reader[T],
        *,
        preview_for: Callable[[Prompt], Preview] | None = None,
        repair_advice: Callable[[list[str], bool], str] | None = None,
    ) -> Made[T] | Failed:
        """Plan, stream (previewing what ``preview_for`` makes), check, repair once. ``shape``
        may depend on the prompt planned (the passage ids it may cite)."""
        preview: Preview | None = None

        def shape_of(prompt: Prompt) -> ReplyShape:
            return shape if isinstance(shape, ReplyShape) else shape(prompt)

        def shown() -> bool:
            return preview is not None and preview.emitted

        try:
            prompt = self._plan(plan, self.window())
            # The task's time starts once the window is known (asking it is bounded apart).
            started = time.monotonic()
            deadline = started + self.timeout
            messages = [Message("user", prompt.user)]
            preview = preview_for(prompt) if preview_for is not None else None
            try:
                reply = self._ask(
                    task, prompt, messages, shape_of(prompt), deadline, started, preview
                )
            except ContextTooSmall as refused:
                if refused.window is None or shown():
                    raise
                log.info(
                    "%s: the server's context is %s tokens; planning again", task, refused.window
                )
                planned_for = self.window()
                learn = getattr(self.client, "learn_context_window", None)
                if callable(learn):
                    learn(refused.window)  # every task over this client plans for it now
                # Refused within the window it was planned for: the text has more tokens a
                # character than estimated (code, other scripts); plan for two thirds of it.
                again_for = refused.window
                if planned_for is not None and refused.window >= planned_for:
                    again_for = refused.window * 2 // 3
                prompt = self._plan(plan, again_for)
                messages = [Message("user", prompt.user)]
                preview = preview_for(prompt) if preview_for is not None else None
                reply = self._ask(
                    task, prompt, messages, shape_of(prompt), deadline, started, preview
                )
        except ProviderError as error:
            log.warning("%s failed while streaming the %s: %r", self.client.name, task, error)
            return Failed(error, streamed=shown())
        streamed = shown()

        def read_reply(payload: Any) -> tuple[T | None, list[str], int]:
            return read(payload, prompt)

        value, problems, dropped, cut_off = check(reply, read_reply)
        if value is not None:
            return Made(value, dropped, False, streamed, prompt.left_out)

        log.info("%s %s unusable, asking for a repair: %s", self.client.name, task, problems)
        if repair_advice is not None:
            repair = repair_advice(problems, cut_off)
        else:
            repair = repair_prompt(problems, cut_off=cut_off)
        if reply.strip():
            again = [*messages, Message("assistant", reply), Message("user", repair)]
        else:  # providers reject an empty assistant turn
            again = [Message("user", f"{prompt.user}\n\n{repair}")]
        window = self.window()
        room = self._room(prompt, again, window)
        if room < min(prompt.max_tokens, 256):
            # The conversation with the bad reply in it leaves no room: ask afresh instead.
            again = [Message("user", f"{prompt.user}\n\n{repair}")]
            room = max(1, self._room(prompt, again, window))
        fixed = Prompt(prompt.system, prompt.user, room, prompt.left_out, prompt.index)
        try:
            try:
                repaired = self._ask(
                    task, fixed, again, shape_of(prompt), deadline, started, None, "repairing"
                )
            except ContextTooSmall:
                # The conversation overflowed after all: once more, afresh and shorter.
                again = [Message("user", f"{prompt.user}\n\n{repair}")]
                fixed = replace(fixed, max_tokens=max(1, fixed.max_tokens * 2 // 3))
                repaired = self._ask(
                    task, fixed, again, shape_of(prompt), deadline, started, None, "repairing"
                )
        except ProviderError as error:
            log.warning("%s failed during repair: %r", self.client.name, error)
            return Failed(error, streamed)
        value, problems, dropped, _ = check(repaired, read_reply)
        if value is not None:
            return Made(value, dropped, True, streamed, prompt.left_out)
        log.warning("%s repaired %s still unusable: %s", self.client.name, task, problems)
        return Failed(None, streamed)

    @staticmethod
    def _room(prompt: Prompt, messages: list[Message], window: int | None) -> int:
        """The reply tokens ``messages`` leave in ``window`` (at most the first reply's)."""
        if window is None:
            return prompt.max_tokens
        used = estimate_tokens(prompt.system, *(message.content for message in messages))
        return min(prompt.max_tokens, window - used)

    def _plan(self, plan: Callable[[int | None], Prompt], window: int | None) -> Prompt:
        try:
            return plan(window)
        except DoesNotFit:
            raise ContextTooSmall(
                f"The model's context window ({window} tokens) cannot hold even the shortest "
                "prompt for this and its reply",
                "Start the server with a larger context (llama.cpp: `-c 8192`; Ollama: the "
                "model's `num_ctx`), or set `context_window` if the server's is larger than "
                "learnplat thinks.",
                provider=self.client.name,
                window=window,
            ) from None

    def _ask(
        self,
        task: str,
        prompt: Prompt,
        messages: list[Message],
        shape: ReplyShape,
        deadline: float,
        started: float,
        preview: Preview | None,
        phase: Phase = "waiting",
    ) -> str:
        """Stream one reply whole, reporting progress; the connection closes however it ends."""
        name = getattr(self.client, "model", "") or self.client.name
        status = ModelActivity(task, name, self.client.name, phase, started)
        report(status)
        parts: list[str] = []
        deltas: Iterator[str] | None = None
        try:
            deltas = self.client.stream(
                messages,
                system=prompt.system,
                max_tokens=prompt.max_tokens,
                temperature=self.temperature,
                shape=shape,
                deadline=deadline,
            )
            writing: Phase = "writing" if phase == "waiting" else phase
            for delta in deltas:
                parts.append(delta)
                if preview is not None:
                    preview.feed(delta)
                report(ModelActivity(task, name, self.client.name, writing, started, len(parts)))
        finally:
            close = getattr(deltas, "close", None)
            if close is not None:
                close()  # also when the watcher or the preview raised: release the connection
            # However it ended, the status line is cleared (a watcher cancelling here changes
            # nothing: the request is over).
            with contextlib.suppress(Exception):
                report(ModelActivity(task, name, self.client.name, "done", started, len(parts)))
        return "".join(parts)


def check(
    reply: str, read: Callable[[Any], tuple[T | None, list[str], int]]
) -> tuple[T | None, list[str], int, bool]:
    """The reader's verdict on a reply: value, problems, dropped claims, whether it was cut off."""
    parsed = parse_reply(reply)
    if parsed.problem is not None:
        return None, [parsed.problem], 0, parsed.cut_off
    copied = Problems()
    payload, left_out = strip_copied(parsed.payload, copied)
    if copied:
        return None, copied.messages, 0, False
    value, problems, dropped = read(payload)
    return value, problems, dropped + left_out, False
