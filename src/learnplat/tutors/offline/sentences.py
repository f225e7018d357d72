"""Cut sources into citable sentences with their heading paths; headings and fragments go."""

from __future__ import annotations

import re
import string
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from learnplat.tutors import readability

from ...domain.model import Citation, Source
from .grading import body_of
from .text import (
    EXERCISE_HEADING,
    INSTRUCTIONS,
    MATH,
    REFERENCE_HEADING,
    STOPWORDS,
    content_stems,
    tokens,
)

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# What ends a heading-like line is closing punctuation of any kind; a sentence ends in . ! ?.
_TERMINAL = re.compile(r"[.!?;:]['\"”’)\]]*$")
_SENTENCE_END = re.compile(r"[.!?]['\"”’)\]]*$")
_NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+[A-Z]")
_CODE = re.compile(r"[{};=<>]|\w_\w|\w\(|\bdef\b|\breturn\b|\bimport\b")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•◦▪‣]\s+|\d{1,3}[.)]\s+|[a-z][.)]\s+)")
# A table of contents or a book's index quoted as text: dot leaders, numbered entries run
# together ("1.4.4 Expectation ... 19 1.5 Important ..."), "Ratios, 54 et seqq.".
_DOT_LEADERS = re.compile(r"(?:\.\s?){4,}\s*\d|(?:\s\.){3,}|(?:\s\.){2,}\s*$")
_NUMBERED_ENTRY = re.compile(r"(?:^|\s)\d+\.\d+(?:\.\d+)*\s+[A-Z]")
_INDEX_ENTRY = re.compile(r"[A-Za-z]{3,},\s\d{1,4}(?:[-–]\d{1,4})?(?=[,.;\s]|$)")
# A bibliography entry: a year or an author's name opening it, then a quoted or cited title.
_REFERENCE_ENTRY = re.compile(
    r"^(?:\(?\d{4}[a-z]?\)?\.\s|[A-Z][\w'’-]+,\s(?:[A-Z][\w.]*\s?){1,3}(?:\(?\d{4}\)?)[.,])"
)
_SECTION_NUMBER = re.compile(r"^(?:\d{1,4}\s+)?\d+(?:\.\d+)+\.?\s")
# Symbols of mathematics: a sentence with many of them reads as a formula, not as prose.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# Four one-letter tokens in a row ("X n k = 0", "A B A ∩ B"): math or a diagram's labels.
_LETTER_RUN = re.compile(r"(?:(?<!\S)\S(?!\S)\s+){3,}(?<!\S)\S(?!\S)")
_OPENERS = "\"'“‘([¿¡"
# A block's label and what names or numbers it: "Definition (Special Soundness)", "Example 3".
_LABEL_NAMES = (
    "Definition|Theorem|Lemma|Corollary|Proposition|Example|Remark|Note|Notice|Question|"
    "Problem|Exercise|Announcement|Claim|Fact|Observation|Illustration"
)
_LABEL_TAG = r"(?:\s*\([^)]{1,60}\)|\s*#?\d+(?:\.\d+)*)?"
_BLOCK_LABEL = re.compile(rf"^(?:{_LABEL_NAMES}){_LABEL_TAG}[:.]?\s+(?=[A-Z])")
# A label standing alone as a sentence: "Part of the proof.", "Proof sketch.", "Example 3."
_LABEL_ONLY = re.compile(
    r"(?:(?:part|sketch|outline|idea|end)\s+of\s+(?:the\s+)?)?proof(?:\s+(?:sketch|idea|outline))?"
    r"(?:\s+of\s+(?:the\s+)?(?:theorem|lemma|claim|proposition|corollary)\s*[\w.]{0,8})?\s*[.:]?"
    rf"|(?:{_LABEL_NAMES}|Solution){_LABEL_TAG}\s*[.:]?",
    re.IGNORECASE,
)
# A slide's or a paragraph's title glued to the sentence after it: "Pinocchio Protocol Suppose we
# are given ...", "Part F We could leave ...": title-case words, then a word that opens sentences.
_GLUED_TITLE = re.compile(
    r"^(?:(?:[A-Z#\d][\w’'#:/.-]*|of|for|and|the|a|an|in|on|to|with|vs\.?)\s+){1,8}?"
    r"(?=(?:We|Now|Let|Here|Then|Next|Suppose|Recall|Consider|Notice)\b,?\s+"
    r"(?!(?:is|are|was|were|has|have|can|will)\b)[a-z(])"
)
# What points elsewhere teaches nothing itself: "See Section 7.6 for proof.", "See also [12]."
_POINTER = re.compile(
    r"^(?:see|cf\.)\s+(?:also\b|for\b|section|chapter|appendix|fig|table|page|p\.|this\b|"
    r"the\s+(?:article|paper|book|section|chapter|appendix|comment)|[\d\[(])",
    re.IGNORECASE,
)
# A number glued to letters opening a "sentence" ("3p located between ..."): mathematics that lost
# its symbols, unless an ordinal or a decade ("3rd", "19th", "1990s").
_GLUED_NUMBER = re.compile(r"^\d+(?!(?:st|nd|rd|th|s)\b)[a-z]")
# What every match of the patterns above needs, checked first: most sentences hold none of it.
_DROP_LETTERS = str.maketrans("", "", string.ascii_letters)
_NEAR_DOTS = re.compile(r"\.\s?\.")
_CODE_CHARS = ("{", "}", ";", "=", "<", ">", "_", "(", "def", "return", "import")
_DECIMAL = re.compile(r"\d\.\d")
_COMMA_NUMBER = re.compile(r",\s\d")
MIN_WORDS = 4
# A figure's caption ("Figure: Source: How to make a multiplayer game", "Table 2: Rates") heads
# nothing: the text after it is still its section's.
_FIGURE_CAPTION = re.compile(r"^(?:figure|fig\.|table)\b[^:\n]{0,12}:\s", re.I)
# A statement of three words answers a question, though a lesson wants more: "UDP is
# connectionless."
_SHORT_STATEMENT = re.compile(r"[A-Z][\w-]*\s+(?:is|are|was|were)\s+[a-z][\w-]+\.")
POINT_MIN_WORDS = 5
HEADING_MAX_WORDS = 14
MAX_MATH_SYMBOLS = 3


