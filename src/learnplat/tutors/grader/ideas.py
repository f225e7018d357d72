"""Key ideas of a text: its defined terms, its definition sentences and its central sentences."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from ...domain.model import Citation, KeyIdea
from ..offline.analysis import Analysis
from ..offline.definitions import term_key
from ..offline.text import content_stems
from .words import content_roots

MIN_IDEAS = 6
MAX_IDEAS = 12
TERMS_PER_IDEA = 3
# Two ideas are one when most of the shorter one's words are in the other.
DUPLICATE_OVERLAP = 0.6
INFORMATIVE_WORDS = 6
# In passages found by searching, a sentence naming the topic is likelier to state its central
# idea than one on a neighbouring subject; one naming none of it still counts, for less.
TOPIC_FLOOR = 0.25
_PRONOUNS = frozenset("it this that these those they he she we you there".split())
_PARENTHESIS = re.compile(r"\s*\(([^)]+)\)\s*")
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|:|,\s+(?:and|but|so|which|while|whereas)\b|\b(?:while|whereas|because)\b)\s*"
)


def idea_count(sentences: int) -> int:
    """How many ideas a text of ``sentences`` sentences has: one per two, within 6-12."""
    return max(MIN_IDEAS, min(MAX_IDEAS, round(sentences / 2)))


def term_names(term: str) -> list[str]:
    """A term and the name in its brackets: "Consumer Price Index (CPI)" gives both."""
    names = [_PARENTHESIS.sub(" ", term).strip(), *_PARENTHESIS.findall(term)]
    return [name for name in names if term_key(name)]


def term_idea(term: str, definition: str, citation: Citation | None) -> KeyIdea:
    """A key term with its definition; the term's names signal it."""
    keys = tuple(dict.fromkeys(term_key(name) for name in term_names(term)))
    return KeyIdea(text=f"{term}: {definition.strip()}", terms=keys, citation=citation)


def sentence_idea(
    text: str,
    citation: Citation | None,
    idf: Mapping[str, float],
    term_keys: Sequence[str],
    topic_stems: frozenset[str],
) -> KeyIdea:
    """A sentence as an idea, signalled by the key terms it uses and then its rarest words."""
    stems = content_stems(text)
    joined = f" {' '.join(stems)} "
    terms = [key for key in term_keys if f" {key} " in joined and key not in topic_stems]
    distinctive = sorted(
        dict.fromkeys(s for s in stems if s not in topic_stems and not s.isdigit()),
        key=lambda s: (-idf.get(s, 0.0), -len(s), stems.index(s)),
    )
    for word in distinctive:
        if len(terms) >= TERMS_PER_IDEA:
            break
        if not any(word in term.split() for term in terms):
            terms.append(word)
    return KeyIdea(text=text, terms=tuple(terms[:TERMS_PER_IDEA]), citation=citation)


