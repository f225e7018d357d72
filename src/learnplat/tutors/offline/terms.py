"""Key terms: YAKE phrases from central sentences, cleaned and merged with the defined terms."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .common_words import is_common
from .definitions import Definition, term_key
from .sentences import Sentence
from .text import STOPWORDS, tokens

# Enough text for YAKE to rank phrases well; it costs ~40 us a word, so a 70k-word document
# is sampled down to its central sentences instead of being read whole.
SAMPLE_WORDS = 2500
_FILLER = frozenset(
    """
    called known also process way thing part kind type form number example time level set lot
    amount result case fact point order end start step instead whichever however therefore
    high low small large great new main little much many first second third final next last
    important different similar certain common general overall whole rest top bottom side
    """.split()
)
_CONNECTIVE_WORDS = frozenset(
    """
    nevertheless nonetheless however therefore moreover furthermore meanwhile otherwise hence
    thus instead although though whereas unless because since indeed perhaps namely anyway
    """.split()
)
# Words that start a clause, a label or a count rather than a term.
_NOT_A_HEAD = frozenset(
    """
    suppose let consider assume note recall see definition theorem lemma corollary proof remark
    example exercise figure step last first next previous following two three four five six
    several single certain various given same other another whole
    """.split()
)
# Verbs that end a phrase YAKE cut out of a clause.
_VERBS = frozenset(
    """
    depends separated uses used makes made allows requires provides includes contains means gives
    takes shows becomes remains called known based defined given seems appears needs works sends
    accepts outputs computes checks samples chooses receives returns produces creates consists
    exists holds follows belongs applies refers occurs represents denotes satisfies
    """.split()
)
_HEADING_WORDS = frozenset("chapter section figure table page appendix contents index".split())
_NAMING_WORDS = frozenset("called known termed named also".split())
_NUMBER = re.compile(r"^[\d.,/%+-]+$")
# Words after which a noun follows; a phrase never seen after one is likely a verb ("turns").
_BEFORE_NOUN = (
    "the a an its their this these those each every our his her your of in on into from with by "
    "for and as no some any more less two three four"
).split()


@dataclass(frozen=True)
class Term:
    """A key term: how to show it, its comparable key, the sentences using it, its definitions."""

    text: str
    key: str
    sentence_ids: tuple[int, ...]
    definitions: tuple[Definition, ...] = ()

    @property
    def definition(self) -> Definition | None:
        return self.definitions[0] if self.definitions else None

    @property
    def specific(self) -> bool:
        """Defined by the text, a name or acronym, or a phrase: better to ask about than "light"."""
        return bool(self.definitions) or self.text != self.text.lower() or " " in self.text


def sample_text(
    sentences: Sequence[Sentence], central_order: Sequence[int], chapter_of: Sequence[int]
) -> str:
    """The most central sentences, taken in turn from each chapter, joined in reading order."""
    by_chapter: dict[int, list[int]] = {}
    for position in central_order:
        by_chapter.setdefault(chapter_of[position], []).append(position)
    queues = [by_chapter[chapter] for chapter in sorted(by_chapter)]
    chosen: list[int] = []
    words = 0
    depth = 0
    while words < SAMPLE_WORDS and any(depth < len(queue) for queue in queues):
        for queue in queues:
            if depth < len(queue):
                chosen.append(queue[depth])
                words += sentences[queue[depth]].words
        depth += 1
    return " ".join(sentences[position].text for position in sorted(chosen))


def yake_phrases(text: str, top: int = 80) -> list[str]:
    """YAKE's phrases for ``text``, best first (YAKE is imported here: it loads networkx)."""
    import yake

    extractor = yake.KeywordExtractor(lan="en", n=3, top=top)
    return [phrase for phrase, _score in extractor.extract_keywords(text)]


def acceptable(phrase: str) -> bool:
    """Not a filler word, a number, a heading residue or a phrase with stopwords inside."""
    words = phrase.split()
    lowered = [word.lower() for word in words]
    if not words or len(phrase) < 2 or any(_NUMBER.match(word) for word in words):
        return False
    if lowered[0] in STOPWORDS or lowered[-1] in STOPWORDS:
        return False
    if any(word in STOPWORDS and word != "of" for word in lowered):
        return False
    if any(word in _HEADING_WORDS or word in _NAMING_WORDS for word in lowered):
        return False
    if len(words) == 1 and (
        lowered[0] in _CONNECTIVE_WORDS or lowered[0] in _VERBS or _adverb(lowered[0])
    ):
        return False  # "Nevertheless", "Apparently": not a term to learn
    if lowered[0] in _NOT_A_HEAD or lowered[0] in _CONNECTIVE_WORDS:
        return False  # "Suppose G", "Definition", "Two sentences", "Last two definitions"
    if len(words) > 1 and (lowered[-1] in _VERBS or lowered[-1] in _NOT_A_HEAD):
        return False  # "cutoff distance depends", "atoms separated": a clause, not a term
    if any(any(char.isdigit() for char in word) and any(char.isalpha() for char in word)
           for word in words[:-1]):
        return False
    return not (len(words) == 1 and (lowered[0] in _FILLER or len(lowered[0]) < 3))