def block_kind(block: str) -> str:
    """What a block of passage text is, by its form alone (the light-Markdown contract of
    ``services/extract/model.py``): paragraph, list, table, code, quote, caption or math."""
    lines = [line for line in block.split("\n") if line.strip()]
    first = lines[0].lstrip() if lines else ""
    if first.startswith("```"):
        return "code"
    if first.startswith("$$"):
        return "math"
    if first.startswith("Figure:") and len(lines) == 1:
        return "caption"
    if len(lines) > 1 and all(line.lstrip().startswith("|") for line in lines):
        return "table"
    if all(line.startswith(">") for line in lines):
        return "quote"
    if all(_LIST_MARKER.match(line) for line in lines):
        return "list"
    return "paragraph"


def prose_of(block: str) -> list[str]:
    """The runs of prose a block holds: a paragraph; each item of a list; a quote's text; none
    of a table, code, a caption or a formula."""
    kind = block_kind(block)
    if kind == "paragraph":
        return [block]
    if kind == "list":
        return [_LIST_MARKER.sub("", line).strip() for line in block.split("\n") if line.strip()]
    if kind == "quote":
        return [" ".join(line.lstrip(">").strip() for line in block.split("\n"))]
    return []


def table_rows(block: str) -> list[str]:
    """A table's data rows as "cell — cell — cell" lines (the header and rule left out): the
    points an answer may quote from a table."""
    rows = [line.strip() for line in block.split("\n") if line.strip().startswith("|")]
    found = []
    for row in rows[2:]:
        cells = [" ".join(cell.split()) for cell in re.split(r"(?<!\\)\|", row.strip("|"))]
        text = " — ".join(cell.replace("\\|", "|") for cell in cells if cell)
        if text:
            found.append(text)
    return found


