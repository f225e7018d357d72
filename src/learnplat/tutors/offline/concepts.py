"""The visual format's concept map: topic -> sections -> key terms -> supporting facts (cited)."""

from __future__ import annotations

import re

from learnplat.tutors import readability

from ...domain.model import ConceptNode, Level
from .analysis import Analysis
from .plan import Plan
from .plans import topic_level

# Key terms per section and facts per term grow with the level.
SHAPE: dict[Level, tuple[int, int]] = {
    "beginner": (2, 1),
    "intermediate": (3, 2),
    "advanced": (4, 3),
}
FACT_MAX_WORDS = 30


def concept_map(plan: Plan) -> ConceptNode:
    sections: list[ConceptNode] = []
    if plan.record is not None:
        sections += _topic_sections(plan)
    if plan.analysis is not None and plan.analysis.sentences:
        sections += _document_sections(plan, plan.analysis)
    return ConceptNode(plan.topic, tuple(sections))


def _document_sections(plan: Plan, analysis: Analysis) -> list[ConceptNode]:
    """A node per chapter the lesson teaches from, its terms, and short sentences using them."""
    terms_per_section, facts_per_term = SHAPE[plan.level]
    selected = plan.selected
    used: set[int] = set()
    nodes = []
    for chapter, title in enumerate(analysis.chapter_titles):
        members = [s.index for s in analysis.chapter_sentences(chapter)]
        taught = [i for i in members if i in selected]
        if not taught:
            continue
        member_set = set(members)
        ranked = sorted(
            (t for t in analysis.terms if member_set.intersection(t.sentence_ids)),
            key=lambda t: (
                -sum(1 for i in t.sentence_ids if i in selected and i in member_set),
                not t.specific,
            ),
        )
        term_nodes = []
        for term in ranked:
            # Taught sentences first, then the chapter's other short ones, most central first.
            pool = [i for i in term.sentence_ids if i in member_set and i not in used]
            pool.sort(
                key=lambda i: (
                    i not in selected,
                    analysis.sentences[i].words > FACT_MAX_WORDS,
                    -analysis.centrality[i],
                    i,
                )
            )
            facts = pool[:facts_per_term]
            if not facts:
                continue
            used.update(facts)
            term_nodes.append(ConceptNode(term.text, tuple(_fact(analysis, i) for i in facts)))
            if len(term_nodes) == terms_per_section:
                break
        if not term_nodes:
            term_nodes = [_fact(analysis, i) for i in taught[:facts_per_term]]
        nodes.append(ConceptNode(title, tuple(term_nodes)))
    return nodes


def _fact(analysis: Analysis, index: int) -> ConceptNode:
    sentence = analysis.sentences[index]
    return ConceptNode(sentence.text, citation=sentence.citation)


def _gist(sentence: str, words: int = 8) -> str:
    """A paragraph's first sentence, cut short: the heading the explanation does not have."""
    parts = sentence.rstrip(".").split()
    return " ".join(parts) if len(parts) <= words + 2 else " ".join(parts[:words]) + " …"


def _topic_sections(plan: Plan) -> list[ConceptNode]:
    """A node per paragraph of the topic's explanation, named after the first term it uses."""
    record = plan.record
    assert record is not None
    terms_per_section, facts_per_term = SHAPE[plan.level]
    level = topic_level(record, plan.level)
    paragraphs = [p for p in re.split(r"\n\s*\n", level.explanation.strip()) if p.strip()]
    remaining = list(level.key_terms)
    nodes = []
    for number, paragraph in enumerate(paragraphs, 1):
        sentences = readability.sentences(paragraph)
        mentioned = [t for t in remaining if t.term.lower() in paragraph.lower()][
            :terms_per_section
        ]
        term_nodes = []
        for term in mentioned:
            facts = [s for s in sentences if term.term.lower() in s.lower()][:facts_per_term]
            facts = facts or [term.definition]
            term_nodes.append(
                ConceptNode(
                    term.term,
                    tuple(ConceptNode(fact, citation=record.citation) for fact in facts),
                )
            )
            remaining.remove(term)
        label = _gist(sentences[0]) if sentences else f"{record.name}, part {number}"
        if term_nodes:
            nodes.append(ConceptNode(label, tuple(term_nodes)))
    if remaining:
        nodes.append(
            ConceptNode(
                "More terms",
                tuple(
                    ConceptNode(t.term, (ConceptNode(t.definition, citation=record.citation),))
                    for t in remaining
                ),
            )
        )
    return nodes
