"""Learn: lessons at three levels in four formats, and answers, grounded in the sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from ..domain.model import (
    FORMATS,
    LEVELS,
    Answer,
    Format,
    Lesson,
    LessonRequest,
    Level,
    Source,
    TopicRecord,
)
from ..errors import BadInput, NothingToTeach
from ..tutors.base import TextSink, Tutor
from ..tutors.offline.question import (
    Question,
    carried_by,
    carrying_words,
    focus_phrases,
    read_question,
)
from ..tutors.render import lesson_markdown
from .lesson_cache import hash_sources
from .library import Library, Passage, missing_everywhere
from .search import check_query
from .topic_passages import topic_passages
from .topic_store import TopicStoreError

if TYPE_CHECKING:
    from .lesson_cache import LessonCache
    from .topics import TopicLibrary

# Part of a model-made lesson's cache key: raised when the checks of a model's lessons change, so
# that lessons that passed only older checks (before: example text copied from the prompt) are
# made again rather than served from the cache.
MODEL_CHECKS = "#checks2"


# How many of the learner's passages ground a lesson on a topic, and an answer: those with all
# of the question's words, every one naming what "what is X?" asks about, those with any word.
ANSWER_PASSAGES = 8
FOCUS_PASSAGES = 200
FIRST_MENTIONS = 8


def source_of(passage: Passage) -> Source:
    return Source(
        text=passage.text,
        title=passage.title,
        doc_id=passage.doc_id,
        passage_id=passage.id,
        page=passage.page,
        unit_name=passage.unit_name,
        heading_path=passage.heading_path,
        page_label=passage.page_label,
    )


def not_covered(question: str, missing: Sequence[str]) -> Answer:
    """The answer for notes that never mention the words the question turns on."""
    listed = " or ".join(f"“{word}”" for word in missing[:4])
    return Answer(
        question, f"Your notes don't cover this: nothing in them mentions {listed}.", (), False
    )


def not_together(question: str, words: Sequence[str]) -> Answer:
    """The answer for notes that mention what the question turns on, but never in one document."""
    listed = " and ".join(f"“{word}”" for word in words[:4])
    return Answer(
        question,
        f"Your notes don't cover this: no document of yours speaks of {listed} together.",
        (),
        False,
    )


def parse_level(level: str) -> Level:
    """``level`` as a Level. Raises BadInput naming the three levels."""
    if level not in LEVELS:
        raise BadInput(f"unknown level {level!r}", hint=f"choose one of {', '.join(LEVELS)}")
    return cast(Level, level)


def topic_sources(record: TopicRecord) -> list[Source]:
    """A curated topic's explanations, paragraph by paragraph, as sources to answer from."""
    return [
        Source(text=paragraph, title=record.citation.title)
        for level in LEVELS
        for paragraph in record.levels[level].explanation.split("\n\n")
        if paragraph.strip()
    ]


@dataclass(frozen=True)
class Provider:
    """The provider in use, for headers and cache keys."""

    name: str
    model: str | None


