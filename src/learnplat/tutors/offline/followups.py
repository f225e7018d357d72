"""Suggest three follow-up questions that the learner's sources (or the topic) can answer."""

from __future__ import annotations

import re
from functools import lru_cache

from .analysis import Analysis
from .answer import SentenceIndex, answer_from_index, build_index
from .defining import stems_of
from .plan import Plan
from .plans import topic_level
from .terms import Term
from .text import STOPWORDS

FOLLOW_UPS = 3
# A part of the notes that sets work rather than explains: nothing to ask "what about".
_EXERCISE_TITLE = re.compile(
    r"\b(?:test|exercises?|challenges?|quiz|practice|problems?|homework|answers?|solutions?|"
    r"references?|further reading|sources?|acknowledge?ments?|contents|index|introduction|"
    r"preface|foreword|transcriber['’]?s?|appendix|appendices|bibliography|glossary)\b",
    re.IGNORECASE,
)
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+")
_AGENT = re.compile(r"\b(?:enzyme|protein|organelle|hormone|catalyst|machine|device)s?\b", re.I)
_ACTS = re.compile(r"^\s*(?:then\s+|\w+ly\s+)?(?!is\b|was\b|has\b)[a-z]+s\b")


@lru_cache(maxsize=4)
def index_for(analysis: Analysis) -> SentenceIndex:
    # The stems ask reads questions with ("soundness" is "sound"), not the lessons' own.
    return build_index(analysis.sentences, [stems_of(s.text) for s in analysis.sentences])


def what_question(term: str, acts: bool = False) -> str:
    """ "What is RuBisCO?", "What is the Krebs cycle?", "What is meant by photolysis?"; "What
    should I know about Haydn?" (a person or a place is no "what")."""
    if _proper_word(term):
        return f"What should I know about {term}?"
    named = term != term.lower()
    # A name ending in a common noun takes "the": "the Krebs cycle", "the electron chain".
    article = "the " if not named or term.split()[-1].islower() else ""
    last = term.split()[-1]
    plural = last.islower() and last.endswith("s") and not last.endswith(("ss", "us", "is"))
    if acts:
        return f"What {'do' if plural else 'does'} {article}{term} do?"
    if plural:
        return f"What are {article}{term}?" if named else f"What are {term}?"
    return f"What is {article}{term}?" if named else f"What is meant by {term}?"


def _acts(term: Term, analysis: Analysis) -> bool:
    """An agent (a name such as "RuBisCO" or a defined enzyme or protein) that the text shows
    doing something: "RuBisCO attaches ..."; "carbon dioxide enters" does not make an agent."""
    named = any(letter.isupper() for letter in term.text[1:])
    if not named and not any(_AGENT.search(d.sentence.text) for d in term.definitions):
        return False
    pattern = re.compile(rf"\b{re.escape(term.text)}\b", re.IGNORECASE)
    for index in term.sentence_ids[:6]:
        text = analysis.sentences[index].text
        for match in pattern.finditer(text):
            if _ACTS.match(text[match.end() :]):
                return True
    return False


def _about(title: str) -> str:
    """ "What should I know about the Krebs cycle?" ("Acids and Bases" keeps its title case)."""
    title = _NUMBERING.sub("", title).strip()
    words = title.split()
    significant = [w for w in words[1:] if w.lower() not in STOPWORDS]
    title_case = bool(significant) and all(w[:1].isupper() for w in significant)
    if words and words[0][1:] == words[0][1:].lower() and not title_case:
        title = title[:1].lower() + title[1:]
    return f"What should I know about {title}?"


def _synonyms(first: Term, second: Term) -> bool:
    """One is defined in a sentence naming the other ("the Krebs cycle, also called ..."), or
    is the other's initials ("HVZK", "Honest-Verifier Zero-Knowledge")."""
    if _initials(first.text) == second.text.upper() or _initials(second.text) == first.text.upper():
        return True
    return any(d.sentence.index in second.sentence_ids for d in first.definitions) or any(
        d.sentence.index in first.sentence_ids for d in second.definitions
    )


def _initials(text: str) -> str:
    """ "HVZK" for "Honest-Verifier Zero-Knowledge"; "" for a single word."""
    words = re.findall(r"[A-Za-z]+", text)
    return "".join(word[0] for word in words).upper() if len(words) > 1 else ""


