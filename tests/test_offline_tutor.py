"""The offline tutor: levels that differ in substance, four formats, cited and deterministic."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from learnplat.domain.model import (
    FORMATS,
    LEVELS,
    Citation,
    ConceptNode,
    Exercise,
    KeyTerm,
    Lesson,
    LessonRequest,
    Source,
    TopicLevel,
    TopicRecord,
)
from learnplat.services.extract import extract
from learnplat.services.passages import HEADING_SEPARATOR, chunk_units
from learnplat.tutors.offline import OfflineTutor
from learnplat.tutors.offline.analysis import analyse
from learnplat.tutors.readability import flesch_kincaid_grade
from learnplat.tutors.render import lesson_markdown

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TOPICS = ROOT / "data" / "topics"
BOOK_TOPICS = (
    "biology/cellular-respiration",
    "biology/enzymes",
    "chemistry/acids-and-bases",
    "earth-science/plate-tectonics",
    "economics/inflation",
    "history/the-printing-press",
    "physics/newtons-laws-of-motion",
    "computer-science/hash-tables",
)
NOTES_TOPICS = (
    "biology/enzymes",
    "economics/inflation",
    "history/the-cold-war",
    "earth-science/the-water-cycle",
)

tutor = OfflineTutor()


# -- sources built the way ingest builds them: extract, then chunk into passages --------------
def sources_of(data: bytes, filename: str, doc_id: int) -> tuple[Source, ...]:
    extracted = extract(data, filename)
    return tuple(
        Source(
            text=chunk.text,
            title=extracted.title,
            doc_id=doc_id,
            passage_id=doc_id * 1000 + number,
            page=chunk.page,
            unit_name=extracted.unit_name,
            heading_path=tuple(p for p in chunk.heading_path.split(HEADING_SEPARATOR) if p),
        )
        for number, chunk in enumerate(chunk_units(extracted.units), start=1)
    )


def topic_json(name: str) -> dict:
    return json.loads((TOPICS / f"{name}.json").read_text(encoding="utf-8"))


@cache
def photosynthesis_notes() -> tuple[Source, ...]:
    return sources_of((SAMPLES / "photosynthesis.md").read_bytes(), "photosynthesis.md", 1)


@cache
def respiration_pdf() -> tuple[Source, ...]:
    return sources_of((SAMPLES / "cellular-respiration.pdf").read_bytes(), "respiration.pdf", 2)


@cache
def study_guide() -> tuple[Source, ...]:
    """A ~10,000-word Markdown book with three heading levels: real prose from the library."""
    parts = ["# A study guide to science and society\n"]
    for name in BOOK_TOPICS:
        topic = topic_json(name)
        parts.append(f"## {topic['name']}\n\n{topic['summary']}\n")
        for level, title in zip(
            LEVELS, ("The basics", "In more depth", "Further detail"), strict=True
        ):
            text = topic["levels"][level]
            parts.append(f"### {title}\n\n{text['explanation']}\n\n{text['example']}\n")
    return sources_of("\n".join(parts).encode(), "study-guide.md", 3)


@cache
def unheaded_notes() -> tuple[Source, ...]:
    """Plain text on four unrelated subjects, with no headings at all."""
    paragraphs = [
        topic_json(name)["levels"][level]["explanation"]
        for name in NOTES_TOPICS
        for level in ("intermediate", "advanced")
    ]
    return sources_of("\n\n".join(paragraphs).encode(), "notes.txt", 4)


SOURCES = {
    "photosynthesis.md": photosynthesis_notes,
    "cellular-respiration.pdf": respiration_pdf,
    "study-guide.md": study_guide,
    "unheaded.txt": unheaded_notes,
}


def load_topic(name: str) -> TopicRecord:
    raw = topic_json(name)
    levels = {
        level: TopicLevel(
            explanation=text["explanation"],
            key_terms=tuple(KeyTerm(t["term"], t["definition"]) for t in text["key_terms"]),
            example=text["example"],
        )
        for level, text in raw["levels"].items()
    }
    return TopicRecord(
        id=raw["id"],
        name=raw["name"],
        category=raw["category"],
        difficulty=raw["difficulty"],
        summary=raw["summary"],
        levels=levels,
        questions=tuple(Exercise(q["question"], q["answer"]) for q in raw["questions"]),
        aliases=tuple(raw.get("aliases", ())),
        related=tuple(raw.get("related", ())),
        created_at=raw["created_at"],
    )


def lesson(sources: tuple[Source, ...], level: str, format: str, **extra) -> Lesson:
    return tutor.lesson(LessonRequest("Notes", level, format, sources=sources, **extra))  # type: ignore[arg-type]


# -- what a lesson holds ---------------------------------------------------------------------
def body(lesson: Lesson) -> str:
    return " ".join(s.text for section in lesson.sections for p in section.paragraphs for s in p)


def walk(node: ConceptNode) -> Iterator[ConceptNode]:
    yield node
    for child in node.children:
        yield from walk(child)


def depth(node: ConceptNode) -> int:
    return 1 + max((depth(child) for child in node.children), default=0)


def every_citation(lesson: Lesson) -> list[Citation]:
    found = [
        c
        for section in lesson.all_sections()
        for p in section.paragraphs
        for s in p
        for c in s.citations
    ]
    found += [t.citation for t in lesson.key_terms if t.citation]
    found += [t.citation for ch in lesson.chapters for t in ch.key_terms if t.citation]
    found += [e.citation for ch in lesson.chapters for e in ch.exercises if e.citation]
    if lesson.concept_map:
        found += [node.citation for node in walk(lesson.concept_map) if node.citation]
    return found


def page_texts(sources: tuple[Source, ...]) -> dict[tuple[int | None, int | None], str]:
    pages: dict[tuple[int | None, int | None], list[str]] = {}
    for source in sources:
        pages.setdefault((source.doc_id, source.page), []).append(source.text)
    return {key: "\n\n".join(texts) for key, texts in pages.items()}


# -- levels ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(SOURCES))
@pytest.mark.parametrize("format", FORMATS)
def test_grade_and_length_rise_strictly_from_beginner_to_advanced(name: str, format: str) -> None:
    sources = SOURCES[name]()
    bodies = [body(lesson(sources, level, format)) for level in LEVELS]
    grades = [flesch_kincaid_grade(text) for text in bodies]
    lengths = [len(text.split()) for text in bodies]
    assert grades[0] < grades[1] < grades[2], grades
    assert lengths[0] < lengths[1] < lengths[2], lengths


def test_beginner_is_a_glossary_of_definitions_plus_the_simplest_central_sentences() -> None:
    beginner = lesson(photosynthesis_notes(), "beginner", "chat")
    terms = {t.term.lower(): t.definition for t in beginner.key_terms}
    assert {"stroma", "chlorophyll"} <= set(terms)
    # "To replace them, ... is called photolysis": a definition leaning on "them" is left out.
    assert "photolysis" not in terms
    assert terms["stroma"] == "A chloroplast has two membranes around a fluid called the stroma."
    advanced = lesson(photosynthesis_notes(), "advanced", "chat")
    assert len(advanced.key_terms) > len(beginner.key_terms)


def test_intermediate_follows_the_headings_and_advanced_keeps_the_whole_outline() -> None:
    headings = [
        "Where it happens",
        "The light reactions",
        "The Calvin cycle",
        "Factors that limit the rate",
        "C4 and CAM plants",
        "Why it matters",
    ]
    intermediate = [
        s.heading for s in lesson(photosynthesis_notes(), "intermediate", "visual").sections
    ]
    assert [h for h in intermediate if h in headings] == [h for h in headings if h in intermediate]
    advanced = [s.heading for s in lesson(photosynthesis_notes(), "advanced", "visual").sections]
    assert all(any(h in section for section in advanced) for h in headings)
    guide = [s.heading for s in lesson(study_guide(), "advanced", "visual").sections]
    assert "Enzymes › Further detail" in guide and "Inflation › The basics" in guide


# -- citations and determinism ---------------------------------------------------------------
@pytest.mark.parametrize("name", list(SOURCES))
def test_every_citation_quotes_the_page_it_names(name: str) -> None:
    sources = SOURCES[name]()
    pages = page_texts(sources)
    for level in LEVELS:
        for format in FORMATS:
            made = lesson(sources, level, format)
            citations = every_citation(made)
            assert citations and not made.notices
            for citation in citations:
                assert citation.quote and citation.quote in pages[(citation.doc_id, citation.page)]
                assert citation.title == sources[0].title


def test_the_same_request_gives_the_same_lesson() -> None:
    first = lesson(study_guide(), "intermediate", "ebook")
    analyse.cache_clear()
    assert lesson(study_guide(), "intermediate", "ebook") == first


_RUN_IN_CHILD = """
import sys
sys.path[:0] = {paths!r}
from tests.test_offline_tutor import lesson, study_guide
from learnplat.tutors.render import lesson_markdown
for fmt in ("chat", "visual", "audio", "ebook"):
    print(lesson_markdown(lesson(study_guide(), "advanced", fmt)))