@dataclass(frozen=True)
class Sentence:
    """One sentence of a source in reading order, with the headings in force where it stands."""

    index: int
    text: str
    citation: Citation
    path: tuple[str, ...]
    words: int
    # "item": a point of a list that says something but is not a sentence ("Create your scales:
    # these convert your data into the pixel space"); answers may use it, lessons do not.
    kind: str = "sentence"

    @property
    def grade(self) -> float:
        """Its Flesch-Kincaid grade (counts are cached per text, so this is cheap to repeat)."""
        return body_of((self.text,)).grade


def is_heading_like(paragraph: str) -> bool:
    """A short line without closing punctuation that starts like a title: "2.1 Light reactions"."""
    stripped = paragraph.strip()
    if not stripped or "\n" in stripped or _TERMINAL.search(stripped) or stripped.endswith(","):
        return False
    return len(stripped.split()) <= HEADING_MAX_WORDS and (
        stripped[0].isupper() or stripped[0].isdigit()
    )


def is_fragment(sentence: str) -> bool:
    """Not a complete sentence a learner can read on its own: too short, no closing . ! or ?,
    a tail that starts in lower case or with punctuation, unbalanced brackets, a contents or
    index line, a section number, program code, or mathematics that did not survive as text."""
    words = sentence.split()
    if len(words) < MIN_WORDS or _LABEL_ONLY.fullmatch(sentence.strip()):
        return True
    if _POINTER.match(sentence) or _GLUED_NUMBER.match(sentence):
        return True
    if _few_letters(sentence):
        return True
    if not _SENTENCE_END.search(sentence):
        return True  # a heading residue, a lead-in to a list or formula, a cut sentence
    first = sentence[0]
    if not (first.isalnum() or first in _OPENERS):
        return True
    # A page that begins mid-sentence leaves a tail that cannot stand alone ("a direction is
    # called a vector"). ("pH" and "mRNA" start in lower case too, but hold a capital.)
    first_word = sentence.split()[0].strip(",;:")
    if first.islower() and (sentence[1:2].islower() or first_word.islower()):
        return True
    if any(mark in sentence for mark in _CODE_CHARS) and len(_CODE.findall(sentence)) >= 3:
        return True  # a line of program code
    if _unbalanced(sentence):
        return True
    if _dot_leaders(sentence) or (
        _DECIMAL.search(sentence) and len(_NUMBERED_ENTRY.findall(sentence)) >= 2
    ):
        return True
    if _COMMA_NUMBER.search(sentence) and len(_INDEX_ENTRY.findall(sentence)) >= 2:
        return True
    if _SECTION_NUMBER.match(sentence):
        return True
    if _REFERENCE_ENTRY.match(sentence):
        return True  # "2017. “Tools and Workflows ...”": an entry of a reading list
    if _PRIVATE_USE.search(sentence) or len(MATH.findall(sentence)) > MAX_MATH_SYMBOLS:
        return True
    return _letter_run(words, sentence)


def _few_letters(text: str) -> bool:
    """Under 60% of the visible characters are letters (A-Z, a-z)."""
    visible = text.replace(" ", "")
    return len(visible) - len(visible.translate(_DROP_LETTERS)) < 0.6 * len(visible)


def _dot_leaders(text: str) -> bool:
    return _NEAR_DOTS.search(text) is not None and _DOT_LEADERS.search(text) is not None


def _letter_run(words: list[str], text: str) -> bool:
    """Four one-character tokens in a row (``_LETTER_RUN``); the count of them is checked first."""
    return sum(len(word) == 1 for word in words) >= 4 and _LETTER_RUN.search(text) is not None


def _unbalanced(text: str) -> bool:
    return any(text.count(left) != text.count(right) for left, right in ("()", "[]", "“”"))


