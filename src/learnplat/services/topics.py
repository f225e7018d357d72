"""The topic library: curated topics shipped in data/topics plus the user's saved topics."""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..domain.model import LEVELS, TopicLevel, TopicRecord
from ..errors import BadInput, NotFound
from ..paths import shipped_data_dir
from .dataclass_codec import DecodeError, decode, encode
from .topic_fit import Subjects
from .topic_match import TopicIndex, normalise
from .topic_store import TopicStore, TopicStoreError

log = logging.getLogger("learnplat.topics")

USER_TOPICS_PREFIX = "topics/"
USER_TOPIC_SCHEMA = 1
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)", re.DOTALL)


class TopicLibrary:
    """Every topic a learner can pick, loaded on first use (nothing is read when built).

    ``topics_dir`` defaults to the shipped ``data/topics``; ``store``, when given, holds the
    user's own topics under ``topics/<id>.json``. A store that cannot be read does not stop the
    curated topics from loading: the failure is logged and kept in ``warnings``.
    """

    def __init__(self, topics_dir: Path | None = None, store: TopicStore | None = None) -> None:
        self.topics_dir = topics_dir
        self.store = store
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._shipped: dict[str, TopicRecord] | None = None
        self._user: dict[str, TopicRecord] = {}
        self._index: TopicIndex | None = None
        self._subjects: Subjects | None = None

    def all(self, category: str | None = None) -> list[TopicRecord]:
        """Topics sorted by category then name; only ``category``'s when given.

        Raises NotFound for a category no topic has.
        """
        records = sorted(self._topics().values(), key=lambda r: (r.category, r.name.lower()))
        if category is None:
            return records
        wanted = normalise(category).replace(" ", "-")
        chosen = [record for record in records if record.category == wanted]
        if not chosen:
            raise NotFound(
                f"no topics in category {category!r}",
                f"categories: {', '.join(self.categories())}",
            )
        return chosen

    def categories(self) -> list[str]:
        """The categories that have topics, sorted."""
        return sorted({record.category for record in self._topics().values()})

    def get(self, topic_id: str) -> TopicRecord:
        """The topic with this id. Raises NotFound, whose hint names the nearest topics."""
        record = self._topics().get(topic_id)
        if record is None:
            raise NotFound(f"no topic with id {topic_id!r}", self._did_you_mean(topic_id))
        return record

    def find(self, name: str) -> TopicRecord | None:
        """The topic a learner means by ``name``, forgiving case, punctuation, spacing, a
        leading "the", plurals, aliases and small typos in long names; None when unsure."""
        return self._topic_index().find(name)

    def fits(self, record: TopicRecord, texts: Sequence[str]) -> bool:
        """Whether ``texts`` (the learner's passages found by ``record``'s name) are about
        ``record``'s subject, or say too little to tell (``topic_fit``)."""
        if not texts:
            return True
        return self._subjects_index().fits(record, texts)

    def _subjects_index(self) -> Subjects:
        with self._lock:
            if self._subjects is None:
                self._subjects = Subjects(self._topics().values())
            return self._subjects

    def about_another(self, record: TopicRecord, text: str) -> bool:
        """Whether ``text``, found by ``record``'s name, is about another curated topic of its
        category ("the reverse of photosynthesis" in notes on respiration)."""
        return self._subjects_index().about_another(record, text)

    def suggest(self, name: str, n: int = 3) -> list[TopicRecord]:
        """Up to ``n`` topics close to ``name``, best first, for "not found" messages."""
        return self._topic_index().suggest(name, n)

    def save_user_topic(self, record: TopicRecord) -> TopicRecord:
        """Save a topic of the user's own to the store and return it (``created_at`` filled in).

        Raises BadInput when its id is not a slug or its id or name is already a curated topic,
        TopicStoreError when the store refuses it (the library is then unchanged).
        """
        if self.store is None:
            raise BadInput("this topic library has no store to save topics in")
        if not _SLUG.match(record.id):
            raise BadInput(f"topic id {record.id!r} must be lower-case words joined by '-'")
        if set(record.levels) != set(LEVELS) or record.difficulty not in LEVELS:
            raise BadInput(f"topic {record.id!r} needs an explanation at each of {LEVELS}")
        shipped = self._topics(shipped_only=True)
        clash = shipped.get(record.id) or self.find(record.name)
        if clash is not None and (clash.id in shipped or clash.id != record.id):
            raise BadInput(f"a topic named {clash.name!r} already exists", f"its id is {clash.id}")
        if not record.created_at:
            record = dataclasses.replace(record, created_at=datetime.date.today().isoformat())
        self.store.put(f"{USER_TOPICS_PREFIX}{record.id}.json", user_topic_document(record))
        with self._lock:
            self._user[record.id] = record
            self._index = None
            self._subjects = None
        return record

    def _did_you_mean(self, text: str) -> str:
        names = [f"{record.name} ({record.id})" for record in self.suggest(text.replace("-", " "))]
        return f"did you mean: {', '.join(names)}?" if names else "see the list of topics"

    def _topics(self, shipped_only: bool = False) -> dict[str, TopicRecord]:
        with self._lock:
            if self._shipped is None:
                self._shipped = load_shipped_topics(self.topics_dir)
                self._user = self._load_user_topics(self._shipped)
            return dict(self._shipped) if shipped_only else {**self._user, **self._shipped}

    def _topic_index(self) -> TopicIndex:
        with self._lock:
            if self._index is None:
                self._topics()
                assert self._shipped is not None
                self._index = TopicIndex(list(self._shipped.values()), list(self._user.values()))
            return self._index

    def _load_user_topics(self, shipped: dict[str, TopicRecord]) -> dict[str, TopicRecord]:
        if self.store is None:
            return {}
        found: dict[str, TopicRecord] = {}
        try:
            for key in self.store.keys(USER_TOPICS_PREFIX):
                document = self._read(key)
                record = user_topic_from_document(document) if document else None
                if record is None or record.id in shipped:
                    log.warning("skipped user topic %s: unreadable or a curated id", key)
                    continue
                found[record.id] = record
        except TopicStoreError as exc:
            log.warning("user topics not loaded: %s", exc)
            self.warnings.append(f"your saved topics could not be loaded: {exc.message}")
        return found

    def _read(self, key: str) -> dict[str, Any] | None:
        assert self.store is not None
        try:
            return self.store.get(key)
        except TopicStoreError as exc:
            if exc.kind != "corrupt":
                raise
            return None


