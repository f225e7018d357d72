"""Generated lessons kept in the topic store (the seed's "Bedrock response caching")."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.model import Format, Lesson, Level, Source
from .dataclass_codec import DecodeError, decode, encode
from .topic_match import canonical
from .topic_store import TopicStore, TopicStoreError

LESSON_SCHEMA = 1
LESSONS_PREFIX = "lessons/"


@dataclass(frozen=True)
class LessonKey:
    """What makes two lesson requests the same: who generated it, on what, from which sources.

    ``sources_hash`` is ``hash_sources(request.sources)`` (empty when the lesson uses the topic
    library only); ``topic`` is compared in its canonical form, so "The Cold War" and
    "cold war" share an entry.
    """

    provider: str
    model: str | None
    topic: str
    level: Level
    format: Format
    sources_hash: str = ""

    def parts(self) -> dict[str, str | None]:
        """The fields as stored and hashed: the topic canonical, no model as ""."""
        return {
            **dataclasses.asdict(self),
            "topic": canonical(self.topic),
            "model": self.model or "",
        }

    @property
    def digest(self) -> str:
        text = json.dumps(self.parts(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def store_key(self) -> str:
        return f"{LESSONS_PREFIX}{self.digest}.json"


KeyParts = LessonKey | Sequence[str | None]
"""A LessonKey, or its six fields in order (provider, model, topic, level, format, sources)."""


def lesson_key(parts: KeyParts) -> LessonKey:
    """``parts`` as a LessonKey (an empty model is None). Raises ValueError for a wrong count."""
    if isinstance(parts, LessonKey):
        return parts
    if len(parts) != 6:
        raise ValueError(
            f"lesson key parts are (provider, model, topic, level, format, sources_hash), "
            f"got {len(parts)} values"
        )
    provider, model, topic, level, lesson_format, sources = (str(p or "") for p in parts)
    return LessonKey(
        provider=provider,
        model=model or None,
        topic=topic,
        level=typing.cast(Level, level),
        format=typing.cast(Format, lesson_format),
        sources_hash=sources,
    )


def hash_sources(sources: Iterable[Source]) -> str:
    """A digest of the passages a lesson is taught from: their ids, pages and text, in order."""
    digest = hashlib.sha256()
    for source in sources:
        ident = [source.doc_id, source.passage_id, source.page, source.title, source.text]
        digest.update(json.dumps(ident, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def lesson_to_dict(lesson: Lesson) -> dict[str, Any]:
    """A JSON-ready dict of a lesson and everything nested in it."""
    return dict(encode(lesson))


def lesson_from_dict(document: object) -> Lesson:
    """The lesson ``lesson_to_dict`` described. Raises DecodeError when the document differs."""
    return decode(Lesson, document)


def to_json(lesson: Lesson) -> str:
    """A lesson as JSON text; ``from_json(to_json(lesson)) == lesson``."""
    return json.dumps(lesson_to_dict(lesson), ensure_ascii=False)


def from_json(text: str) -> Lesson:
    """The lesson ``to_json`` wrote. Raises DecodeError (a ValueError) on anything else."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise DecodeError(f"not JSON: {exc}") from exc
    return lesson_from_dict(document)


class LessonCache:
    """Lessons by LessonKey in a topic store, as ``lessons/<sha256>.json``.

    A missing, corrupt, old-schema or mismatched entry is a miss, never an error; the next
    ``put`` overwrites it. A store that fails (S3 unreachable, disk full) raises
    TopicStoreError from ``get`` and ``put`` so the caller can show it and go on with the
    lesson it generated.
    """

    def __init__(self, store: TopicStore) -> None:
        self.store = store

    def get(self, key_parts: KeyParts) -> Lesson | None:
        """The cached lesson for these key parts with ``from_cache`` True, or None on a miss."""
        key = lesson_key(key_parts)
        try:
            document = self.store.get(key.store_key)
        except TopicStoreError as exc:
            if exc.kind == "corrupt":
                return None
            raise
        if (
            document is None
            or document.get("schema") != LESSON_SCHEMA
            or document.get("key") != key.parts()
        ):
            return None
        try:
            lesson = lesson_from_dict(document.get("lesson"))
        except DecodeError:
            return None
        return dataclasses.replace(lesson, from_cache=True)

    def put(self, key_parts: KeyParts, lesson: Lesson) -> None:
        """Store ``lesson`` under these key parts, replacing any entry. Raises TopicStoreError."""
        key = lesson_key(key_parts)
        document = {
            "schema": LESSON_SCHEMA,
            "key": key.parts(),
            "stored_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "lesson": lesson_to_dict(dataclasses.replace(lesson, from_cache=False)),
        }
        self.store.put(key.store_key, document)
