"""The stores' contract, exercised directly: what a service can count on from LibraryStore,
CommunityStore and the search index, whatever database is under them. The ``database``
fixture is parametrised by backend: SQLite (a real file) and PostgreSQL (a real server, a fresh
schema; skipped with the reason where there is none)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from learnplat.services.passages import Chunk
from learnplat.store.community import CommunityStore
from learnplat.store.database import Database, open_database
from learnplat.store.library import (
    DocumentRecord,
    DuplicateDocument,
    LibraryStore,
    PassageRecord,
)
from learnplat.store.records import ExplanationRecord, FeedRecord, PointsRecord
from learnplat.store.search_index import Term

T0 = "2026-12-01T10:00:00+00:00"
T1 = "2026-12-01T11:00:00+00:00"


@pytest.fixture
def database(database_url: str, tmp_path: Path) -> Iterator[Database]:
    built = open_database(database_url, tmp_path)
    yield built
    built.close()


def _document(user: str, sha: str, title: str = "Notes") -> dict:
    return {
        "user_id": user,
        "title": title,
        "filename": f"{title.lower()}.md",
        "source_path": f"/home/{user}/{title.lower()}.md",
        "stored_path": f"originals/{sha[:2]}/{sha}.md",
        "kind": "md",
        "unit_name": "section",
        "sha256": sha,
        "size_bytes": 100,
        "pages": 2,
        "words": 20,
        "passages": 2,
        "warnings": "[]",
        "added_at": T0,
    }


CHUNKS = [
    Chunk(1, 0, "Photosynthesis", "The light reactions capture energy in the thylakoids.", 8),
    Chunk(2, 0, "Photosynthesis > Calvin cycle", "The Calvin cycle fixes carbon dioxide.", 6, "ii"),
]


@pytest.fixture
def library(database: Database) -> LibraryStore:
    store = LibraryStore(database)
    for user in ("ana", "bo"):
        store.ensure_user(user)
    return store


def test_a_document_and_its_passages_come_back_as_records(library: LibraryStore) -> None:
    doc_id = library.add_document(_document("ana", "a" * 64), CHUNKS)
    (document,) = library.documents("ana")
    assert isinstance(document, DocumentRecord)
    assert (document.id, document.title, document.sha256) == (doc_id, "Notes", "a" * 64)
    assert library.document("bo", doc_id) is None  # another profile's
    passages = library.passages(doc_id=doc_id)
    assert all(isinstance(p, PassageRecord) for p in passages)
    assert [(p.page, p.heading_path, p.page_label) for p in passages] == [
        (1, "Photosynthesis", None),
        (2, "Photosynthesis > Calvin cycle", "ii"),
    ]
    assert library.page_passages(doc_id, 2)[0].text.startswith("The Calvin cycle")
    assert library.following_texts([passages[0].id]) == {passages[0].id: passages[1].text}
    assert library.page_numbers(doc_id) == [1, 2]


def test_the_same_bytes_twice_for_one_profile_is_a_duplicate_but_not_for_another(
    library: LibraryStore,
) -> None:
    library.add_document(_document("ana", "b" * 64), CHUNKS)
    with pytest.raises(DuplicateDocument):
        library.add_document(_document("ana", "b" * 64, "Again"), CHUNKS)
    assert [d.title for d in library.documents("ana")] == ["Notes"]  # nothing half-added
    library.add_document(_document("bo", "b" * 64), CHUNKS)
    assert library.find_by_hash("bo", "b" * 64) is not None


def test_a_deleted_document_takes_its_passages_and_reports_its_unused_file(
    library: LibraryStore,
) -> None:
    first = library.add_document(_document("ana", "c" * 64), CHUNKS)
    library.add_document(_document("bo", "c" * 64), CHUNKS)
    assert library.delete_document("ana", first) is None  # bo's document still uses the file
    assert library.passages(doc_id=first) == []
    (theirs,) = library.documents("bo")
    assert library.delete_document("bo", theirs.id) == f"originals/cc/{'c' * 64}.md"
    assert library.stored_paths() == set()


def test_search_finds_only_the_profiles_own_passages(library: LibraryStore) -> None:
    library.add_document(_document("ana", "d" * 64), CHUNKS)
    hits = library.search("ana", [Term(("calvin",))], every=True, doc_id=None, limit=5,
                          snippet_words=8)
    assert [(hit.page, hit.page_label) for hit in hits] == [(2, "ii")]
    assert library.search("bo", [Term(("calvin",))], every=True, doc_id=None, limit=5,
                          snippet_words=8) == []
    words = library.texts_containing("ana", "thylakoid")
    assert [text for _doc, text in words] == [CHUNKS[0].text]


def test_an_explanation_is_graded_once_and_voted_once_per_voter(database: Database) -> None:
    LibraryStore(database).ensure_user("ana")
    LibraryStore(database).ensure_user("bo")
    community = CommunityStore(database)
    explanation_id = community.add_explanation(
        "ana", "Photosynthesis", "photosynthesis", "beginner", "Plants make sugar.", T0
    )
    (pending,) = community.pending("ana")
    assert isinstance(pending, ExplanationRecord) and pending.status == "pending"
    assert community.add_vote("bo", explanation_id, T0)[0] == "pending"  # not graded yet

    def award(earlier: list[tuple[int, str]]) -> tuple[int, str]:
        return 7, "first explanation of the topic"

    assert community.record_grade(explanation_id, "ana", 7, "{}", T0, award) == "graded"
    assert community.record_grade(explanation_id, "ana", 7, "{}", T0, award) == "already graded"
    assert community.add_vote("ana", explanation_id, T1)[0] == "own"
    assert community.add_vote("bo", explanation_id, T1) == ("voted", 1)
    assert community.add_vote("bo", explanation_id, T1) == ("duplicate", 1)
    points = community.points("ana")
    assert isinstance(points, PointsRecord)
    # 7 for the explanation, 1 for the upvote it received.
    assert (points.total_points, points.explanations_count, points.upvotes_received) == (8, 1, 1)
    (line,) = community.feed("bo", sort="top", limit=10)
    assert isinstance(line, FeedRecord) and line.voted is True
    assert community.remove_vote("bo", explanation_id, T1) == ("retracted", 0)
    assert community.remove_vote("bo", explanation_id, T1)[0] == "no vote"


def _question(slug: str, category: str = "Biology") -> dict:
    from learnplat.services.challenge_bank import question_row

    return question_row(
        slug=slug, title=slug.title(), question=f"What is {slug}?", answer="A",
        options=["A", "B", "C", "D"], explanation="Because.", category=category,
        difficulty="beginner", points=100, time_limit=30, source="bank",
    )  # fmt: skip


def test_a_served_question_is_answered_once_and_counts_on_the_boards(database: Database) -> None:
    from learnplat.store.game import ALL, AnswerState, AnswerWrite, GameStore, Pool
    from learnplat.store.records import ChallengeRecord, GameLeaderRecord, ProgressRecord

    LibraryStore(database).ensure_user("ana")
    game = GameStore(database)
    game.upsert_questions([_question("osmosis"), _question("mitosis")], T0)
    assert game.bank_hashes()["osmosis"][1] == 1  # (content hash, active)
    assert game.pool_size(Pool(category="Biology")) == 2
    (served_id, *_) = [c.id for c in game.candidates("ana", Pool())]
    served = game.serve("ana", served_id, "token-1", "play", T0)
    assert isinstance(served, ChallengeRecord) and served.correct_answer == "A"

    def decide(state: AnswerState) -> AnswerWrite:
        assert state.attempt.challenge_id == served_id and state.current_streak == 0
        return AnswerWrite("A", "correct", 90, 3000, 1, "{}", T1, 3)

    written = game.record_answer("token-1", "ana", T1, decide)
    assert written is not None and written.points == 90
    assert game.record_answer("token-1", "ana", T1, decide) is None  # answered already
    progress = game.progress("ana")
    assert isinstance(progress, ProgressRecord)
    assert (progress.total_points, progress.challenges_completed, progress.current_streak) == (
        90, 1, 1,
    )  # fmt: skip
    (line,) = game.leaderboard(ALL, ALL, 10)
    assert isinstance(line, GameLeaderRecord) and (line.user_id, line.points) == ("ana", 90)
    assert game.rank("ana") == 1
    game.upsert_questions([], T1, retire=["mitosis"])
    assert game.pool_size(Pool(category="Biology")) == 1  # retired, history kept
