"""Build what a teach-back is graded against: key ideas of a curated topic and/or passages."""

from __future__ import annotations

from collections.abc import Sequence

from ...domain.model import Citation, KeyIdea, Level, Reference, Source, TopicLevel, TopicRecord
from ...errors import NothingToTeach
from ..offline.analysis import analyse
from ..offline.sentences import source_citation
from ..offline.text import content_stems, tokens
from .ideas import analysis_ideas, clause_ideas, idea_count, select, term_idea

# Below this many usable sentences a text is split into clauses instead (a short model answer).
MIN_SENTENCES = 4


def build_reference(
    topic: str,
    level: Level,
    *,
    record: TopicRecord | None = None,
    sources: Sequence[Source] = (),
) -> Reference:
    """The reference for grading an explanation of ``topic`` at ``level``.

    Key ideas (6-12 for a text of a few paragraphs, fewer for a one-line model answer) come
    from the curated ``record`` at that level (its key terms with their definitions, then its
    definition and central sentences, cited to the topic library) and from the learner's
    ``sources`` (defined terms, definition and central sentences, each cited to its page),
    taken in turn. Deterministic. Raises NothingToTeach when neither is given.
    """
    if record is None and not sources:
        raise NothingToTeach(
            f"nothing to grade an explanation of {topic!r} against",
            hint="pick a curated topic or add notes that explain it",
        )
    topic_stems = frozenset(content_stems(" ".join([topic, record.name if record else ""])))
    term_groups: list[list[KeyIdea]] = []
    sentence_groups: list[list[KeyIdea]] = []
    texts: list[str] = []
    sentence_total = 0
    if record is not None:
        taught = _level_of(record, level)
        curated = tuple(
            Source(text=paragraph, title=record.citation.title)
            for paragraph in taught.explanation.split("\n\n")
            if paragraph.strip()
        )
        terms = [term_idea(t.term, t.definition, record.citation) for t in taught.key_terms]
        term_stems = [key for idea in terms for key in idea.terms]
        sentence_total += _add_ideas(
            term_groups, sentence_groups, curated, topic_stems, term_stems, terms, on_topic=False
        )
        texts.append(_record_text(record, taught))
    if sources:
        sentence_total += _add_ideas(
            term_groups, sentence_groups, tuple(sources), topic_stems, [], [], on_topic=True
        )
        texts.append("\n\n".join(source.text for source in sources))
    ideas = select(term_groups, sentence_groups, idea_count(sentence_total))
    return Reference(
        topic=topic,
        level=level,
        text="\n\n".join(texts),
        key_ideas=tuple(ideas),
        sources=tuple(sources),
    )


def _add_ideas(
    term_groups: list[list[KeyIdea]],
    sentence_groups: list[list[KeyIdea]],
    sources: tuple[Source, ...],
    topic_stems: frozenset[str],
    term_stems: list[str],
    term_ideas: list[KeyIdea],
    *,
    on_topic: bool,
) -> int:
    """Append the idea groups of ``sources``; returns how many sentences they hold.
    ``on_topic``: put what names the topic first (the learner's passages, found by searching,
    also hold neighbouring subjects; a curated topic is all about its topic)."""
    analysis = analyse(sources)
    if len(analysis.sentences) < MIN_SENTENCES and sum(len(tokens(s.text)) for s in sources) < 80:
        clauses = clause_ideas([(s.text, _citation(s)) for s in sources], topic_stems)
        sentence_groups.append(clauses)
        return len(clauses)
    defined, sentences = analysis_ideas(analysis, topic_stems, term_stems, on_topic=on_topic)
    # Key terms take at most half the places, so the ideas also say how things work.
    half = (idea_count(len(analysis.sentences)) + 1) // 2
    term_groups.append((term_ideas or defined)[:half])
    sentence_groups.append(sentences)
    return len(analysis.sentences)


def _citation(source: Source) -> Citation:
    return source_citation(source, source.text[:200])


def _level_of(record: TopicRecord, level: Level) -> TopicLevel:
    if level in record.levels:
        return record.levels[level]
    return next(iter(record.levels.values()))


def _record_text(record: TopicRecord, taught: TopicLevel) -> str:
    """The curated text at one level: summary, explanation, key terms and worked example."""
    terms = "\n".join(f"{term.term}: {term.definition}" for term in taught.key_terms)
    parts = [record.summary, taught.explanation, terms, taught.example]
    return "\n\n".join(part.strip() for part in parts if part.strip())