def _next_path(
    path: tuple[str, ...], heading: str, known: dict[str, list[tuple[str, ...]]]
) -> tuple[str, ...]:
    """The heading path after ``heading`` appears inside a passage: where other passages place
    it (under the current path if it is used in several places), else by its numbering, else
    as a sibling of the current heading."""
    places = known.get(heading, [])
    nested = [p for p in places if path[: len(p) - 1] == p[:-1]]
    if nested or len(places) == 1:
        return (nested or places)[0]
    numbered = _NUMBERED_HEADING.match(heading)
    if numbered:
        depth = numbered.group(1).count(".") + 1
        return (*path[: depth - 1], heading)
    return (*path[:-1], heading) if path else (heading,)


def _known_places(sources: Sequence[Source]) -> dict[str, list[tuple[str, ...]]]:
    """Every heading's paths, as passages that start under it record them."""
    known: dict[str, list[tuple[str, ...]]] = {}
    for source in sources:
        for depth, heading in enumerate(source.heading_path, start=1):
            places = known.setdefault(heading, [])
            if source.heading_path[:depth] not in places:
                places.append(source.heading_path[:depth])
    return known


def source_citation(source: Source, quote: str) -> Citation:
    return Citation(
        title=source.title,
        doc_id=source.doc_id,
        page=source.page,
        unit_name=source.unit_name,
        passage_id=source.passage_id,
        quote=quote,
        page_label=source.page_label,
    )


def is_item(text: str) -> bool:
    """A list point worth quoting though it is not a sentence: some words, mostly letters, no
    contents line, no bare link."""
    words = text.split()
    if len(words) < MIN_WORDS or "://" in text or _unbalanced(text):
        return False
    if _few_letters(text) or _dot_leaders(text) or _PRIVATE_USE.search(text):
        return False
    return len(MATH.findall(text)) <= MAX_MATH_SYMBOLS and not _letter_run(words, text)


# A lead-in the points after it complete ("Use UDP over TCP when:"), and one that says nothing
# without what follows ("The inner product is defined as:", "It does the following:").
CONDITION_LEAD_IN = re.compile(r"\b(?:when|if|unless|because|whenever|where|while)\s*:$", re.I)
_POINTS_ON = re.compile(
    r"\bthe\s+following\b|\b(?:follows|below|these|this|here|examples?|formula)\s*:$", re.I
)


def _leads_in(text: str, before_list: bool) -> str | None:
    """A clause leading in to a list or a formula that says something: as it is, before a list
    whose points complete it ("Use UDP over TCP when:"); as a statement, before anything else
    ("Overall availability decreases when two components are in sequence."); None for any other
    line ending in a colon (before a list, it is the list's label: "Steps to starting with d3:")."""
    stripped = text.rstrip()
    if not stripped.endswith(":") or stripped.endswith("):") or _POINTS_ON.search(stripped):
        return None  # ... or a label glossed in brackets: "Bl.ocks (the home for d3 modules):"
    statement = stripped[:-1].rstrip() + "."
    if is_fragment(statement):
        return None
    if before_list:
        return stripped if CONDITION_LEAD_IN.search(stripped) else None
    words = tokens(stripped)
    if not words or words[-1] in STOPWORDS or words[0] in INSTRUCTIONS:
        return None  # "The inner product is defined as:", "Consider three systems ...:"
    return statement


def _list_at(paragraphs: Sequence[str], number: int) -> bool:
    return number < len(paragraphs) and block_kind(paragraphs[number]) == "list"


def as_statement(point: str) -> str | None:
    """A list point that states something, closed with a full stop ("Create your scales: these
    convert your data into the pixel space" -> "... space."); None for a lead-in, a label, or a
    point that would still not be a sentence."""
    text = " ".join(point.split())
    if len(text.split()) < POINT_MIN_WORDS or not text[:1].isupper() or text.endswith(":"):
        return None
    text = text.rstrip(";,") + "."
    return None if is_fragment(text) else text


RESTATE_WINDOW = 40