def load_shipped_topics(topics_dir: Path | None = None) -> dict[str, TopicRecord]:
    """Every ``<category>/<id>.json`` under ``topics_dir`` (default: the shipped data) by id."""
    folder = topics_dir if topics_dir is not None else shipped_data_dir() / "topics"
    if not folder.is_dir():
        log.warning("no topic library at %s", folder)
    records: dict[str, TopicRecord] = {}
    for path in sorted(folder.glob("*/*.json")):
        try:
            record = decode(TopicRecord, json.loads(path.read_bytes()))
        except (OSError, ValueError) as exc:  # DecodeError and JSONDecodeError are ValueErrors
            log.warning("skipped topic file %s: %s", path, exc)
            continue
        records[record.id] = record
    return records


def user_topic_document(record: TopicRecord) -> dict[str, Any]:
    """The stored form of a user topic: the seed's record fields, plus the full record."""
    return {
        "schema": USER_TOPIC_SCHEMA,
        **record.seed_record(record.difficulty),
        "record": encode(record),
    }


def user_topic_from_document(document: dict[str, Any]) -> TopicRecord | None:
    """A user topic back from the store; a bare seed record becomes one explanation at every
    level. None when the document is neither."""
    try:
        if document.get("schema") == USER_TOPIC_SCHEMA and "record" in document:
            return decode(TopicRecord, document["record"])
        return _from_seed_record(document)
    except (DecodeError, KeyError, TypeError, AttributeError):
        return None


def _from_seed_record(seed: dict[str, Any]) -> TopicRecord | None:
    explanation = str(seed["explanation"]).strip()
    topic_id, name = str(seed["topic_id"]), str(seed["topic_name"]).strip()
    if not (explanation and name and _SLUG.match(topic_id)):
        return None
    difficulty = seed.get("difficulty")
    first = _FIRST_SENTENCE.match(explanation)
    level = TopicLevel(explanation=explanation, key_terms=(), example="")
    return TopicRecord(
        id=topic_id,
        name=name,
        category=normalise(str(seed.get("category") or "general")).replace(" ", "-"),
        difficulty=difficulty if difficulty in LEVELS else "intermediate",
        summary=first.group(1) if first else explanation[:200],
        levels={lvl: level for lvl in LEVELS},
        created_at=str(seed.get("created_at") or ""),
    )
