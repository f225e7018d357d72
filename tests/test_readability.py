"""Readability: syllables hyphenate as pyphen does, so grades do not depend on how it is read."""

from __future__ import annotations

import json
from pathlib import Path

import pyphen

from learnplat.tutors import readability

ROOT = Path(__file__).resolve().parents[1]


def test_hyphenation_points_are_pyphens_on_every_word_of_the_topics() -> None:
    words = {
        word.lower()
        for path in sorted(ROOT.glob("data/topics/*/*.json"))
        for word in readability.words(json.dumps(json.loads(path.read_text()), ensure_ascii=False))
    }
    words |= {"a", "be", "ﬁre", "supercalifragilisticexpialidocious", "o'clock", "well-known"}
    assert len(words) > 3000
    reference = pyphen.Pyphen(lang="en_US")
    differing = [
        word
        for word in sorted(words)
        if readability.hyphenation_points(word) != len(reference.positions(word))
    ]
    assert differing == []


def test_syllables_and_grade() -> None:
    assert [readability.syllables(w) for w in ("cat", "make", "photosynthesis")] == [1, 1, 5]
    assert readability.flesch_kincaid_grade("") == 0.0
    assert readability.flesch_kincaid_grade("The cat sat. The dog ran.") < 1.0


def test_hyphenation_patterns_read_as_pyphen_reads_them() -> None:
    hyphenation = readability._hyphenator()
    assert isinstance(hyphenation, readability._Hyphenation)
    reference = pyphen.Pyphen(lang="en_US").hd.patterns
    assert {key: hyphenation.pattern(key) for key in reference} == {
        key: (start, tuple(values)) for key, (start, values) in reference.items()
    }
    unknown = [key for key in hyphenation.lines if key not in reference]
    assert all(hyphenation.pattern(key) is None for key in unknown)
