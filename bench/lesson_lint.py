"""What a student would call a defect in a lesson, a quiz question or an answer, by rule.

The benchmark's own detectors, written independently of the engine's filters so that the
figures measure the engine instead of agreeing with it. Each returns a reason or None.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from learnplat.domain.model import ConceptNode, Lesson, QuizQuestion, Section, Statement

# A table of contents line: dot leaders, or a numbered title ending in a page number, or
# several numbered entries run together ("1.4.4 Expectation ... 19 1.5 Important ...").
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d|(?:\s\.){3,}\s*\d|…\s*\d+\s*$")
_TOC_ENTRY = re.compile(r"^(?:\d+(?:\.\d+)*|[IVXLC]+\.?)\s+[A-Z][^.!?]{2,80}\s\d{1,4}$")
_NUMBERED_RUN = re.compile(r"\b\d+\.\d+(?:\.\d+)?\s+[A-Z][a-z]+")
_SECTION_NUMBER_START = re.compile(r"^\d+(?:\.\d+)+\.?\s")
# Markup that leaked from a page, not a tag named in prose ("add it to the <head> element"):
# presentational tags, any tag with attributes, entities.
_RAW_HTML = re.compile(
    r"</?(?:img|p|br|div|span|a|i|b|em|strong|sup|sub|table|tr|td|th|font|center|u|hr|li|ul|"
    r"ol|h[1-6])\b[^<>]*>|<[A-Za-z][A-Za-z0-9]*\s+[a-z-]+=[^<>]*>|&(?:[a-z]+|#\d+);",
    re.IGNORECASE,
)
_MARKUP_LEAK = re.compile(r"\{:\s*\.|\{\{|\{%|^:{3,}|\]\(#|\]\[")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")
_LEANING = re.compile(
    r"^(?:this|these|those|it|they|such|he|she|that|its|their|both|either|then|thus|hence|"
    r"so|but|and|also|however|therefore|here|there)\b",
    re.IGNORECASE,
)
_MATH_CHARS = re.compile(r"[=+×÷→←↔⇒⇔∀∃∈∉⊂⊆∪∩∑∏∫√≤≥≠≈∞±^_{}|¯ˆ˜′″‹›⟨⟩]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe]")


def letters_share(text: str) -> float:
    visible = text.replace(" ", "")
    return sum(char.isalpha() for char in visible) / len(visible) if visible else 0.0


def toc_line(text: str) -> str | None:
    flat = " ".join(text.split())
    if _DOT_LEADER.search(flat):
        return "dot leaders"
    if _TOC_ENTRY.match(flat):
        return "numbered title ending in a page number"
    if len(_NUMBERED_RUN.findall(flat)) >= 2:
        return "numbered entries run together"
    if re.search(r"\bcontents\b", flat, re.IGNORECASE) and len(re.findall(r"\b\d{1,3}\b", flat)) >= 4:
        return "a contents list"
    return None


def raw_markup(text: str) -> str | None:
    if _RAW_HTML.search(text):
        return "raw HTML"
    if _MARKUP_LEAK.search(text):
        return "markup syntax"
    if _CONTROL.search(text) or _PRIVATE_USE.search(text):
        return "control or private-use characters"
    return None


def garbled_heading(heading: str, *, term: bool = False) -> str | None:
    """A heading a student could not read as a title (``term``: a key term, which may be
    written in lower case)."""
    text = heading.strip()
    if not text:
        return None
    if toc_line(text):
        return "a contents line as heading"
    if raw_markup(text):
        return "markup in heading"
    if _PRIVATE_USE.search(text) or len(_MATH_CHARS.findall(text)) >= 2:
        return "math in heading"
    if letters_share(text) < 0.6:
        return "mostly symbols or numbers"
    if text.count("›") >= 2:
        return "a breadcrumb trail"
    words = text.split()
    if len(words) > 14:
        return "a sentence, not a heading"
    if re.search(r"[a-z]{2,}[.!?]\s+[A-Z]", text):
        return "two sentences' pieces"
    if text[-1] in ",;-–(" or text.endswith((" and", " or", " of", " the", " to")):
        return "cut off"
    first = re.sub(r"^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.)\s+", "", text)
    if not term and first[:1].islower() and not re.match(r"^[a-z]+[A-Z]", first):
        return "starts in lower case"
    # A single-letter variable as a whole word beside a capitalised one ("CLT states that X¯").
    if re.search(r"\s[A-Z][¯ˆ˜]|\s[a-z]\d\b", text):
        return "a math fragment"
    return None


def fragment(text: str) -> str | None:
    """A statement that is not a complete sentence a student can read alone."""
    flat = " ".join(text.split())
    if flat.startswith(("```", "|", "> ", "Figure:")):
        return None  # a table, code, quote or caption shown as what it is
    words = flat.split()
    if len(words) < 4:
        return "fewer than four words"
    if not _TERMINAL.search(flat):
        return "no closing punctuation"
    if flat[0].islower() and flat[1:2].islower():
        return "starts mid-sentence"
    if letters_share(flat) < 0.55:
        return "mostly symbols or numbers"
    if len(_MATH_CHARS.findall(flat)) >= 4 or _PRIVATE_USE.search(flat):
        return "a math fragment"
    if _SECTION_NUMBER_START.match(flat):
        return "a section number as text"
    return None


def leaning(text: str) -> bool:
    """Opens leaning on what came before ("This shows ...", "It is ...")."""
    return _LEANING.match(text.strip()) is not None


def statement_defects(statements: Iterable[Statement]) -> list[tuple[str, str]]:
    found = []
    for statement in statements:
        if not any(c.doc_id is not None for c in statement.citations):
            continue  # the tutor's own glue text, or the shipped topic library's
        text = statement.text
        for check in (toc_line, raw_markup, fragment):
            reason = check(text)
            if reason:
                found.append((reason, text))
                break
    return found


def _sections_defects(sections: Iterable[Section], where: str) -> list[tuple[str, str]]:
    found = []
    bodies: dict[str, str] = {}
    for section in sections:
        reason = garbled_heading(section.heading)
        if reason:
            found.append((f"heading: {reason}", section.heading))
        statements = [s for paragraph in section.paragraphs for s in paragraph]
        if section.heading and not statements:
            found.append(("empty section", section.heading))
        body = " ".join(s.text for s in statements)
        if len(body.split()) >= 12:
            if body in bodies:
                found.append(("duplicated section", f"{section.heading} = {bodies[body]}"))
            bodies.setdefault(body, section.heading or where)
        found += statement_defects(statements)
        for paragraph in section.paragraphs:
            cited = [s for s in paragraph if any(c.doc_id is not None for c in s.citations)]
            if cited and leaning(cited[0].text):
                found.append(("leans on a missing antecedent", cited[0].text))
    return found


def _map_defects(node: ConceptNode, depth: int = 0) -> list[tuple[str, str]]:
    found = []
    if depth in (1, 2) and node.citation is None:
        reason = garbled_heading(node.label, term=depth == 2)
        if reason:
            found.append((f"map label: {reason}", node.label))
        if depth == 1 and not node.children:
            found.append(("empty map branch", node.label))
    elif (depth >= 3 or node.citation is not None) and not (
        node.citation is not None and node.citation.doc_id is None
    ):
        for check in (toc_line, raw_markup, fragment):
            reason = check(node.label)
            if reason:
                found.append((reason, node.label))
                break
    for child in node.children:
        found += _map_defects(child, depth + 1)
    return found


def lesson_defects(lesson: Lesson) -> list[tuple[str, str]]:
    """Every defect of ``lesson``: (reason, the text that shows it)."""
    found = _sections_defects(lesson.sections, "lesson")
    chapter_bodies: dict[str, str] = {}
    titles: dict[str, int] = {}
    for chapter in lesson.chapters:
        reason = garbled_heading(chapter.title)
        if reason:
            found.append((f"chapter title: {reason}", chapter.title))
        titles[chapter.title.lower()] = titles.get(chapter.title.lower(), 0) + 1
        found += _sections_defects(chapter.sections, chapter.title)
        body = " ".join(
            s.text for section in chapter.sections for p in section.paragraphs for s in p
        )
        if not body.strip():
            found.append(("empty chapter", chapter.title))
        elif body in chapter_bodies:
            found.append(("duplicated chapter", f"{chapter.title} = {chapter_bodies[body]}"))
        chapter_bodies.setdefault(body, chapter.title)
        for term in chapter.key_terms:
            for check in (raw_markup, toc_line):
                reason = check(f"{term.term} {term.definition}")
                if reason:
                    found.append((f"key term: {reason}", term.term))
        for exercise in chapter.exercises:
            if exercise.citation is not None and exercise.citation.doc_id is None:
                continue  # the shipped topic library's
            reason = exercise_defect(exercise.question, exercise.answer, lesson.topic)
            if reason:
                found.append((f"exercise: {reason}", exercise.question))
    found += [
        (f"chapter title repeated {count}x", title) for title, count in titles.items() if count > 1
    ]
    if lesson.concept_map is not None:
        found += _map_defects(lesson.concept_map)
    for segment in lesson.narration:
        reason = raw_markup(segment.text) or toc_line(segment.text)
        if reason:
            found.append((f"narration: {reason}", segment.text))
    for question in lesson.follow_ups:
        reason = follow_up_defect(question)
        if reason:
            found.append((f"follow-up: {reason}", question))
    for term in lesson.key_terms:
        reason = raw_markup(term.term) or garbled_heading(term.term, term=True)
        if reason:
            found.append((f"key term: {reason}", term.term))
    return found


def follow_up_defect(question: str) -> str | None:
    if not question.endswith("?"):
        return "not a question"
    if toc_line(question) or raw_markup(question):
        return "contents or markup"
    inner = re.sub(r"^(?:What|How|Why|Which|When|Where|Who)\b[^A-Za-z]*", "", question)
    if _PRIVATE_USE.search(inner) or len(_MATH_CHARS.findall(inner)) >= 2:
        return "math in the question"
    if re.search(r"\b(?:about|by|is|of)\s+\d+(?:\.\d+)*\s", question):
        return "a section number in the question"
    return None


_STOPWORDS = frozenset(
    "a an the of to in on at by for and or but is are was were be this that these those it its "
    "same which with as from not no".split()
)


def exercise_defect(question: str, answer: str, subject: str) -> str | None:
    """A fill-in or what-is exercise a student could not sensibly answer."""
    answer_flat = " ".join(answer.split())
    if toc_line(question) or raw_markup(question) or raw_markup(answer):
        return "contents or markup"
    if re.fullmatch(r"\d+(?:\.\d+)+", answer_flat):
        return "the answer is a number fragment"
    if answer_flat.lower() in _STOPWORDS:
        return "the answer is a stop word"
    if subject and answer_flat.lower() == subject.lower():
        return "the answer is the subject's own name"
    if "_____" in question:
        body = question.split(":", 1)[-1].strip().replace("_____", "Blank", 1)
        body = body.replace("_____", "blank")
        if fragment(body):
            return f"the sentence is a fragment ({fragment(body)})"
    return None


def _kind(option: str) -> tuple[bool, bool]:
    flat = option.strip()
    return (bool(re.fullmatch(r"[\d.,%\s-]+", flat)), len(flat.split()) > 6)


def question_defect(question: QuizQuestion, subject: str) -> str | None:
    """The sanity rules of issue 10 for a served quiz question."""
    stem = question.question.strip()
    answer = question.answer.strip()
    options = [option.strip() for option in question.options]
    reason = exercise_defect(stem, answer, subject)
    if reason:
        return reason
    if not stem.endswith(("?", ".")) and "_____" not in stem:
        return "the question is not a full sentence"
    if len(stem.split()) < 5:
        return "the question is too short to be a sentence"
    lowered = [o.lower() for o in options]
    if len(set(lowered)) != len(options):
        return "options repeat"
    for a in lowered:
        for b in lowered:
            if a != b and re.search(rf"(?<!\w){re.escape(a)}(?!\w)", b):
                return f"an option contains another ({a!r} in {b!r})"
    stems = {_stem(o) for o in lowered}
    if len(stems) != len(options):
        return "two options are forms of one word"
    kinds = {_kind(o) for o in options}
    if len(kinds) > 1:
        return "options of different kinds"
    for option in options:
        if option.lower() in _STOPWORDS or raw_markup(option) or letters_share(option) < 0.5:
            return f"a bad option ({option!r})"
    return None


def _stem(text: str) -> str:
    words = []
    for word in text.split():
        for suffix in ("ing", "ers", "er", "es", "s", "ed"):
            if word.endswith(suffix) and len(word) > len(suffix) + 3:
                word = word[: -len(suffix)]
                break
        words.append(word)
    return " ".join(words)


def normalise(text: str) -> str:
    # Accents go: a learner types "Schrödinger", TeX's PDF says "Schr¨odinger".
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub("[\u00a8\u00b4\u0060\u02c6\u02dc\u00b8\u02d8\u02c7]", "", text)
    text = re.sub("[\x02\ufffe\xad]\\s*", "", text)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())