def stem_idf(stem_lists: Iterable[Sequence[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of each stem over the sentences."""
    frequency: dict[str, int] = {}
    count = 0
    for stems in stem_lists:
        count += 1
        for item in set(stems):
            frequency[item] = frequency.get(item, 0) + 1
    return {item: math.log((1 + count) / (1 + df)) + 1.0 for item, df in frequency.items()}


def topic_share(stems: Sequence[str], topic_stems: frozenset[str]) -> float:
    """The share of the topic's words a sentence names, 0..1 (0 for no topic words)."""
    return len(topic_stems.intersection(stems)) / len(topic_stems) if topic_stems else 0.0


def analysis_ideas(
    analysis: Analysis,
    topic_stems: frozenset[str],
    known_terms: Sequence[str] = (),
    *,
    on_topic: bool = False,
) -> tuple[list[KeyIdea], list[KeyIdea]]:
    """Defined key terms (each cited where it is defined) and then the definition and central
    sentences of an analysed text, each list best first. ``on_topic``: the text may stray from
    the topic (passages found by searching), so what names the topic comes first."""
    idf = stem_idf(analysis.stems)
    share = [topic_share(stems, topic_stems) for stems in analysis.stems]
    if not on_topic or not any(share):
        # A text that never names its topic ("the question") is all about it.
        share = [1.0] * len(share)
    term_keys = sorted(
        {*known_terms, *(t.key for t in analysis.terms)}, key=lambda k: (-len(k.split()), k)
    )
    defined: list[tuple[float, KeyIdea]] = []
    used: set[int] = set()
    for term in analysis.terms:
        definition = term.definition
        if definition is None or term.key in topic_stems or definition.sentence.index in used:
            continue
        used.add(definition.sentence.index)
        sentence = definition.sentence
        idea = KeyIdea(sentence.text, (term.key,), sentence.citation)
        defined.append((share[sentence.index], idea))
    sentences: list[KeyIdea] = []
    strong = [
        found[0].sentence.index
        for key, found in analysis.definitions.items()
        if found[0].strength >= 2 and key in term_keys and key not in topic_stems
    ]
    strong.sort(key=lambda index: (-share[index], index))
    for index in [*strong, *_informative_order(analysis, term_keys, share)]:
        if index in used:
            continue
        used.add(index)
        sentence = analysis.sentences[index]
        sentences.append(
            sentence_idea(sentence.text, sentence.citation, idf, term_keys, topic_stems)
        )
    # Sorting is stable: among terms naming as much of the topic, the analysis's order stays;
    # a term defined where the topic is not named belongs to a neighbouring subject.
    defined.sort(key=lambda item: -item[0])
    return [idea for found, idea in defined if found > 0], sentences


def _informative_order(
    analysis: Analysis, term_keys: Sequence[str], share: Sequence[float]
) -> list[int]:
    """Sentences by centrality, favouring those that name key terms and say enough to stand
    alone: "Sellers pull it up." is central to its paragraph but teaches little by itself."""
    keys = set(term_keys)

    def weight(index: int) -> float:
        stems = analysis.stems[index]
        joined = f" {' '.join(stems)} "
        named = sum(1 for key in keys if f" {key} " in joined)
        substance = min(1.0, len(set(stems)) / INFORMATIVE_WORDS) ** 2
        pronoun = analysis.sentences[index].text.split()[0].lower() in _PRONOUNS
        return (
            float(analysis.centrality[index])
            * (1 + 0.5 * min(named, 2))
            * substance
            * (0.6 if pronoun else 1.0)
            * (TOPIC_FLOOR + share[index])
        )

    return sorted(range(len(analysis.sentences)), key=lambda i: (-weight(i), i))


def clause_ideas(
    texts: Sequence[tuple[str, Citation | None]], topic_stems: frozenset[str]
) -> list[KeyIdea]:
    """A short text's ideas: its clauses ("X is ..., while Y is ..." gives two)."""
    from learnplat.tutors import readability

    pieces: list[tuple[str, Citation | None]] = []
    for text, citation in texts:
        for sentence in readability.sentences(text):
            clauses = [c.strip(" ,.") for c in _CLAUSE_BREAK.split(sentence) if c.strip(" ,.")]
            merged: list[str] = []
            for clause in clauses:
                if merged and len(content_stems(clause)) < 2:
                    merged[-1] = f"{merged[-1]} {clause}"
                else:
                    merged.append(clause)
            pieces.extend((clause, citation) for clause in merged if content_stems(clause))
    idf = stem_idf(content_stems(text) for text, _ in pieces)
    return [sentence_idea(text, citation, idf, (), topic_stems) for text, citation in pieces]


def is_duplicate(idea: KeyIdea, chosen: Sequence[KeyIdea]) -> bool:
    words = set(content_roots(idea.text))
    for other in chosen:
        other_words = set(content_roots(other.text))
        smaller = min(len(words), len(other_words))
        if smaller and len(words & other_words) / smaller >= DUPLICATE_OVERLAP:
            return True
        if idea.terms and idea.terms[:1] == other.terms[:1] and len(idea.terms) == 1:
            return True
    return False


def select(
    term_groups: Sequence[Sequence[KeyIdea]],
    sentence_groups: Sequence[Sequence[KeyIdea]],
    target: int,
) -> list[KeyIdea]:
    """Up to ``target`` distinct ideas: key terms first, then sentences, each kind taken in
    turn from every text (curated topic, learner's passages), each group best first."""
    chosen: list[KeyIdea] = []
    for groups in (term_groups, sentence_groups):
        queues = [list(group) for group in groups if group]
        while len(chosen) < target and any(queues):
            for queue in queues:
                while queue:
                    idea = queue.pop(0)
                    if not is_duplicate(idea, chosen):
                        chosen.append(idea)
                        break
                if len(chosen) >= target:
                    break
    return chosen