def _adverb(word: str) -> bool:
    """ "apparently" (apparent + ly), "basically" (basic + ally), not "assembly" or "family"."""
    if not word.endswith("ly") or len(word) <= 4:
        return False
    return is_common(word[:-2]) or (word.endswith("ally") and is_common(word[:-4]))


def used_as_noun(phrase: str, texts: Sequence[str]) -> bool:
    """Seen right after an article, a possessive or a preposition in at least one sentence."""
    lowered = phrase.lower()
    if lowered != phrase[:1].lower() + phrase[1:]:
        return True  # an acronym or a name: "ATP", "RuBisCO", "Calvin cycle"
    pattern = re.compile(rf"\b(?:{'|'.join(_BEFORE_NOUN)})\s+{re.escape(lowered)}\b")
    return any(pattern.search(text.lower()) for text in texts)


_SPACED_PUNCTUATION = re.compile(r"\s[^\w\s]")


def _display(phrase: str, texts: Sequence[str]) -> str:
    """The phrase as the notes write it: no space YAKE put before punctuation ("Okamoto ’s
    Protocol" is "Okamoto’s Protocol"), lower case when it was capitalised only because it
    opened a sentence ("Photosynthesis")."""
    if _SPACED_PUNCTUATION.search(phrase):
        written = re.compile(r"\s*".join(re.escape(word) for word in phrase.split()))
        found = next((m for text in texts if (m := written.search(text))), None)
        if found is not None:
            phrase = " ".join(found.group(0).split())
    if phrase[:1].isupper() and phrase[1:] == phrase[1:].lower():
        lowered = f" {phrase.lower()}"
        if any(lowered in text for text in texts):
            return phrase.lower()
    return phrase


def rank_terms(
    phrases: Sequence[str],
    definitions: Mapping[str, list[Definition]],
    occurrences: Mapping[str, tuple[int, ...]],
    texts: Sequence[str],
    limit: int,
) -> list[Term]:
    """Merge YAKE phrases with defined terms, drop sub-phrases of a kept phrase, best first.

    ``occurrences`` maps a term key to the sentences (indexes into ``texts``) that use it. A
    phrase must be used twice, as a noun, unless the text defines it; a sub-phrase goes when its
    longer phrase covers most of its uses ("dioxide" inside "carbon dioxide"), but
    "photosynthesis" stays beside "rate of photosynthesis".
    """
    ranked: dict[str, tuple[float, str]] = {}
    for position, phrase in enumerate(phrases):
        key = term_key(phrase)
        if acceptable(phrase) and key and key not in ranked:
            # A term the text defines is worth more to a learner than YAKE's rank alone says.
            boost = 0.5 if key in definitions else 1.0
            ranked[key] = (position * boost, phrase)
    for key, found in definitions.items():
        if key not in ranked and acceptable(found[0].term):
            score = len(phrases) * 0.5 + found[0].sentence.index * 1e-6
            ranked[key] = (score, found[0].term)
    candidates = [
        (score, key, text)
        for key, (score, text) in ranked.items()
        if key in definitions
        or (
            len(occurrences.get(key, ())) >= 2
            and used_as_noun(text, [texts[i] for i in occurrences[key]])
        )
    ]
    candidates.sort()
    keys = [key for _score, key, _text in candidates]
    terms: list[Term] = []
    for _score, key, text in candidates:
        uses = len(occurrences[key])
        covered = any(
            other != key and f" {key} " in f" {other} " and len(occurrences[other]) * 2 >= uses
            for other in keys
        )
        if not covered:
            shown = _display(text, [texts[i] for i in occurrences[key]])
            terms.append(Term(shown, key, occurrences[key], tuple(definitions.get(key, ()))))
        if len(terms) == limit:
            break
    return terms


def phrase_keys(phrases: Sequence[str], definitions: Mapping[str, list[Definition]]) -> list[str]:
    """Every key whose occurrences ``rank_terms`` will need."""
    keys = dict.fromkeys(term_key(phrase) for phrase in phrases if acceptable(phrase))
    keys.update(dict.fromkeys(definitions))
    return [key for key in keys if key and tokens(key)]
