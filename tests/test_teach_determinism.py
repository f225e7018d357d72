"""Teach Back grades the same explanation the same way: alone or after others, and in any
process (Python orders a set of words differently from one process to the next)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

from learnplat.tutors.grader.claims import overlap, read_claim

SRC = Path(__file__).resolve().parents[1] / "src"

# Each set of notes has a claim the explanation turns round (true/false) and another that says
# the same words without a conflict: a tie, which must stay a tie in every run.
SCRIPT = """
import json, sys
from learnplat.tutors.grader import OfflineGrader, build_reference
from learnplat.domain.model import Source

NOTES = [
    "A conditional is true when its antecedent is false. In English, whether a conditional is "
    "true or false often depends on its antecedent. A conditional has an antecedent and a "
    "consequent. The consequent follows the antecedent.",
    "A conditional is true whenever its antecedent is false. In ordinary English the truth of a "
    "conditional, true or false, depends on the antecedent. Every conditional joins an "
    "antecedent to a consequent. Conditionals appear in proofs.",
    "The material conditional is true when the antecedent is false. In English, saying whether "
    "a conditional sentence is true or false depends on the antecedent and on context. The "
    "antecedent comes first and the consequent second. Truth tables list every case.",
]
TEXT = "A conditional is false only when its antecedent is true and its consequent is false."
OTHERS = [
    "A conditional joins two sentences with an arrow, the antecedent first.",
    "A conditional is true when its antecedent is true and false when it is false.",
]
grader = OfflineGrader(semantic=False)


def grade(notes, text):
    source = Source(text=notes, title="Notes", doc_id=1, page=4)
    found = grader.grade(build_reference("the conditional", "intermediate", sources=[source]),
                         text, "intermediate")
    return [found.score, list(found.feedback)]


alone = [grade(notes, TEXT) for notes in NOTES]
for notes in NOTES:
    for other in OTHERS:
        grade(notes, other)
after = [grade(notes, TEXT) for notes in NOTES]
print(json.dumps({"alone": alone, "after": after}))
"""


def _grades(seed: int) -> dict[str, list]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_an_explanation_gets_the_same_grade_alone_after_others_and_in_any_process() -> None:
    # Seed 15 once flagged the correct sentence against the second notes (4/10, not 8/10).
    runs = [_grades(seed) for seed in (0, 15, 42)]
    first = runs[0]
    assert first["alone"] == first["after"]
    assert all(run == first for run in runs[1:])
    assert not any(line.startswith("Check") for _, feedback in first["alone"] for line in feedback)


def test_reference_claims_sharing_the_same_words_with_a_claim_tie_exactly() -> None:
    words = (
        "conditional antecedent consequent premise argument validity proof theorem lemma "
        "axiom inference deduction"
    ).split()
    weight = {w: 1.0 + (i * 7.3) % 11 / (i + 3) for i, w in enumerate(words)}
    for count in range(3, 7):
        for chosen in itertools.combinations(words, count):
            mine = read_claim(" ".join(chosen) + " holds", 0)
            reversed_order = read_claim(" ".join(reversed(chosen)) + " english", 1)
            other_words = read_claim(f"the {' '.join(chosen[1:])} and {chosen[0]} often", 2)
            left = overlap(mine, reversed_order, _roots(weight))
            right = overlap(mine, other_words, _roots(weight))
            assert left.shared == right.shared
            assert left.of_mine == right.of_mine, chosen


def _roots(weight: dict[str, float]) -> dict[str, float]:
    """The weights keyed by the roots claims read the words as."""
    return {read_claim(word, 0).roots[0]: value for word, value in weight.items()}