class Learning:
    """Lessons and answers for the current user. Methods raise LearnplatError subclasses."""

    def __init__(
        self,
        library: Library,
        topics: TopicLibrary,
        tutor: Tutor,
        provider: Provider,
        cache: LessonCache | None = None,
    ) -> None:
        self.library = library
        self.topics = topics
        self.tutor = tutor
        self.provider = provider
        self.cache = cache

    def warm_up(self) -> None:
        """Let the tutor load what a first lesson needs in the background (the offline tutor
        does; a model needs nothing): call it when a lesson is on its way, as notes are read."""
        warm = getattr(self.tutor, "warm_up", None)
        if warm is not None:
            warm()

    def _check(self, level: str, format: str) -> tuple[Level, Format]:
        """``level`` and ``format`` as typed values. Raises BadInput naming the valid ones."""
        if format not in FORMATS:
            raise BadInput(f"unknown format {format!r}", hint=f"choose one of {', '.join(FORMATS)}")
        return parse_level(level), cast(Format, format)

    def _nothing_to_teach(self, topic: str, searched_docs: bool) -> NothingToTeach:
        nearest = [record.name for record in self.topics.suggest(topic)]
        where = "your documents" if searched_docs else "the topic library or your documents"
        suggestion = f"nearest library topics: {', '.join(nearest)}. " if nearest else ""
        return NothingToTeach(
            f"no lesson on {topic!r}: it is not in {where}, and no provider is configured",
            hint=f"{suggestion}Add notes that cover it to your library (the Library tab, or "
            f"`learnplat learn {topic!r} --file notes.pdf`), or use a model: provider bedrock "
            "or openai (Ollama) in the config, or `--provider`.",
        )

    def lesson_request(
        self,
        topic: str | None,
        *,
        doc_ids: Sequence[int] = (),
        level: str = "beginner",
        format: str = "chat",
    ) -> LessonRequest:
        """Gather what to teach from: the curated topic and the learner's passages on it
        (the named documents, else the whole library); a whole document when no topic is given.
        Raises BadInput, NotFound, or NothingToTeach (offline, with nothing that covers it)."""
        typed_level, typed_format = self._check(level, format)
        topic = typed = (topic or "").strip()
        if not topic and not doc_ids:
            raise BadInput("say what to learn", hint="a topic, --file notes.pdf or --doc ID")
        record: TopicRecord | None = self.topics.find(topic) if topic else None
        if topic:
            passages = topic_passages(self.library, topic, doc_ids, widen=False)
            passages.sort(key=lambda p: (p.doc_id, p.page, p.id))
            record, passages = self.same_subject(record, passages, doc_ids)
        else:
            passages = [p for doc_id in doc_ids for p in self.library.passages(doc_id)]
            titles = list(dict.fromkeys(p.title for p in passages))
            topic = " and ".join(titles) if titles else "your document"
        if record is None and not passages and self.provider.name == "offline":
            raise self._nothing_to_teach(topic, bool(doc_ids))
        return LessonRequest(
            topic=record.name if record else topic,
            level=typed_level,
            format=typed_format,
            sources=tuple(source_of(p) for p in passages),
            topic_record=record,
            focus=typed or None,
        )

    def same_subject(
        self, record: TopicRecord | None, passages: list[Passage], doc_ids: Sequence[int]
    ) -> tuple[TopicRecord | None, list[Passage]]:
        """The curated topic and the learner's passages found by one name, kept together only
        when they are about the same subject ("functions" in a mathematics book is no Python
        lesson): else the named documents alone, or, with none named, the curated topic.
        Searching the whole library, a passage about another topic of the library that names
        this one in passing ("the reverse of photosynthesis" in notes on respiration) is left
        out."""
        if record is None or not passages:
            return record, passages
        if not self.topics.fits(record, [p.text for p in passages]):
            return (None, passages) if doc_ids else (record, [])
        if not doc_ids:
            passages = [p for p in passages if not self.topics.about_another(record, p.text)]
        return record, passages

    def lesson(
        self,
        topic: str | None,
        *,
        doc_ids: Sequence[int] = (),
        level: str = "beginner",
        format: str = "chat",
        use_cache: bool = True,
        on_text: TextSink | None = None,
    ) -> Lesson:
        """A lesson (from the cache when the same sources were taught before at that level and
        format). ``on_text`` receives Markdown as it is made. Raises as ``lesson_request``."""
        request = self.lesson_request(topic, doc_ids=doc_ids, level=level, format=format)
        key = self._cache_key(request)
        cache_notices: list[str] = []
        if use_cache and self.cache is not None:
            try:
                cached = self.cache.get(key)
            except TopicStoreError as exc:
                cached, cache_notices = None, [f"lesson cache unavailable: {exc.message}"]
            if cached is not None:
                if on_text is not None:
                    on_text(lesson_markdown(cached))
                return cached
        lesson = self.tutor.lesson(request, on_text)
        # A fallback lesson (the provider failed) is not what this provider would say: not cached.
        if self.cache is not None and lesson.provider == self.provider.name and not cache_notices:
            try:
                self.cache.put(key, lesson)
            except TopicStoreError as exc:
                cache_notices.append(f"lesson not cached: {exc.message}")
        lesson.notices.extend(cache_notices)
        return lesson

    def _cache_key(self, request: LessonRequest) -> tuple[str, ...]:
        topic_id = request.topic_record.id if request.topic_record else request.topic.lower()
        model = self.provider.model or ""
        if model:  # a model's lessons cached before today's checks are not served again
            model += MODEL_CHECKS
        return (
            self.provider.name,
            model,
            topic_id,
            request.level,
            request.format,
            hash_sources(request.sources),
        )

    def ask(
        self,
        question: str,
        *,
        doc_ids: Sequence[int] = (),
        topic: str | None = None,
        on_text: TextSink | None = None,
    ) -> Answer:
        """Answer from the learner's documents (the named ones, else all) and, when ``topic``
        names a curated topic, from its explanations too. ``found`` is False when none of them
        covers the question. Raises BadInput, NotFound."""
        question = question.strip()
        if not question:
            raise BadInput("the question is empty", hint='learnplat ask "what does RuBisCO do?"')
        check_query(question, "the question")  # before the searches an answer runs
        record = self.topics.find(topic) if topic else None
        read = read_question(question)
        if record is None:
            # What a question turns on must be in one document together: "the capital of
            # Australia" is not in a library with "capital letters" in one book and Australia
            # in another. It is answered from the documents that have it.
            words = list(read.terms.values())
            by_document = self.library.missing_by_document(words, doc_ids=doc_ids)
            covering = [d for d, missing in by_document.items() if not carried_by(missing, read)]
            if not covering:
                absent = missing_everywhere(words, by_document)
                answer = (
                    not_covered(question, absent)
                    if carried_by(absent, read)
                    else not_together(question, carrying_words(read))
                )
                if on_text is not None:
                    on_text(answer.text + "\n")
                return answer
            doc_ids = covering
        sources = [source_of(p) for p in self._answer_passages(question, read, doc_ids)]
        if record is not None:
            sources += topic_sources(record)
        return self.tutor.answer(question, sources, on_text)

    def _answer_passages(
        self, question: str, read: Question, doc_ids: Sequence[int]
    ) -> list[Passage]:
        """The passages to answer from: those with every word of the question, then those
        naming what it asks about, then those with any of its words, best first."""
        passages: dict[int, Passage] = {}
        queries = [(question, True, ANSWER_PASSAGES)]
        for phrase in focus_phrases(read.focus) if read.focus else ():
            # Every passage naming what is asked about: its definition may be in any of them,
            # and most often in the first.
            queries.append((f'"{phrase}"', True, FOCUS_PASSAGES))
        # The passages with the question's rarer words, though they lack one: the answer often
        # says it in other words ("often" is "frequent" there).
        queries.append((" ".join(read.terms.values()) or question, False, 2 * ANSWER_PASSAGES))
        for query, require_all, limit in queries:
            try:
                found = self.library.relevant_passages(
                    query,
                    doc_ids=doc_ids,
                    limit=limit,
                    require_all=require_all,
                    any_word=not require_all,
                )
            except BadInput:
                continue  # a query of stopwords alone ("what is it?")
            if limit == FOCUS_PASSAGES:
                found = found[: FOCUS_PASSAGES // 2] + sorted(
                    found, key=lambda p: (p.doc_id, p.page, p.id)
                )[:FIRST_MENTIONS]
            for passage in found:
                passages.setdefault(passage.id, passage)
        return list(passages.values())