"""


def test_lessons_do_not_depend_on_the_hash_seed() -> None:
    code = _RUN_IN_CHILD.format(paths=[str(ROOT), str(ROOT / "src")])
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert outputs[0] == outputs[1] and "Chapter 1" in outputs[0]


# -- formats ---------------------------------------------------------------------------------
def test_chat_opens_talks_in_short_paragraphs_and_offers_answerable_follow_ups() -> None:
    sources = photosynthesis_notes()
    chat = lesson(sources, "beginner", "chat")
    assert chat.sections[0].paragraphs[0][0].citations == ()
    assert all(len(p) <= 2 for section in chat.sections for p in section.paragraphs)
    assert len(chat.follow_ups) == 3 and len(set(chat.follow_ups)) == 3
    for question in chat.follow_ups:
        assert question.endswith("?")
        assert tutor.answer(question, sources).found, question


def test_a_follow_up_never_compares_a_thing_with_a_person() -> None:
    text = (
        "# Forms\n\n## The sonata\n\nA sonata is a piece in several movements for one or two "
        "instruments. Beethoven wrote each sonata in three or four movements. Beethoven made the "
        "sonata longer and more dramatic than Haydn did. A symphony is a sonata for a whole "
        "orchestra. Beethoven wrote nine symphonies, and Haydn wrote more than a hundred.\n\n"
        "## Beethoven\n\nBeethoven was born in Bonn in 1770. Beethoven studied with Haydn in "
        "Vienna. Haydn called Beethoven a great talent.\n\n## The suite\n\nA suite is a set "
        "of dances in one key. The suite came before the sonata, and the symphony grew out of "
        "the sonata.\n"
    )
    sources = sources_of(text.encode(), "forms.md", 3)
    follow_ups = lesson(sources, "beginner", "chat").follow_ups
    assert not any("Beethoven" in q and "different" in q for q in follow_ups), follow_ups
    assert "What is Haydn?" not in follow_ups  # a person is no "what"
    assert follow_ups and all(tutor.answer(q, sources).found for q in follow_ups)


def test_a_follow_up_is_never_about_the_introduction_or_a_term_against_its_initials() -> None:
    text = (
        "# Proofs\n\n## Introduction\n\nThese notes are about proofs that reveal nothing. "
        "The introduction says what each part of these notes is about.\n\n## Zero knowledge\n\n"
        "Honest-Verifier Zero-Knowledge (HVZK) is a property of a protocol whose verifier "
        "follows the rules. A protocol is HVZK when a simulator can produce its transcripts "
        "alone. Honest-Verifier Zero-Knowledge is weaker than full zero knowledge. HVZK holds "
        "for the Schnorr protocol. The Schnorr protocol is a proof of a discrete logarithm. "
        "A simulator is an algorithm that produces transcripts without the witness. The "
        "Schnorr protocol has three moves, and its simulator picks the response first.\n"
    )
    sources = sources_of(text.encode(), "proofs.md", 3)
    follow_ups = lesson(sources, "beginner", "chat").follow_ups
    assert follow_ups, follow_ups
    assert not any("introduction" in q.lower() for q in follow_ups), follow_ups
    assert not any("HVZK" in q and "Honest-Verifier" in q for q in follow_ups), follow_ups


def test_visual_maps_topic_to_sections_to_terms_to_cited_facts() -> None:
    sources = respiration_pdf()
    for level in LEVELS:
        root = lesson(sources, level, "visual").concept_map
        assert root is not None and root.label == "Notes"
        assert depth(root) >= 4
        for section in root.children:
            for leaf in (n for n in walk(section) if not n.children):
                assert leaf.citation is not None and leaf.citation.quote == leaf.label


def test_audio_is_a_plain_spoken_script_timed_at_150_words_a_minute() -> None:
    narration = lesson(study_guide(), "intermediate", "audio").narration
    marks = [segment.start_s for segment in narration]
    assert marks[0] == 0.0 and all(a < b for a, b in pairwise(marks))
    words = 0
    for segment in narration:
        assert abs(segment.start_s - words * 60 / 150) < 0.1
        assert not re.search(r"\*\*|`|\[|\]|#|\be\.g\.", segment.text), segment.text
        assert 1 <= len(re.findall(r"[.!?](?:\s|$)", segment.text)) <= 3, segment.text
        words += len(segment.text.split())


def test_ebook_has_a_chapter_per_top_heading_with_terms_examples_and_exercises() -> None:
    sources = respiration_pdf()
    pages = page_texts(sources)
    for level in LEVELS:
        chapters = lesson(sources, level, "ebook").chapters
        # The book's numbering is the chapter's number, not part of its title.
        assert [c.title for c in chapters] == [
            "Cellular respiration",
            "Glycolysis",
            "The Krebs cycle",
            "Oxidative phosphorylation",
        ]
        for chapter in chapters:
            assert chapter.sections and chapter.worked_example
            assert 2 <= len(chapter.exercises) <= 5
            for exercise in chapter.exercises:
                assert exercise.citation is not None
                assert exercise.answer in pages[(exercise.citation.doc_id, exercise.citation.page)]
    terms = {t.term for c in lesson(sources, "beginner", "ebook").chapters for t in c.key_terms}
    assert "fermentation" in terms


def test_unheaded_text_is_split_into_chapters_by_subject() -> None:
    chapters = lesson(unheaded_notes(), "intermediate", "ebook").chapters
    assert len(chapters) >= 2 and all(c.title and c.exercises for c in chapters)


# -- topic records ---------------------------------------------------------------------------
def explanation_sentences(record: TopicRecord, level: str) -> list[str]:
    from learnplat.tutors.readability import sentences

    return sentences(record.levels[level].explanation)


@pytest.mark.parametrize("format", FORMATS)
def test_a_topic_lesson_teaches_that_levels_explanation(format: str) -> None:
    record = load_topic("biology/photosynthesis")
    for level in LEVELS:
        made = tutor.lesson(LessonRequest("Photosynthesis", level, format, topic_record=record))  # type: ignore[arg-type]
        statements = [s for section in made.sections for p in section.paragraphs for s in p]
        texts = [s.text for s in statements]
        assert all(sentence in texts for sentence in explanation_sentences(record, level))
        others = [other for other in LEVELS if other != level]
        assert not any(explanation_sentences(record, other)[0] in texts for other in others)
        assert all(s.citations == (record.citation,) for s in statements if s.citations)
        assert [t.term for t in made.key_terms] == [t.term for t in record.levels[level].key_terms]
        assert record.levels[level].example in texts


def test_a_topic_ebook_uses_the_example_and_the_curated_questions() -> None:
    record = load_topic("biology/photosynthesis")
    chapters = tutor.lesson(
        LessonRequest("Photosynthesis", "intermediate", "ebook", topic_record=record)
    ).chapters
    assert record.levels["intermediate"].example in [c.worked_example for c in chapters]
    asked = {e.question for c in chapters for e in c.exercises}
    assert {q.question for q in record.questions} <= asked
    assert all(2 <= len(c.exercises) <= 5 for c in chapters)


def test_topic_and_notes_combine_topic_first_then_what_the_notes_add() -> None:
    record = load_topic("biology/photosynthesis")
    made = tutor.lesson(
        LessonRequest(
            "Photosynthesis",
            "intermediate",
            "chat",
            sources=photosynthesis_notes(),
            topic_record=record,
        )
    )
    cited = [
        s.citations[0]
        for section in made.sections
        for p in section.paragraphs
        for s in p
        if s.citations
    ]
    first_note = next(i for i, c in enumerate(cited) if c.doc_id is not None)
    assert all(c == record.citation for c in cited[:first_note])
    assert all(c.doc_id == 1 for c in cited[first_note:])
    assert any(s.heading.startswith("From your notes") for s in made.sections)


# -- answers and the rest of the interface ---------------------------------------------------
def test_answer_cites_the_section_that_mentions_rubisco() -> None:
    answer = tutor.answer("What does RuBisCO do?", photosynthesis_notes())
    assert answer.found and 1 <= len(answer.statements) <= 3
    assert all("RuBisCO" in s.text for s in answer.statements)
    pages = page_texts(photosynthesis_notes())
    for citation in answer.citations:
        assert "RuBisCO" in pages[(citation.doc_id, citation.page)]
    assert any("attaches" in s.text for s in answer.statements)


def test_a_question_the_notes_do_not_cover_is_not_found() -> None:
    answer = tutor.answer("What is the capital of France?", photosynthesis_notes())
    assert not answer.found and answer.statements == ()
    assert answer.text.startswith("Your notes don't cover this") and "France" in answer.text


def test_on_text_receives_the_lesson_markdown() -> None:
    pieces: list[str] = []
    made = tutor.lesson(
        LessonRequest("Notes", "intermediate", "chat", sources=respiration_pdf()), pieces.append
    )
    assert len(pieces) > 1 and "".join(pieces) == lesson_markdown(made)


def test_sources_without_usable_sentences_give_a_notice_not_an_empty_lesson() -> None:
    made = lesson(
        (Source(text="Figure 3\n\n* * *", title="Scan", doc_id=9, page=1),), "beginner", "chat"
    )
    assert made.notices and body(made)
    assert tutor.name == "offline" and made.provider == "offline"
