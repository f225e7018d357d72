"""The topic library, the topic store (local folder, S3 through moto's server, memory cache) and
the lesson cache over it."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from learnplat.domain.model import (
    Chapter,
    Citation,
    ConceptNode,
    Exercise,
    KeyTerm,
    Lesson,
    NarrationSegment,
    Section,
    Source,
    Statement,
    TopicLevel,
    TopicRecord,
)
from learnplat.errors import BadInput, ConfigError, NotFound
from learnplat.services.lesson_cache import (
    LESSON_SCHEMA,
    LessonCache,
    LessonKey,
    from_json,
    hash_sources,
    to_json,
)
from learnplat.services.s3_topic_store import S3TopicStore
from learnplat.services.topic_store import (
    CachedTopicStore,
    LocalTopicStore,
    TopicStoreError,
    open_topic_store,
)
from learnplat.services.topics import TopicLibrary, user_topic_document

# --- the topic library ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library() -> TopicLibrary:
    return TopicLibrary()


def test_shipped_topics_load_lazily_and_completely() -> None:
    # How long the load takes (under 50 ms) is measured by bench/startup.py, not asserted here.
    fresh = TopicLibrary()
    assert fresh._shipped is None  # building it read nothing
    records = fresh.all()
    assert len(records) >= 50


def test_topics_are_typed_records_sorted_by_category_then_name(library: TopicLibrary) -> None:
    records = library.all()
    assert [(r.category, r.name.lower()) for r in records] == sorted(
        (r.category, r.name.lower()) for r in records
    )
    photosynthesis = library.get("photosynthesis")
    assert photosynthesis.name == "Photosynthesis" and photosynthesis.category == "biology"
    assert set(photosynthesis.levels) == {"beginner", "intermediate", "advanced"}
    level = photosynthesis.levels["beginner"]
    assert isinstance(level, TopicLevel) and isinstance(level.key_terms[0], KeyTerm)
    assert all(isinstance(q, Exercise) and q.answer for q in photosynthesis.questions)
    assert "photo synthesis" in photosynthesis.aliases
    assert photosynthesis.seed_record()["topic_id"] == "photosynthesis"


def test_categories_and_filtering_by_category(library: TopicLibrary) -> None:
    categories = library.categories()
    assert len(categories) >= 8 and categories == sorted(categories)
    physics = library.all("Physics")
    assert physics and {r.category for r in physics} == {"physics"}
    assert {r.category for r in library.all("earth science")} == {"earth-science"}
    with pytest.raises(NotFound) as caught:
        library.all("astrology")
    assert "biology" in (caught.value.hint or "")


def test_get_an_unknown_id_names_the_nearest_topics(library: TopicLibrary) -> None:
    with pytest.raises(NotFound) as caught:
        library.get("photosythesis")
    assert "Photosynthesis" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("name", "topic_id"),
    [
        ("Photo synthesis", "photosynthesis"),
        ("photosynthesis?", "photosynthesis"),
        ("PHOTOSYNTHESIS", "photosynthesis"),
        ("  photosynthesis  ", "photosynthesis"),
        ("newton's laws", "newtons-laws-of-motion"),
        ("Newton’s Laws of Motion", "newtons-laws-of-motion"),
        ("newtons-laws-of-motion", "newtons-laws-of-motion"),
        ("immune system", "the-immune-system"),
        ("The immune systems", "the-immune-system"),
        ("the water cycles", "the-water-cycle"),
        ("hash table", "hash-tables"),
        ("prime number", "prime-numbers"),
        ("Big-O", "big-o-notation"),
        ("OOP", "object-oriented-programming"),
        ("krebs cycle", "cellular-respiration"),
        ("photosythesis", "photosynthesis"),
        ("thermodynamcs", "thermodynamics"),
        ("recursoin", "recursion"),
        ("pythagorean theorm", "pythagorean-theorem"),
    ],
)
def test_find_forgives_case_punctuation_spacing_articles_plurals_aliases_and_typos(
    library: TopicLibrary, name: str, topic_id: str
) -> None:
    found = library.find(name)
    assert found is not None and found.id == topic_id


@pytest.mark.parametrize(
    "name",
    [
        "photosynthetic bacteria",  # a different subject that merely starts the same way
        "quantum gravity",
        "factions",  # one letter from "fraction", but another word
        "deduction",  # one letter from "reduction", but another word
        "photosynthesis and respiration",
        "",
        "???",
    ],
)
def test_find_never_guesses_a_different_topic(library: TopicLibrary, name: str) -> None:
    assert library.find(name) is None


def test_suggest_offers_the_nearest_topics(library: TopicLibrary) -> None:
    assert "photosynthesis" in [r.id for r in library.suggest("photosythesis")]
    assert library.suggest("photosynthetic bacteria")[0].id == "photosynthesis"
    gravity = library.suggest("quantum gravity")
    assert len(gravity) == 3
    assert gravity[0].category == "physics"
    assert {r.category for r in gravity} <= {"physics", "chemistry", "earth-science"}
    assert len(library.suggest("supply", n=5)) <= 5
    assert library.suggest("qwertyuiop") == []


# --- user topics ------------------------------------------------------------------------------


def _user_topic(topic_id: str = "black-holes", name: str = "Black Holes") -> TopicRecord:
    level = TopicLevel(
        explanation="A black hole is a region where gravity is so strong that light cannot escape.",
        key_terms=(KeyTerm("event horizon", "The boundary beyond which nothing returns."),),
        example="A star of 20 solar masses can collapse into a black hole.",
    )
    return TopicRecord(
        id=topic_id,
        name=name,
        category="physics",
        difficulty="advanced",
        summary="Regions of spacetime that nothing can leave.",
        levels={"beginner": level, "intermediate": level, "advanced": level},
        aliases=("black hole",),
    )


def test_user_topics_are_saved_in_the_seed_schema_and_loaded_by_a_new_library(
    tmp_path: Path,
) -> None:
    store = LocalTopicStore(tmp_path / "store")
    saved = TopicLibrary(store=store).save_user_topic(_user_topic())
    assert saved.created_at  # filled in
    document = json.loads((tmp_path / "store" / "topics" / "black-holes.json").read_text())
    assert document["topic_id"] == "black-holes" and document["topic_name"] == "Black Holes"
    assert {"explanation", "category", "difficulty", "created_at"} <= set(document)

    # A record written elsewhere may claim a curated alias; the curated topic keeps it.
    greedy = dataclasses.replace(
        _user_topic("leaf-chemistry", "Leaf Chemistry"), aliases=("calvin cycle",)
    )
    store.put("topics/leaf-chemistry.json", user_topic_document(greedy))

    reopened = TopicLibrary(store=store)
    assert reopened.get("black-holes") == saved
    calvin = reopened.find("calvin cycle")
    assert calvin is not None and calvin.id == "photosynthesis"
    found = reopened.find("black hole")
    assert found is not None and found.id == "black-holes"
    assert len(reopened.all()) == len(TopicLibrary().all()) + 2


def test_a_record_written_by_the_seed_system_loads_as_a_user_topic(tmp_path: Path) -> None:
    store = LocalTopicStore(tmp_path)
    store.put(
        "topics/tides.json",
        {
            "topic_id": "tides",
            "topic_name": "Tides",
            "explanation": "Tides are the rise and fall of the sea. The Moon pulls the water.",
            "category": "Earth Science",
            "difficulty": "beginner",
            "created_at": "2024-05-01T10:00:00",
        },
    )
    store.put("topics/broken.json", {"topic_id": "no name"})
    (tmp_path / "topics" / "garbage.json").write_text("{not json", encoding="utf-8")
    tides = TopicLibrary(store=store).get("tides")
    assert tides.category == "earth-science" and tides.difficulty == "beginner"
    assert tides.summary == "Tides are the rise and fall of the sea."
    assert tides.levels["advanced"].explanation.endswith("pulls the water.")


def test_a_user_topic_cannot_shadow_a_curated_one(tmp_path: Path) -> None:
    library = TopicLibrary(store=LocalTopicStore(tmp_path))
    with pytest.raises(BadInput):
        library.save_user_topic(_user_topic("photosynthesis", "Photosynthesis"))
    with pytest.raises(BadInput):
        library.save_user_topic(_user_topic("photo-synth", "Photo-synthesis"))
    with pytest.raises(BadInput):
        library.save_user_topic(_user_topic("Not A Slug"))
    assert library.store is not None and library.store.keys() == []


# --- the local store --------------------------------------------------------------------------


def test_local_store_puts_gets_lists_and_deletes(tmp_path: Path) -> None:
    store = LocalTopicStore(tmp_path)
    assert store.get("lessons/none.json") is None
    assert store.keys("lessons/") == []
    store.put("lessons/b.json", {"n": 2, "text": "café"})
    store.put("lessons/a.json", {"n": 1})
    store.put("topics/x.json", {"n": 3})
    assert store.get("lessons/b.json") == {"n": 2, "text": "café"}
    assert store.keys("lessons/") == ["lessons/a.json", "lessons/b.json"]
    assert store.keys("lessons/a") == ["lessons/a.json"]
    assert store.keys() == ["lessons/a.json", "lessons/b.json", "topics/x.json"]
    store.delete("lessons/a.json")
    store.delete("lessons/a.json")  # deleting twice is fine
    assert store.keys("lessons/") == ["lessons/b.json"]


def test_local_store_writes_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalTopicStore(tmp_path)
    store.put("topics/t.json", {"version": 1})

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(TopicStoreError) as caught:
        store.put("topics/t.json", {"version": 2})
    assert caught.value.kind == "io" and "No space left" in caught.value.message
    monkeypatch.undo()
    assert store.get("topics/t.json") == {"version": 1}
    assert [p.name for p in (tmp_path / "topics").iterdir()] == ["t.json"]  # no temp file left


def test_local_store_rejects_unsafe_keys_and_non_json(tmp_path: Path) -> None:
    store = LocalTopicStore(tmp_path / "store")
    for key in ("../escape.json", "/abs.json", "a//b.json", "", "lessons/.hidden"):
        with pytest.raises(BadInput):
            store.put(key, {})
    with pytest.raises(BadInput):
        store.put("x.json", {"when": object()})
    assert not (tmp_path / "escape.json").exists()


def test_local_store_reports_a_corrupt_document(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("[1, 2", encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    for key in ("bad.json", "list.json"):
        with pytest.raises(TopicStoreError) as caught:
            LocalTopicStore(tmp_path).get(key)
        assert caught.value.kind == "corrupt"


# --- the memory cache -------------------------------------------------------------------------


def test_cache_serves_repeat_reads_from_memory_and_evicts_the_least_recent(tmp_path: Path) -> None:
    inner = LocalTopicStore(tmp_path)
    cache = CachedTopicStore(inner, max_items=2)
    cache.put("a.json", {"n": 1})
    cache.put("b.json", {"n": 2})
    (tmp_path / "a.json").unlink()
    (tmp_path / "b.json").unlink()
    assert cache.get("a.json") == {"n": 1}  # from memory; a is now the most recent
    cache.put("c.json", {"n": 3})  # evicts b
    assert cache.get("b.json") is None and len(cache) == 2
    copy = cache.get("a.json")
    assert copy is not None
    copy["n"] = 99
    assert cache.get("a.json") == {"n": 1}  # callers cannot change the cached copy
    cache.delete("a.json")
    assert cache.get("a.json") is None


def test_cache_is_safe_under_concurrent_use(tmp_path: Path) -> None:
    cache = CachedTopicStore(LocalTopicStore(tmp_path), max_items=8)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(30):
                key = f"k{(worker + i) % 12}.json"
                cache.put(key, {"worker": worker, "i": i})
                assert cache.get(key) is not None
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(cache) <= 8
    for key in cache.inner.keys(""):
        assert cache.get(key) == LocalTopicStore(tmp_path).get(key)


# --- choosing a store -------------------------------------------------------------------------


def test_open_topic_store_accepts_local_and_s3_settings_only(tmp_path: Path) -> None:
    for setting in ("", "local", " LOCAL "):
        store = open_topic_store(setting, tmp_path)
        assert isinstance(store, CachedTopicStore) and isinstance(store.inner, LocalTopicStore)
        assert store.inner.root == tmp_path / "topic-store"
    s3 = open_topic_store("s3://my-bucket/learn/plat/", tmp_path, endpoint_url="http://x:1")
    assert isinstance(s3, CachedTopicStore) and isinstance(s3.inner, S3TopicStore)
    assert (s3.inner.bucket, s3.inner.prefix, s3.inner.endpoint_url) == (
        "my-bucket",
        "learn/plat",
        "http://x:1",
    )
    assert not s3.inner._client.created  # nothing connected yet
    for bad in ("ftp://host/x", "s3://", "s3://Bad_Bucket/x", "/some/dir"):
        with pytest.raises(ConfigError) as caught:
            open_topic_store(bad, tmp_path)
        assert "s3://" in (caught.value.hint or "")
    assert not (tmp_path / "topic-store").exists()


# --- S3 through moto's server -----------------------------------------------------------------


@pytest.fixture
def aws_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def _s3_client(url: str) -> Any:
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1")


@pytest.fixture
def bucket(moto_url: str, aws_env: None) -> str:
    name = f"learnplat-{uuid.uuid4().hex[:12]}"
    _s3_client(moto_url).create_bucket(Bucket=name)
    return name


def test_s3_store_puts_gets_lists_and_deletes_json_documents(moto_url: str, bucket: str) -> None:
    store = S3TopicStore(bucket, "learnplat", endpoint_url=moto_url)
    assert store.get("lessons/none.json") is None
    store.put("lessons/b.json", {"text": "café", "n": 2})
    store.put("lessons/a.json", {"n": 1})
    store.put("topics/x.json", {"n": 3})
    assert store.get("lessons/b.json") == {"text": "café", "n": 2}
    assert store.keys("lessons/") == ["lessons/a.json", "lessons/b.json"]
    assert store.keys() == ["lessons/a.json", "lessons/b.json", "topics/x.json"]
    head = _s3_client(moto_url).head_object(Bucket=bucket, Key="learnplat/lessons/a.json")
    assert head["ContentType"] == "application/json"
    store.delete("lessons/a.json")
    store.delete("lessons/a.json")
    assert store.keys("lessons/") == ["lessons/b.json"]


def test_s3_store_names_a_missing_bucket(moto_url: str, aws_env: None) -> None:
    store = S3TopicStore("no-such-learnplat-bucket", endpoint_url=moto_url)
    for call in (lambda: store.get("a.json"), lambda: store.put("a.json", {}), store.keys):
        with pytest.raises(TopicStoreError) as caught:
            call()
        assert caught.value.kind == "missing-bucket"
        assert "s3://no-such-learnplat-bucket does not exist" in caught.value.message
        assert caught.value.hint and "aws s3 mb" in caught.value.hint


def test_cache_in_front_of_s3_does_not_ask_the_server_twice(moto_url: str, bucket: str) -> None:
    client = _s3_client(moto_url)
    requests: list[str] = []
    client.meta.events.register(
        "before-send.s3", lambda request, **_: requests.append(request.method)
    )
    cache = CachedTopicStore(S3TopicStore(bucket, client=client))
    S3TopicStore(bucket, endpoint_url=moto_url).put("topics/t.json", {"n": 1})
    assert cache.get("topics/t.json") == {"n": 1}
    assert cache.get("topics/t.json") == {"n": 1}
    assert requests == ["GET"]
    cache.put("topics/t.json", {"n": 2})
    assert cache.get("topics/t.json") == {"n": 2}
    assert requests == ["GET", "PUT"]


def test_an_unreachable_s3_fails_clearly_while_the_cache_keeps_serving(aws_env: None) -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    _s3_client(url).create_bucket(Bucket="short-lived")
    inner = S3TopicStore("short-lived", endpoint_url=url, connect_timeout=1, max_attempts=1)
    cache = CachedTopicStore(inner)
    cache.put("lessons/kept.json", {"kept": True})
    server.stop()
    assert cache.get("lessons/kept.json") == {"kept": True}
    with pytest.raises(TopicStoreError) as caught:
        cache.get("lessons/other.json")
    assert caught.value.kind == "unreachable" and url in caught.value.message
    with pytest.raises(TopicStoreError):
        cache.put("lessons/new.json", {"new": True})
    assert cache.get("lessons/kept.json") == {"kept": True}


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("AccessDenied", 403, "access-denied"),
        ("InvalidAccessKeyId", 403, "access-denied"),
        ("NoSuchBucket", 404, "missing-bucket"),
        ("SlowDown", 503, "unavailable"),
    ],
)
def test_s3_failures_become_topic_store_errors_of_the_right_kind(
    code: str, status: int, kind: str
) -> None:
    error = ClientError(
        {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "GetObject",
    )
    translated = S3TopicStore("b")._error(error, "read x.json")
    assert translated.kind == kind and "s3://b" in translated.message and translated.hint


def test_a_user_topic_library_survives_a_missing_bucket(moto_url: str, aws_env: None) -> None:
    library = TopicLibrary(store=S3TopicStore("gone-learnplat-bucket", endpoint_url=moto_url))
    assert len(library.all()) >= 50
    assert library.warnings and "does not exist" in library.warnings[0]


# --- the lesson cache -------------------------------------------------------------------------

DOC = Citation(title="Biology notes", doc_id=3, page=12, quote="Plants use light.")
TOPIC = Citation(title="Topic library: Photosynthesis")


def _sections() -> list[Section]:
    return [
        Section(
            heading="What it is",
            paragraphs=(
                (
                    Statement("Plants turn light into sugar.", (DOC, TOPIC)),
                    Statement("Let us see how."),
                ),
                (Statement("Chlorophyll absorbs red and blue light.", (DOC,)),),
            ),
        )
    ]


def _terms() -> list[KeyTerm]:
    return [KeyTerm("chlorophyll", "The green pigment.", DOC), KeyTerm("glucose", "A sugar.")]


def lessons() -> dict[str, Lesson]:
    common: dict[str, Any] = {
        "topic": "Photosynthesis",
        "level": "beginner",
        "title": "Photosynthesis for beginners",
        "key_terms": _terms(),
        "provider": "bedrock",
        "model": "amazon.nova-pro-v1:0",
        "notices": ["Answered from your notes."],
    }
    tree = ConceptNode(
        "Photosynthesis",
        (
            ConceptNode("Light reactions", (ConceptNode("chlorophyll", (), DOC),)),
            ConceptNode(
                "Calvin cycle", (ConceptNode("glucose", (ConceptNode("fact", (), TOPIC),)),)
            ),
        ),
    )
    chapter = Chapter(
        title="Chapter 1: Light",
        sections=tuple(_sections()),
        key_terms=tuple(_terms()),
        worked_example="A leaf in sunlight makes 0.5 g of sugar an hour.",
        exercises=(Exercise("What absorbs light?", "Chlorophyll.", DOC), Exercise("Q?", "A.")),
    )
    return {
        "chat": Lesson(
            **common,
            format="chat",
            sections=_sections(),
            follow_ups=["Why are leaves green?", "What is glucose for?"],
        ),
        "visual": Lesson(**common, format="visual", sections=_sections(), concept_map=tree),
        "audio": Lesson(
            **common,
            format="audio",
            sections=_sections(),
            narration=[NarrationSegment(0, "Hello."), NarrationSegment(2.5, "Plants…")],
        ),
        "ebook": Lesson(**common, format="ebook", sections=[], chapters=[chapter, chapter]),
    }


def _key(lesson: Lesson, **changes: Any) -> LessonKey:
    key = LessonKey(
        provider=lesson.provider,
        model=lesson.model,
        topic=lesson.topic,
        level=lesson.level,
        format=lesson.format,
        sources_hash=hash_sources([Source(text="Plants use light.", title="Biology notes")]),
    )
    return dataclasses.replace(key, **changes)


@pytest.mark.parametrize("lesson_format", ["chat", "visual", "audio", "ebook"])
def test_lessons_of_every_format_round_trip_through_json(lesson_format: str) -> None:
    lesson = lessons()[lesson_format]
    text = to_json(lesson)
    assert from_json(text) == lesson
    assert json.loads(text)["format"] == lesson_format


@pytest.mark.parametrize("lesson_format", ["chat", "visual", "audio", "ebook"])
def test_lesson_cache_returns_what_was_put_marked_from_cache(
    tmp_path: Path, lesson_format: str
) -> None:
    cache = LessonCache(LocalTopicStore(tmp_path))
    lesson = lessons()[lesson_format]
    assert cache.get(_key(lesson)) is None
    cache.put(_key(lesson), lesson)
    hit = cache.get(_key(lesson, topic="  the PHOTOSYNTHESIS "))
    assert hit is not None and hit.from_cache
    assert dataclasses.replace(hit, from_cache=False) == lesson
    assert not lesson.from_cache  # the caller's object is untouched


def test_lesson_cache_keys_on_provider_model_topic_level_format_and_sources(tmp_path: Path) -> None:
    cache = LessonCache(LocalTopicStore(tmp_path))
    lesson = lessons()["chat"]
    cache.put(_key(lesson), lesson)
    other_sources = hash_sources([Source(text="Plants use light!", title="Biology notes")])
    for changes in (
        {"provider": "openai"},
        {"model": None},
        {"topic": "Respiration"},
        {"level": "advanced"},
        {"format": "ebook"},
        {"sources_hash": other_sources},
    ):
        assert cache.get(_key(lesson, **changes)) is None, changes
    assert hash_sources([]) != other_sources
    as_tuple = ("bedrock", "amazon.nova-pro-v1:0", "photosynthesis", "beginner", "chat")
    hit = cache.get((*as_tuple, _key(lesson).sources_hash))
    assert hit is not None and hit.from_cache  # plain key parts name the same entry
    with pytest.raises(ValueError):
        cache.get(as_tuple)
    stored = LocalTopicStore(tmp_path).get(_key(lesson).store_key)
    assert stored is not None and stored["schema"] == LESSON_SCHEMA


@pytest.mark.parametrize(
    "damage",
    ["{truncated", "[]", '{"schema": 0, "lesson": {}}', "wrong-lesson"],
)
def test_a_corrupt_or_old_cache_entry_is_a_miss_and_is_overwritten(
    tmp_path: Path, damage: str
) -> None:
    store = LocalTopicStore(tmp_path)
    cache = LessonCache(store)
    lesson = lessons()["visual"]
    key = _key(lesson)
    path = tmp_path / key.store_key
    path.parent.mkdir(parents=True)
    if damage == "wrong-lesson":
        cache.put(key, lesson)
        document = json.loads(path.read_text())
        del document["lesson"]["title"]
        document["lesson"]["concept_map"]["children"] = "not a list"
        damage = json.dumps(document)
    path.write_text(damage, encoding="utf-8")
    assert cache.get(key) is None
    cache.put(key, lesson)
    hit = cache.get(key)
    assert hit is not None and hit.concept_map == lesson.concept_map


def test_lesson_cache_over_s3_through_the_configured_store(
    moto_url: str, bucket: str, tmp_path: Path
) -> None:
    store = open_topic_store(f"s3://{bucket}/cache", tmp_path, endpoint_url=moto_url)
    cache = LessonCache(store)
    lesson = lessons()["ebook"]
    cache.put(_key(lesson), lesson)
    fresh = LessonCache(open_topic_store(f"s3://{bucket}/cache", tmp_path, endpoint_url=moto_url))
    hit = fresh.get(_key(lesson))
    assert hit is not None and hit.from_cache and hit.chapters == lesson.chapters
    assert store.keys("lessons/") == [_key(lesson).store_key]


def test_a_failing_store_is_an_error_the_caller_can_show(moto_url: str, aws_env: None) -> None:
    cache = LessonCache(S3TopicStore("missing-learnplat-cache", endpoint_url=moto_url))
    lesson = lessons()["chat"]
    with pytest.raises(TopicStoreError) as caught:
        cache.put(_key(lesson), lesson)
    assert caught.value.message and caught.value.hint
    assert lesson.sections  # the lesson itself is still in the caller's hands
