"""Answer a question from the sources: the passage that answers it, cited, or "not covered".

A question is read for its kind and focus (``question.py``); the sources' sentences are scored
by BM25 with their context (``answer_index.py``, ``answer_quality.py``). "What is X?" is answered
where the notes introduce X: the earliest sentence that defines it (``defining.py``: "X is ...",
"... is called X", the first words under a heading "X", a short name the notes give it), with
the fullest definition from elsewhere. Other questions are answered by the best-scored
sentence, or, with the semantic tier, by the candidate answer closest in meaning and words.
Each answer is a sentence with what it leans on and what goes on from it
(``answer_window.py``), so it reads as a passage rather than three lines from three pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ...domain.model import Answer, Source, Statement
from ..render import ended
from .answer_index import (
    ListKey,
    SentenceIndex,
    bm25,
    build_index,
    first_in_section,
    index_of,
    reading_order,
    same_passage,
)
from .answer_quality import context, penalty_of
from .answer_window import CUES, MAX_SENTENCES, is_question, leans, surrounding
from .defining import aliases, defines, mentions, names_all, root, stems_of
from .paraphrase import everyday, paraphrases
from .question import (
    KIND_HEADS,
    NUMBER_WORDS,
    Question,
    content_words,
    focus_phrases,
    read_question,
)
from .sentences import Sentence
from .text import points_elsewhere, stands_alone, stem, tokens

__all__ = ["SentenceIndex", "answer", "answer_from_index", "build_index", "search"]

# Share of the question's weight (idf) the answer must mention, when it names no focus: the
# service has said "not covered" already where the words the question turns on are missing,
# so this only keeps out an answer that says too little of what is asked.
COVERAGE = 0.35
# A sentence from another place joins the answer when it scores at least this share of the best.
SECOND_PLACE = 0.6
# An answer this close in meaning answers even in other words (the semantic tier's cosine).
MEANING_CONFIDENT = 0.5
# How many of the best-scored sentences' answers meaning chooses among.
CANDIDATE_ANSWERS = 8
# How many of the best-scored sentences are tried when the best says too little.
NEXT_BEST = 4
# An earlier definition as strong as the best one wins when it scores this share of it.
EARLIER_DEFINITION = 0.5
DEFINES_BOOST = {3: 2.6, 2: 2.0, 1: 1.4}
SUBJECT_BOOST, HEADING_BOOST, CUE_BOOST, ACTION_BOOST = 1.3, 1.2, 1.35, 1.4
# "How many ...?" without a number says nothing of what is asked.
QUANTITY_BOOST = 2.0
NOTES_BOOST = 1.5
# The notes' word for the learner's everyday one ("frequent" for "often") counts at this share.
PARAPHRASE_SHARE = 0.6
# A sentence that leans on the one before needs it to be read: an answer of its own is better.
LEANING_PENALTY = 0.75
_ARTICLES = frozenset(("the", "a", "an"))
_ABOUT_WORD = re.compile(r"\b(?:word|term|name)\b", re.I)
# Where a word comes from says what it first meant: "The word sonata was derived originally from
# the Italian word suonare", "the origin of the word tragedy", "literally 'goat song'".
_ORIGIN = re.compile(
    r"\b(?:derived|derives|comes?|came|borrowed|taken)\s+(?:\w+\s+)?from\b|"
    r"\b(?:origin|originally|literally|etymology)\b",
    re.I,
)
_NOT_ACTIONS = frozenset("is was has does".split())
# A definition by what a thing does: "... is a script which takes in data".
_DOES_CLAUSE = re.compile(r"\b(?:which|that|who)\s+(?:\w+ly\s+)?(?!is\b|was\b|has\b)[a-z]+s\b")
# What the learner asks how to do: "How do you turn ... into ...?", "How should I start ...?".
_HOW_VERB = re.compile(
    r"^how\s+(?:do|does|did|can|could|should|would|will|may|might)\s+"
    r"(?:you|i|we|one|they|people|someone|a\s+learner)\s+(?P<verb>[a-z]+)\b",
    re.I,
)
# "How many ...?", "How long ...?": answered by a number or an amount.
_HOW_MANY = re.compile(r"^how\s+(?:many|much|long|often|far|big|large|old|fast)\b", re.I)
_QUANTITY = re.compile(
    rf"\d|\b(?:{'|'.join(NUMBER_WORDS[2:])}|twelve|twenty|dozens?|hundreds?|thousands?|millions?)\b",
    re.I,
)
# What answers a yes-or-no question says yes or no, or how far ("there is no requirement for a
# trusted setup", "however small the perturbation is").
_POLARITY = re.compile(
    r"\b(?:no|not|never|nothing|none|only|always|even|still|however|irrespective|regardless|"
    r"without|both|either|neither)\b|n't\b",
    re.I,
)


def _acts(sentence: Sentence, terms: dict[str, str]) -> bool:
    """A question word is followed (perhaps after an adverb) by a verb: "RuBisCO then binds"."""
    words = tokens(sentence.text)
    for position, word in enumerate(words):
        if stem(word) in terms:
            after = words[position + 1 : position + 3]
            if after and (after[0] == "then" or after[0].endswith("ly")):
                after = after[1:]
            if after and after[0].endswith("s") and after[0] not in _NOT_ACTIONS:
                return True
    return False


@dataclass(frozen=True)
class _Scored:
    position: int
    score: float
    defines: int
    penalty: float = 1.0  # what makes it a poor answer (``_penalty``), already in the score
    # The fullest phrase of the focus it names (its place in the phrases), or -1 for none.
    names: int = -1


def _focus_phrases(index: SentenceIndex, question: Question) -> list[tuple[str, int]]:
    """The phrases an answer to "what is X?" may name, each with its rank (0 the fullest): X's
    (``focus_phrases``), each followed by the short names the sources give it ("universe of
    discourse (UD)"), which rank as it does."""
    if not question.focus:
        return []
    phrases: list[tuple[str, int]] = []
    for rank, phrase in enumerate(focus_phrases(question.focus)):
        phrases.append((phrase, rank))
        phrases += [(alias, rank) for alias in aliases(phrase, index.original)]
    return phrases


def _rank(
    index: SentenceIndex, question: Question, phrases: list[tuple[str, int]]
) -> list[_Scored]:
    """Every sentence sharing a content word with the question, best first."""
    weights = {term: index.idf(term) for term in question.terms}
    for item in paraphrases(question.text):
        weights.setdefault(item, PARAPHRASE_SHARE * index.idf(item))
    phrase_stems = [stems_of(phrase) for phrase, _rank in phrases]
    # What a section headed "Eventual consistency" says first defines it, in whatever words;
    # a sentence naming the focus by the short name the notes give it says the focus too.
    opening = {
        p
        for p, s in enumerate(index.sentences)
        if phrases
        and s.path
        and stems_of(s.path[-1]) in phrase_stems
        and first_in_section(index, p)
    }
    also = {p: phrase_stems[0] for p in opening}
    for stems in phrase_stems:
        for p in index.postings.get(stems[0], ()) if stems else ():
            if mentions(index.stems[p], stems):
                also.setdefault(p, phrase_stems[0])
    said = {p for term in weights for p in index.postings.get(term, ())}
    candidates = sorted(said | set(also))
    cue = CUES.get(question.kind) or (_POLARITY if question.kind == "yesno" else None)
    verb = _HOW_VERB.match(question.text)
    doing = stem(verb.group("verb").lower()) if verb else ""
    counting = _HOW_MANY.match(question.text) is not None
    scored = []
    for position in candidates:
        sentence = index.sentences[position]
        score = bm25(index, position, weights, also.get(position, ()))
        score += context(index, position, weights)
        defining = max(
            (
                defines(sentence, phrase, stems)
                for (phrase, _rank), stems in zip(phrases, phrase_stems, strict=True)
            ),
            default=0,
        )
        if position in opening or (question.about_word and _ABOUT_WORD.search(sentence.text)):
            # ... or, asked about a word, the sentence that speaks of the word ("we find the word
            # sonata applied to ..."), and most of all the one that says where it comes from.
            defining = max(defining, 2)
            if question.about_word and _ORIGIN.search(sentence.text):
                defining = 3
        sentence_stems = index.stems[position]
        names = next(
            (
                rank
                for (_phrase, rank), stems in zip(phrases, phrase_stems, strict=True)
                if mentions(sentence_stems, stems)
                or (position in opening and stems_of(sentence.path[-1]) == stems)
                or (defining >= 2 and names_all(sentence_stems, stems))
            ),
            -1,
        )
        headed = any(mentions(stems_of(h), stems) for stems in phrase_stems for h in sentence.path)
        if defining and (not question.asks_action or _DOES_CLAUSE.search(sentence.text)):
            # Asked what a thing does, a definition saying it ("a script which takes in data")
            # answers too.
            score *= DEFINES_BOOST[defining]
        first = [stem(t) for t in tokens(sentence.text)[:3] if t not in ("the", "a", "an")]
        if first and first[0] in question.terms and not question.asks_action:
            score *= SUBJECT_BOOST
        if not stands_alone(sentence.text):
            score *= LEANING_PENALTY
        if headed:
            score *= HEADING_BOOST
        if cue is not None and cue.search(sentence.text):
            score *= CUE_BOOST
        if question.asks_action and _acts(sentence, question.terms):
            score *= ACTION_BOOST
        if doing and doing in sentence_stems and len(set(sentence_stems) & set(weights)) > 2:
            # "How do you turn X into Y?": "... to turn X into Y", the action on what is asked.
            score *= ACTION_BOOST
        if counting and _QUANTITY.search(sentence.text):
            score *= QUANTITY_BOOST  # "How many ...?" is answered by a number
        if sentence.citation.doc_id is not None:
            score *= NOTES_BOOST  # the learner's own notes before the topic library
        penalty = penalty_of(index, position, question)
        scored.append(_Scored(position, score * penalty, defining, penalty, names))
    # Ties go to the earlier sentence: a term is defined where the notes introduce it.
    scored.sort(key=lambda s: (-s.score, s.position))
    return scored


def _goes_on(index: SentenceIndex, position: int) -> bool:
    """The sentence after, in the same passage, says more of the same thing (shares a word)."""
    following = position + 1
    return same_passage(index, position, following) and bool(
        set(index.stems[position]) & set(index.stems[following])
    )


def _first_definition(index: SentenceIndex, naming: list[_Scored]) -> int:
    """The best sentence naming the focus, unless an earlier one defines it too and scores
    nearly as well: a term is defined where the notes introduce it."""
    top = naming[0]
    # Not an earlier one pointing at what the reader cannot see ("the line AB in the figure"),
    # nor a question of the notes' own.
    rivals = [
        s
        for s in naming
        if s.defines >= 2
        and s.score >= EARLIER_DEFINITION * top.score
        and not points_elsewhere(index.sentences[s.position].text)
        and not is_question(index.sentences[s.position].text)
    ]
    if not rivals:
        return top.position
    # One that reads alone before one that leans on what came before ("We call such an
    # argument 'valid'" after "An argument is valid if ...").
    alone = [s for s in rivals if not leans(index.sentences[s.position].text)] or rivals
    return min((s.position for s in alone), key=lambda p: reading_order(index, p))


def _coverage(index: SentenceIndex, positions: Sequence[int], question: Question) -> float:
    """Share of the question's weight the sentences mention; words that no sentence of the
    sources uses do not count (they are the learner's wording, or the service would have
    said "not covered")."""
    weights = {term: index.idf(term) for term in question.terms if term in index.postings}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    said = set().union(*(index.frequencies[p] for p in positions))
    # What the answer's headings say, it says in context ("A cutoff introduces a discontinuity"
    # under "Truncation of Lennard-Jones interactions").
    said |= {item for p in positions for h in index.sentences[p].path for item in stems_of(h)}
    return sum(weight for term, weight in weights.items() if term in said) / total


def _by_meaning(
    index: SentenceIndex, question: Question, ranked: list[_Scored]
) -> tuple[int, float]:
    """The sentence whose answer (it and the sentences that go with it), among those of the
    best-scored sentences, is closest to the question in meaning and words blended, with its
    cosine; the best-scored sentence and 0 without the semantic tier."""
    from .meaning import blend

    candidates: list[tuple[_Scored, tuple[int, ...]]] = []
    for scored in ranked[:CANDIDATE_ANSWERS]:
        window = tuple(surrounding(index, scored.position, question))
        if window not in [w for _s, w in candidates]:
            candidates.append((scored, window))
    texts = [" ".join(index.sentences[p].text for p in window) for _s, window in candidates]
    blended = blend(question.text, [s.score for s, _window in candidates], texts)
    if blended is None:
        return ranked[0].position, 0.0
    scores, cosines = blended
    # A reference or a caption close in meaning is still no answer.
    scores = [score * s.penalty for score, (s, _window) in zip(scores, candidates, strict=True)]
    best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    return candidates[best][0].position, cosines[best]


def _listed(index: SentenceIndex, question: Question, phrases: list[tuple[str, int]]) -> list[int]:
    """Asked for a number of things ("What are the three types of cognitive load?"), the points
    of a list as long, whose lead-in gives the number ("... attend to three types of things:")
    and which names, there or in its headings, what is asked about or the kind of thing asked
    for; none where no list fits."""
    if not question.count:
        return []
    lists: dict[ListKey, list[int]] = {}
    for position, (key, _lead_in) in index.lead_ins.items():
        lists.setdefault(key, []).append(position)
    number = {str(question.count), NUMBER_WORDS[question.count]}
    wanted = {item for phrase, _rank in phrases for item in stems_of(phrase)}
    wanted |= set(stems_of(question.things))
    fitting: list[tuple[int, tuple[int, int, int, int], list[int]]] = []
    for points in lists.values():
        lead_in = index.lead_ins[points[0]][1]
        if len(points) != question.count or not number & set(tokens(lead_in)):
            continue
        said = set(stems_of(lead_in))
        said |= {item for heading in index.sentences[points[0]].path for item in stems_of(heading)}
        if said & wanted:
            fitting.append((-len(said & wanted), reading_order(index, points[0]), points))
    return min(fitting)[2] if fitting else []


def _naming(ranked: list[_Scored]) -> list[_Scored]:
    """The ranked sentences that name what "what is X?" asks about, under the fullest of its
    phrases that any sentence names."""
    named = [s.names for s in ranked if s.names >= 0]
    return [s for s in ranked if s.names == min(named)] if named else []


def search(
    index: SentenceIndex, question_text: str, *, semantic: bool = False
) -> tuple[list[int], Question]:
    """The answer's sentences in reading order (empty when the sources do not answer), and
    the question as read. ``semantic`` blends in meaning where the tier is installed."""
    question = read_question(question_text)
    phrases = _focus_phrases(index, question)
    ranked = _rank(index, question, phrases)
    listed = _listed(index, question, phrases)
    if listed:
        return listed, question
    if not ranked or ranked[0].score <= 0:
        return [], question
    best, cosine = ranked[0].position, 0.0
    # "What is X?" is answered by a sentence that names X; where none does, by the best
    # sentence (by meaning too, where the tier is installed), if it says enough of what is
    # asked.
    naming = _naming(ranked)
    defined = any(s.defines for s in naming)
    if naming and not question.asks_action and (defined or not semantic):
        best = _first_definition(index, naming)
    elif semantic:
        # What a thing does, what no sentence defines, or anything but what a thing is, may
        # be said in other words.
        pool = naming or ranked
        if _HOW_MANY.match(question.text):
            # "How many ...?" is answered by a number, however close in meaning the rest is.
            pool = [s for s in pool if _QUANTITY.search(index.sentences[s.position].text)] or pool
        best, cosine = _by_meaning(index, question, pool)
    elif naming:
        best = naming[0].position
    chosen = _answer_at(index, question, ranked, naming, best, cosine)
    if not chosen and semantic:
        # Meaning chose a passage that says too little of what is asked: the words' choice.
        chosen = _answer_at(index, question, ranked, naming, (naming or ranked)[0].position, 0.0)
    for other in [] if chosen or naming else ranked[1:NEXT_BEST]:
        # The best passage says only one of the things asked about: the next ones may say more.
        if other.score >= SECOND_PLACE * ranked[0].score:
            chosen = _answer_at(index, question, ranked, naming, other.position, 0.0)
            if chosen:
                break
    return sorted(chosen, key=lambda p: reading_order(index, p)), question


def _answer_at(
    index: SentenceIndex,
    question: Question,
    ranked: list[_Scored],
    naming: list[_Scored],
    best: int,
    cosine: float,
) -> list[int]:
    """The answer resting on the sentence at ``best``: it with what goes with it, and what
    other places add; empty when it says too little of what is asked (``COVERAGE``), unless it
    is close in meaning (``cosine``)."""
    chosen = surrounding(index, best, question)
    best_score = ranked[0].score
    named = {s.position for s in naming}
    others = ranked[:10]
    if naming and not question.asks_action:
        others = sorted(others, key=lambda s: -s.defines)  # the fullest definition first
    for other in others:
        # Another place may say more about it: what a thing does besides what it is, or what
        # the first place leaves out.
        if len(chosen) >= MAX_SENTENCES:
            break
        if other.score < SECOND_PLACE * best_score:
            continue
        position = other.position
        text = index.sentences[position].text
        if position in chosen or not stands_alone(text) or points_elsewhere(text):
            continue  # another place's sentence must read alone: no "the line AB in the figure"
        if index.sentences[position].citation.doc_id != index.sentences[best].citation.doc_id:
            continue  # ... and come from the same document: an answer is not a collage
        if naming:
            if position not in named:
                continue
        else:
            covered = set().union(*(index.frequencies[p] for p in chosen))
            adds = (set(index.frequencies[position]) & set(question.terms)) - covered
            if all(everyday(question.terms[term]) for term in adds):
                continue  # it adds nothing, or only the learner's everyday verb ("pick")
        chosen.append(position)
    if len(chosen) == 1 and _goes_on(index, chosen[0]):
        # One sentence is a thin answer: the notes' next sentence on the same thing goes with it
        # ("... starts to modify the LJ potential to bring it to zero at the cutoff distance. The
        # advantage is that the forces are modified only near the cutoff boundary").
        chosen.append(chosen[0] + 1)
    confident = cosine >= MEANING_CONFIDENT
    if naming and naming[0].names > 0 and not _says_the_rest(index, chosen, question):
        return []
    if not naming and not confident and (
        _coverage(index, chosen, question) < COVERAGE or _says_one_thing(index, chosen, question)
    ):
        return []
    return chosen


def _says_one_thing(index: SentenceIndex, chosen: Sequence[int], question: Question) -> bool:
    """Of the question's words the sources use, the answer says only one, though they use
    more: "An antelope is bigger than a bread box" for "How do I bake bread in a home oven?"."""
    present = {term for term in question.terms if term in index.postings}
    said = set().union(*(index.frequencies[p] for p in chosen))
    return len(present) >= 2 and len(present & said) < 2


def _says_the_rest(index: SentenceIndex, chosen: Sequence[int], question: Question) -> bool:
    """An answer naming only the head of what is asked ("capital" of "the capital of
    Australia") says the rest too, where the sources do: "The capital letter N is used for
    negation" is no answer, though "Australia" is in the notes."""
    said = set().union(*(index.frequencies[p] for p in chosen))
    said |= {item for p in chosen for h in index.sentences[p].path for item in stems_of(h)}
    for word in content_words(question.focus or ""):
        if word.lower() in KIND_HEADS:
            continue  # "the cache-aside pattern" is what the notes call "cache-aside"
        item = stem(root(word.lower()))
        in_sources = item in index.postings or re.search(
            rf"\b{re.escape(word.lower())}\b", index.text
        )
        if in_sources and item not in said:
            return False
    return True


def not_covered_text(index: SentenceIndex, question: Question) -> str:
    """Says what is missing without naming a word the sources do contain (the sentence
    index sees sentences only, so the sources' whole text is checked)."""
    if question.focus and question.focus.lower() not in index.text:
        return f"Your notes don't cover this: nothing in them mentions “{question.focus}”."
    if question.focus:
        return f"Your notes don't cover this: they never say what “{question.focus}” is."
    return "Your notes don't cover this: none of their passages answers it."


def _with_points(index: SentenceIndex, position: int, chosen: Sequence[int]) -> str:
    """The sentence, and, for a lead-in ("... that preserves:"), the short points of its list
    that the answer does not quote before it ("inputs; degrees; connections; port numbers.")."""
    text = index.sentences[position].text
    said = " ".join(index.sentences[p].text for p in chosen if p < position)
    points = [point for point in index.points.get(position, ()) if point not in said]
    if not points:
        return text
    listed = "; ".join(point.rstrip(".;,") for point in points)
    return f"{text.rstrip()} {listed}."


def answer_from_index(
    index: SentenceIndex, question_text: str, *, semantic: bool = False
) -> Answer:
    chosen, question = search(index, question_text, semantic=semantic)
    if not chosen:
        return Answer(question_text, not_covered_text(index, question), (), found=False)
    # A lead-in's points are quoted with it, in their order, not again after it.
    listed = {point for p in chosen for point in index.points.get(p, ())}
    chosen = [p for p in chosen if index.sentences[p].text not in listed] or chosen
    statements = tuple(
        Statement(_with_points(index, p, chosen), (index.sentences[p].citation,)) for p in chosen
    )
    return Answer(
        question_text, " ".join(ended(s.text) for s in statements), statements, found=True
    )


def answer(question: str, sources: Sequence[Source], *, semantic: bool = False) -> Answer:
    """The passage of ``sources`` that answers ``question`` (1-3 sentences, each cited);
    ``found`` False (and a plain "not covered" text) when none does. ``semantic`` ranks by
    meaning too where learnplat[semantic] is installed."""
    return answer_from_index(index_of(tuple(sources)), question, semantic=semantic)