def _restates(words: set[str], recent: deque[set[str]]) -> bool:
    """Says nothing the last few sentences did not: every content word (four or more) is in one
    of them ("LJ potential is always truncated at the cutoff distance." after "We have learned
    that the LJ potential is always truncated at the cutoff distance.")."""
    return len(words) >= 4 and any(words <= other for other in recent)


def split_sources(
    sources: Sequence[Source],
    *,
    items: bool = False,
    points: bool = False,
    questions: bool = True,
    exercises: bool = True,
) -> tuple[list[Sentence], list[tuple[str, ...]]]:
    """Every usable sentence of ``sources`` in their order (repeated text dropped), and the
    outline: every heading path in reading order, including those with no sentence of their own.
    With ``items``, list points that are not sentences come too, as written (``kind`` "item");
    with ``points``, those that state something come as sentences (``as_statement``, ``kind``
    "point"): slides and handouts say most of what they say in lists. Without ``questions``, the
    notes' own questions ("What is cognitive load?") are left out: they teach nothing; without
    ``exercises``, so is what stands under an exercises heading ("Practice Exercises") or a
    reading list's ("Source(s) and further reading")."""
    found: list[Sentence] = []
    seen: set[str] = set()
    recent: deque[set[str]] = deque(maxlen=RESTATE_WINDOW)
    outline: dict[tuple[str, ...], None] = {}
    known = _known_places(sources)
    for source in sources:
        path = source.heading_path
        headed = bool(source.heading_path)
        if path:
            outline.setdefault(path)
        paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(source.text) if p.strip()]
        for number, paragraph in enumerate(paragraphs):
            if is_heading_like(paragraph) and not _FIGURE_CAPTION.match(paragraph):
                if headed or paragraph in source.heading_path or _NUMBERED_HEADING.match(paragraph):
                    path = _next_path(path, paragraph, known)
                    outline.setdefault(path)
                continue
            if not exercises and any(EXERCISE_HEADING.match(h) for h in path[-2:]):
                continue
            if not exercises and path and REFERENCE_HEADING.search(path[-1]):
                continue  # a reading list teaches nothing: "The coming of the shard."
            kind_of_block = block_kind(paragraph)
            # A table's rows are points like a list's: an answer may quote them, and a lesson
            # teach those that state something ("Switching function — modifies the shape ...").
            listed = kind_of_block == "list" or (
                kind_of_block == "table" and (items or points)
            )
            runs = table_rows(paragraph) if listed and kind_of_block == "table" else prose_of(
                paragraph
            )
            for prose in runs:
                pieces = readability.sentences(prose)
                if listed and len(pieces) > 1 and any(map(is_fragment, pieces)):
                    pieces = [" ".join(prose.split())]  # "Create your scales: these ..."
                for quote in pieces:
                    if quote in seen or (not questions and quote.rstrip("\"'”’)").endswith("?")):
                        continue
                    # "Theorem Okamoto's Protocol is ...": a slide's block title glued on.
                    text = _GLUED_TITLE.sub("", _BLOCK_LABEL.sub("", quote, count=1), count=1)
                    kind = "sentence"
                    if is_fragment(text):
                        statement = as_statement(quote) if listed and points else None
                        if listed and items and is_item(quote):
                            kind = "item"
                        elif items and _SHORT_STATEMENT.fullmatch(text):
                            pass  # "UDP is connectionless.": too short to teach, not to answer
                        elif items and (said := _leads_in(text, _list_at(paragraphs, number + 1))):
                            # "Use UDP over TCP when:", quoted with the points it leads to;
                            # "Overall availability decreases when ... in sequence:", a statement.
                            text = said
                        elif statement is not None:
                            text, kind = statement, "point"
                        else:
                            continue
                    seen.add(quote)
                    words = set(content_stems(text))
                    if _restates(words, recent):
                        continue  # notes that say it twice (prose, then the same as bullets)
                    recent.append(words)
                    citation = source_citation(source, quote)
                    found.append(
                        Sentence(len(found), text, citation, path, len(text.split()), kind)
                    )
    return found, list(outline)