def _proper_word(text: str) -> bool:
    """One capitalised word that is no acronym: a person, a place, a product ("Beethoven")."""
    return " " not in text and text[:1].isupper() and text[1:].islower()


def _comparable(first: Term, second: Term) -> bool:
    """A thing is compared with a thing, a name with a name: never "sonata" with "Beethoven"."""
    lower = (first.text.islower(), second.text.islower())
    names = (_proper_word(first.text), _proper_word(second.text))
    return not ((lower[0] and names[1]) or (lower[1] and names[0]))


def _pair(terms: list[Term]) -> str | None:
    """Two top terms used together (twice, or once if they share a head noun, which is
    preferred), not synonyms.
    Only defined terms and names qualify: "ATP" and "NADPH", not "carbon dioxide" and "light"."""
    top = [t for t in terms if t.definitions or t.text != t.text.lower()][:15]
    pairs = [
        (a, b)
        for position, a in enumerate(top)
        for b in top[position + 1 :]
        if a.key not in b.key
        and b.key not in a.key
        and not _synonyms(a, b)
        and _comparable(a, b)
        and len(set(a.sentence_ids) & set(b.sentence_ids))
        >= (1 if a.key.split()[-1] == b.key.split()[-1] else 2)
    ]
    same_head = [(a, b) for a, b in pairs if a.key.split()[-1] == b.key.split()[-1]]
    options = same_head or pairs
    if not options:
        return None
    first, second = options[0]
    return f"How is {first.text} different from {second.text}?"


def document_candidates(plan: Plan, analysis: Analysis, wanted: int = FOLLOW_UPS) -> list[str]:
    """Up to ``wanted`` questions the notes answer, best first (each is tried on the offline
    answerer, so only as many are tried as it takes)."""
    taught = {term.term.lower() for term in plan.key_terms}
    terms = list(analysis.terms)
    # Terms the text defines but the lesson has not taught yet make the best next questions.
    fresh = sorted(
        terms, key=lambda t: (t.text.lower() in taught, not t.definitions, not t.specific)
    )
    whats = [what_question(t.text, _acts(t, analysis)) for t in fresh[:12]]
    covered = {item.chapter for item in plan.items}
    abouts = [
        _about(title)
        for title in analysis.chapter_titles
        if title not in covered and not _EXERCISE_TITLE.search(title)
    ]
    pair = _pair(terms)
    ordered = whats[:1] + ([pair] if pair else []) + abouts[:1] + whats[1:] + abouts[1:]
    index = index_for(analysis)
    answered: list[str] = []
    for question in dict.fromkeys(ordered):
        if len(answered) == wanted:
            break
        if answer_from_index(index, question).found:
            answered.append(question)
    return answered


def _as_written(term: str, text: str) -> str:
    """A glossary's capital dropped when the text writes the term in lower case ("Thylakoid")."""
    if term[1:] == term[1:].lower() and term.lower() in text:
        return term.lower()
    return term


def topic_candidates(plan: Plan) -> list[str]:
    record = plan.record
    if record is None:
        return []
    levels = ["beginner", "intermediate", "advanced"]
    taught = {term.term.lower() for term in topic_level(record, plan.level).key_terms}
    later = [level for level in levels[levels.index(plan.level) + 1 :] if level in record.levels]
    text = " ".join(level.explanation for level in record.levels.values())
    whats = [
        what_question(_as_written(term.term, text))
        for level in later
        for term in record.levels[level].key_terms
        if term.term.lower() not in taught
    ]
    related = [
        f"How is {record.name.lower()} connected to {topic_id.replace('-', ' ')}?"
        for topic_id in record.related
    ]
    curated = [exercise.question for exercise in record.questions]
    return whats[:2] + related[:1] + curated + whats[2:] + related[1:]


def follow_ups(plan: Plan) -> list[str]:
    """Three questions to ask next: about a term not yet taught, a comparison, a part not yet
    covered; the document's are kept only if the offline answerer finds them in the sources."""
    candidates: list[str] = []
    if plan.analysis is not None and plan.analysis.sentences:
        candidates += document_candidates(plan, plan.analysis)
    mixed = topic_candidates(plan)
    if candidates and mixed:
        candidates = [candidates[0], mixed[0], *candidates[1:], *mixed[1:]]
    else:
        candidates += mixed
    return list(dict.fromkeys(candidates))[:FOLLOW_UPS]
