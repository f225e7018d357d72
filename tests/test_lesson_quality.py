"""Lessons from real notes read as lessons: complete sentences under readable headings, no
empty or repeated sections, no sentence cut off from what it leans on, exercises a learner can
answer. Pinned on small made-up notes, and checked on a few documents of the shared corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from learnplat.core import Session
from learnplat.domain.model import FORMATS, LEVELS, Lesson, LessonRequest, Source
from learnplat.tutors.offline import OfflineTutor
from learnplat.tutors.offline.headings import readable
from learnplat.tutors.offline.sentences import split_sources
from learnplat.tutors.render import lesson_markdown

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
tutor = OfflineTutor()


def source(text: str, page: int, *path: str, passage: int | None = None) -> Source:
    return Source(
        text=text,
        title="Notes",
        doc_id=1,
        passage_id=passage if passage is not None else page,
        page=page,
        heading_path=path,
    )


def lesson(sources: tuple[Source, ...], level: str, format: str = "chat") -> Lesson:
    return tutor.lesson(LessonRequest("Notes", level, format, sources=sources))  # type: ignore[arg-type]


def statements(made: Lesson) -> list[str]:
    return [s.text for sec in made.all_sections() for p in sec.paragraphs for s in p if s.citations]


@pytest.mark.parametrize(
    ("heading", "shown"),
    [
        ("2.1 Light reactions", "Light reactions"),
        ("Chapter 3: Truth tables", "Truth tables"),
        ("THE ORIGIN OF MUSIC", "The Origin of Music"),
        ("7Covering maps", "Covering maps"),
        ("A Brief History", "A Brief History"),
        ("When to use a cache", "When to use a cache"),
        ("2 ‹ ∞ respectively. Draw n samples", None),
        ("19 1.4.4 Expectation of Multiplication", None),
        ("CLT states that X¯", None),
        ("n tends towards normal distribution when n is large,", None),
        ("Therefore, the energy levels E0", None),
        ("CHAP. PAGE", None),
        ("CHAPTER XV", None),
    ],
)
def test_a_heading_is_shown_as_a_title_or_not_at_all(heading: str, shown: str | None) -> None:
    assert readable(heading) == shown


MESSY = (
    source(
        "Photosynthesis makes sugar from light, water and carbon dioxide. It takes place in the "
        "chloroplasts of the leaf, which hold the green pigment chlorophyll.",
        1,
        "2 Photosynthesis",
    ),
    source(
        "The light reactions split water and release oxygen. They also make ATP and NADPH for "
        "the next stage. This is why a plant in the dark soon stops making sugar.",
        2,
        "2 Photosynthesis",
        "2.1 Light reactions",
    ),
    source(
        "In the Calvin cycle the enzyme RuBisCO fixes carbon dioxide into sugar. The cycle "
        "runs in the stroma and spends the ATP made by the light reactions.",
        3,
        "2 Photosynthesis",
        "2 ‹ ∞ respectively. Draw n samples",
    ),
    source("Σ x² = ∫ f(x) dx ⊕ y", 4, "3 X n k = 0"),
    source(
        "Cells release the energy stored in sugar by respiration. Respiration uses oxygen and "
        "gives off carbon dioxide and water.",
        5,
        "4 Respiration",
    ),
)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("format", FORMATS)
def test_no_heading_is_a_fragment_and_no_section_is_empty(level: str, format: str) -> None:
    made = lesson(MESSY, level, format)
    headings = [s.heading for s in made.all_sections() if s.heading]
    headings += [c.title for c in made.chapters]
    for heading in headings:
        assert "‹" not in heading and "∞" not in heading and not re.match(r"^\d", heading)
    for section in made.all_sections():
        assert section.paragraphs, section.heading
    bodies = [tuple(s.text for sec in c.sections for p in sec.paragraphs for s in p)
              for c in made.chapters]
    assert len(bodies) == len(set(bodies))
    assert "Σ" not in lesson_markdown(made)


@pytest.mark.parametrize("level", LEVELS)
def test_a_sentence_that_leans_on_the_one_before_never_opens_a_paragraph(level: str) -> None:
    made = lesson(MESSY, level)
    for section in made.all_sections():
        for paragraph in section.paragraphs:
            cited = [s for s in paragraph if s.citations]
            if cited:
                assert not re.match(r"(?i)(it|they|this|these)\b", cited[0].text), cited[0].text


def test_list_points_that_state_something_are_taught_as_sentences() -> None:
    slides = (
        source(
            "- Create your scales: these convert your data into the pixel space of the web\n"
            "- Bind data to the selection and enter the data\n"
            "- Goal:",
            1,
            "Building a chart",
        ),
        source("- Append one element for each piece of data in the selection", 2, "Drawing"),
    )
    sentences, _ = split_sources(slides, points=True)
    assert [s.text for s in sentences] == [
        "Create your scales: these convert your data into the pixel space of the web.",
        "Bind data to the selection and enter the data.",
        "Append one element for each piece of data in the selection.",
    ]
    assert sentences[0].citation.quote.endswith("of the web")  # quoted as written
    assert statements(lesson(slides, "advanced"))


def test_exercises_never_ask_for_the_subject_or_a_number() -> None:
    notes = (
        source(
            "Photosynthesis is the process by which plants make sugar from light. Chlorophyll "
            "is the green pigment that absorbs red and blue light. In 1779 Jan Ingenhousz showed "
            "that light is needed. The stomata are pores that let carbon dioxide into the leaf.",
            1,
            "Photosynthesis",
        ),
    )
    request = LessonRequest("Photosynthesis", "intermediate", "ebook", sources=notes)
    exercises = [e for c in tutor.lesson(request).chapters for e in c.exercises]
    assert exercises
    for exercise in exercises:
        assert exercise.answer.lower() != "photosynthesis"
        assert not re.fullmatch(r"[\d.]+", exercise.answer)


def test_questions_in_the_notes_are_not_taught_as_statements() -> None:
    notes = (
        source(
            "What is cognitive load and how does it affect learning? Cognitive load is the "
            "effort that working memory spends on a task. Too much of it slows learning.",
            1,
            "Cognitive load",
        ),
    )
    for level in LEVELS:
        assert not any(text.endswith("?") for text in statements(lesson(notes, level)))


def test_a_slide_title_glued_to_the_sentence_after_it_is_left_out() -> None:
    # Slides put a title and its first sentence on one line: "Pinocchio Protocol Suppose ...".
    notes = (
        source(
            "Pinocchio Protocol Suppose we are given a circuit with many multiplication gates. "
            "Part F We could leave the biconditional out of the language entirely. "
            "If you need a quick place to host a CV, Jekyll Now is probably the easiest option.",
            1,
            "Protocols",
        ),
    )
    sentences, _ = split_sources(notes)
    assert [s.text for s in sentences] == [
        "Suppose we are given a circuit with many multiplication gates.",
        "We could leave the biconditional out of the language entirely.",
        "If you need a quick place to host a CV, Jekyll Now is probably the easiest option.",
    ]


# -- the shared corpus ---------------------------------------------------------------------------
_TOC = re.compile(r"(?:\.\s?){4,}\s*\d|(?:\s\.){3,}|^\d+(?:\.\d+)+\s")
_HTML = re.compile(r"</?(?:img|p|br|div|span|a|i|b|sup|table)\b[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize(
    "name",
    ["zero-knowledge-lecture-notes.pdf", "system-design-primer.md", "d3-workshop-handout.docx"],
)
def test_real_documents_teach_without_contents_lines_html_or_empty_sections(
    platform: Session, name: str
) -> None:
    if not (CORPUS / name).exists():
        pytest.skip(f"the shared corpus is not beside the project ({CORPUS})")
    document = platform.library.ingest(CORPUS / name).document
    assert document is not None
    for level in LEVELS:
        for format in ("chat", "ebook"):
            made = platform.learning.lesson(
                None, doc_ids=[document.id], level=level, format=format, use_cache=False
            )
            texts = statements(made)
            assert texts, (level, format)
            for text in texts:
                assert not _TOC.search(text) and not _HTML.search(text), text
                assert text[-1] in ".!?\"”’)", text
            for section in made.all_sections():
                assert section.paragraphs, section.heading
                for part in filter(None, section.heading.split(" › ")):
                    assert readable(part), section.heading


def test_a_reading_list_is_not_taught() -> None:
    notes = (
        source(
            "Sharding distributes data across different databases. Each database can only "
            "manage a subset of the data.",
            1,
            "Databases",
            "Sharding",
        ),
        source(
            "The coming of the shard. Scaling a relational database with federation.",
            2,
            "Databases",
            "Sharding",
            "Source(s) and further reading",
        ),
    )
    for level in LEVELS:
        taught = statements(lesson(notes, level))
        assert "Sharding distributes data across different databases." in taught
        assert not any("coming of the shard" in text for text in taught), (level, taught)


def test_a_file_name_is_no_key_term() -> None:
    notes = (
        source(
            "A static website is a set of HTML files served as they are. Save the HTML5 code "
            "to a file called resume-cv.html. Open resume-cv.html in a browser to see the page. "
            "A web server is a program that sends those files to a browser.",
            1,
            "Static websites",
        ),
    )
    for level in LEVELS:
        terms = [term.term for term in lesson(notes, level).key_terms]
        assert not any("resume" in term for term in terms), (level, terms)


CONTINUITY_BOOK = (
    "# Continuity\n\n"
    "A limit is the value that a quantity approaches as another quantity approaches some point. "
    "The neighbourhood of a point is a small interval around that point on the line. "
    "A sequence of numbers can approach a limit without ever reaching it. "
    "The interval from one point to another contains every number between the two. "
    "A quantity that changes gradually passes through every value between its start and end. "
    "The railway train passes every milestone between two stations on its journey. "
    "A sudden jump in a quantity is called a discontinuity by the mathematicians. "
    "The distance travelled by a train grows gradually as the hours pass on the clock. "
    "A point on the line is fixed by a number, and a number by a point on the line. "
    "An interval is closed when it contains its two end points as well as those between. "
    "A function links each number to one other number, its value. "
    "The graph of a function shows its values as a line on paper. "
    "A function is smooth when its value moves a little at a time. "
    "A function that jumps from one value to the next is not smooth.\n"
)


def test_a_beginner_lesson_on_a_topic_is_about_that_topic(
    platform: Session, tmp_path: Path
) -> None:
    # A book teaches more than the topic asked for: a beginner's main ideas name the topic
    # ("functions"), not whatever else is most central in the passages that mention it.
    notes = tmp_path / "continuity.md"
    notes.write_text(CONTINUITY_BOOK, encoding="utf-8")
    doc = platform.library.ingest(notes).document
    assert doc is not None
    lesson = platform.learning.lesson("functions", doc_ids=[doc.id], level="beginner")
    main = next(s for s in lesson.sections if s.heading == "The main ideas")
    said = [s.text for paragraph in main.paragraphs for s in paragraph]
    naming = [text for text in said if "function" in text.lower()]
    assert len(naming) * 2 > len(said), said


def test_a_beginners_main_ideas_are_ideas_not_examples_signposts_or_formulas() -> None:
    # Each chapter's simplest sentence is an example, a signpost, a sentence leaning on what
    # came before, a formula that lost its raised power or an instruction: none of them is a
    # main idea.
    ideas = [
        "The real numbers are conveniently represented by the points of a straight line.",
        "Geometry is a division of the more general mathematical science of order.",
        "A vector is a directed magnitude, the root idea of the physical sciences.",
        "A periodic function repeats its values at regular intervals of its argument.",
        "The sum of two numbers does not depend on the order in which they are added.",
        "A straight line is the shortest path between two of its points in a plane.",
        "The history of a science is written in the ideas that its teachers handed on.",
    ]
    distractions = [
        "For example, take the number one and add it to two.",
        "Let us now look at what a line is and how we draw it.",
        "In the first place there is the idea of a half and a third.",
        "We have already seen how to mark a point on a line.",
        "Take the function x 2 and draw it on a sheet of paper.",
        "Maintain a list of the points and of the lines through them.",
        "Short timeline - Aim for the main ideas and skip the rest.",
    ]
    notes = tuple(
        source(f"{idea} {distraction}", page, f"Chapter {page}")
        for page, (idea, distraction) in enumerate(zip(ideas, distractions, strict=True), 1)
    )
    made = lesson(notes, "beginner")
    main = next(section for section in made.sections if section.heading == "The main ideas")
    taught = [s.text for paragraph in main.paragraphs for s in paragraph]
    assert taught and set(taught) <= set(ideas), taught


def test_a_workshops_activities_and_instructions_are_not_taught() -> None:
    # Workshop notes mix teaching with what to do in the room: an activity's section ("Test
    # Your Working Memory") and instructions ("Write your answer in the Etherpad.").
    notes = (
        source(
            "Short-term memory holds a few items for a few seconds before they fade. Long-term "
            "memory keeps what we learn for years, linked to what we already know.",
            1,
            "Memory",
            "Types of memory",
        ),
        source(
            "Write your answer in the Etherpad. Learners often remember fewer words than they "
            "expect, and most of them recall the words at the start and the end of the list.",
            2,
            "Memory",
            "Test Your Working Memory",
        ),
        source(
            "Chunking groups separate items into one unit, so that short-term memory holds more "
            "of them. Try to form short stories or phrases from the words you see.",
            3,
            "Memory",
            "Chunking",
        ),
    )
    for level in ("beginner", "intermediate"):
        taught = statements(lesson(notes, level))
        assert taught, level
        assert not any("Etherpad" in text or "recall the words" in text for text in taught), taught
        assert not any(text.startswith("Try to form") for text in taught), taught


def test_a_long_texts_glossary_holds_its_key_terms_not_a_passing_word() -> None:
    # A book defines words it uses in passing ("Thunderstorms are events on a grand scale"): in
    # a long text (here 500 sentences and more) a key term is one it keeps using.
    topics = ("vector", "scalar", "matrix", "tensor", "basis", "span", "kernel", "rank")
    paragraphs = [
        "A vector is a quantity that has both a size and a direction in space. "
        "Thunderstorms are events on a grand scale that frighten men and animals alike."
    ]
    for number in range(90):
        word = topics[number % len(topics)]
        paragraphs.append(
            f"Lecture {number} returns to the {word} and works example {number} through. "
            f"Every {word} in example {number} is drawn on the board beside a vector. "
            f"The class checks each step of the {word} in example {number} a second way. "
            f"A vector keeps its direction when the {word} is scaled in example {number}. "
            f"Students who practise the {word} after lecture {number} find the next easier. "
            f"The notes for example {number} end with three questions on the {word}."
        )
    notes = (source("\n\n".join(paragraphs), 1, "Linear algebra"),)
    for level in LEVELS:
        glossary = [term.term.lower() for term in lesson(notes, level).key_terms]
        assert "vector" in glossary, (level, glossary)
        assert "thunderstorms" not in glossary, (level, glossary)


def test_a_figure_caption_heads_nothing() -> None:
    sources = (
        Source(
            text="Figure: Source: How to make a multiplayer game\n\nDatagrams might reach "
            "their destination out of order or not at all.\n\nTable 2: Rates\n\nUDP can "
            "broadcast, sending datagrams to all devices on the subnet.",
            title="Primer",
            doc_id=1,
            passage_id=1,
            page=1,
            heading_path=("User datagram protocol (UDP)",),
        ),
    )
    sentences, outline = split_sources(sources)
    assert [s.path for s in sentences] == [("User datagram protocol (UDP)",)] * 2
    assert outline == [("User datagram protocol (UDP)",)]
