"""The offline teach-back grader: ranking like a teacher, caps, citations, jargon, level, input."""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from learnplat.domain.model import LEVELS, Grade, Level, Reference, Source, TopicRecord
from learnplat.errors import BadInput, NothingToTeach
from learnplat.services.extract import extract
from learnplat.services.passages import HEADING_SEPARATOR, chunk_units
from learnplat.services.topics import load_shipped_topics
from learnplat.tutors.grader import OfflineGrader, build_reference, evaluate
from learnplat.tutors.grader.evaluate import grade_rows, pearson, ranks, spearman

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "grading" / "sample.jsonl"
SHORT_ANSWERS = ROOT / "data" / "grading" / "short_answers.jsonl"
KINDS = {"good", "paraphrase", "partial", "wrong", "off-topic", "copy", "jargon", "short", "vague"}
# Off-topic texts that share no vocabulary with their topic (the other off-topic rows are about
# a neighbouring topic: Python lists for recursion, the Industrial for the French Revolution).
UNRELATED = {"ph-off-b", "nl-off-b", "bs-off-i"}

# By words alone: what every install has (test_semantic_grader.py covers the semantic tier).
grader = OfflineGrader(semantic=False)


@cache
def topics() -> dict[str, TopicRecord]:
    return load_shipped_topics()


@cache
def reference(topic: str, level: Level) -> Reference:
    return build_reference(topic, level, record=topics()[topic])


def grade(topic: str, level: Level, text: str) -> Grade:
    return grader.grade(reference(topic, level), text, level)


@cache
def sample() -> tuple[dict, ...]:
    return tuple(json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines())


def sample_row(row_id: str) -> dict:
    return next(found for found in sample() if found["id"] == row_id)


@cache
def sample_scores() -> tuple[int, ...]:
    return tuple(grade_rows(sample(), grader=grader, topics=topics()))


@cache
def photosynthesis_notes() -> tuple[Source, ...]:
    path = ROOT / "data" / "samples" / "photosynthesis.md"
    extracted = extract(path.read_bytes(), path.name)
    return tuple(
        Source(
            text=chunk.text,
            title=extracted.title,
            doc_id=7,
            passage_id=700 + number,
            page=chunk.page,
            unit_name=extracted.unit_name,
            heading_path=tuple(p for p in chunk.heading_path.split(HEADING_SEPARATOR) if p),
        )
        for number, chunk in enumerate(chunk_units(extracted.units), start=1)
    )


# -- the labelled sample ------------------------------------------------------------------------
def test_sample_is_labelled_across_topics_levels_and_kinds() -> None:
    rows = sample()
    assert len(rows) >= 48
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["topic"] for row in rows}) >= 6
    assert {row["topic"] for row in rows} <= set(topics())
    assert {row["level"] for row in rows} == {"beginner", "intermediate", "advanced"}
    assert {row["kind"] for row in rows} == KINDS
    assert all(1 <= row["score"] <= 10 and row["explanation"].strip() for row in rows)


def test_grader_ranks_the_sample_like_the_teacher() -> None:
    human = [row["score"] for row in sample()]
    predicted = sample_scores()
    assert pearson(predicted, human) >= 0.6
    assert spearman(predicted, human) >= 0.6


def test_good_beats_partial_beats_wrong_and_off_topic_on_average() -> None:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row, score in zip(sample(), sample_scores(), strict=True):
        by_kind[row["kind"]].append(score)

    def mean(*kinds: str) -> float:
        scores = [score for kind in kinds for score in by_kind[kind]]
        return sum(scores) / len(scores)

    assert mean("good") > mean("partial") > mean("wrong", "off-topic")
    assert mean("partial") > mean("off-topic")


def test_off_topic_text_scores_one_or_two_and_is_flagged() -> None:
    for row, score in zip(sample(), sample_scores(), strict=True):
        if row["id"] in UNRELATED:
            result = grade(row["topic"], row["level"], row["explanation"])
            assert score <= 2 and result.off_topic, row["id"]
            assert "not seem to be about" in result.feedback[0]
        elif row["kind"] == "off-topic":
            assert score <= 3, row["id"]
    on_topic = grade("photosynthesis", "beginner", sample_row("ph-good-b")["explanation"])
    assert not on_topic.off_topic


def test_copy_paste_is_capped_and_told_to_use_own_words() -> None:
    copies = [row for row in sample() if row["kind"] == "copy"]
    assert len(copies) >= 5
    for row in copies:
        result = grade(row["topic"], row["level"], row["explanation"])
        assert result.copied, row["id"]
        assert result.score <= 4, row["id"]
        assert any("own words" in line for line in result.feedback)
        assert "own words" in result.suggestion
    honest = grade("photosynthesis", "beginner", sample_row("ph-good-b")["explanation"])
    assert not honest.copied and honest.score >= 8


def test_copy_of_the_learners_own_notes_is_detected() -> None:
    notes = photosynthesis_notes()
    ref = build_reference("photosynthesis", "intermediate", sources=notes)
    pasted = " ".join(notes[1].text.split()[:120])
    result = grader.grade(ref, pasted, "intermediate")
    assert result.copied and result.score <= 4


def test_paraphrase_with_few_shared_words_beats_a_wrong_answer_of_similar_length() -> None:
    # The paraphrase names none of the key terms; it says what they mean instead.
    paraphrase = (
        "Plants feed themselves. A green pigment in small green parts of each leaf cell soaks "
        "up light energy. Tiny holes under the leaf let in a gas from the air, and the roots "
        "bring up water. The plant uses the light energy to join the gas and the water into a "
        "simple sugar, its food, which it burns for energy or builds new leaves and stems from. "
        "The spare oxygen goes out through the same holes."
    )
    wrong = (
        "Photosynthesis is how plants breathe. At night the stomata breathe in oxygen, and in "
        "the day the chloroplasts get glucose out of the soil through the roots, like minerals, "
        "dirt and old leaves. Chlorophyll is only there to keep the leaf warm so that it grows "
        "faster, and leaves are green because they are full of water. Animals give the plant "
        "carbon dioxide when they die and rot into the ground."
    )
    assert abs(len(paraphrase.split()) - len(wrong.split())) <= 10
    terms = ("chlorophyll", "chloroplast", "stomata", "glucose", "photosynthesis")
    assert not any(term in paraphrase.lower() for term in terms)
    right = grade("photosynthesis", "beginner", paraphrase)
    confused = grade("photosynthesis", "beginner", wrong)
    assert right.score > confused.score


# -- the reference ------------------------------------------------------------------------------
def test_reference_from_a_curated_topic_has_cited_key_ideas_with_their_terms() -> None:
    record = topics()["photosynthesis"]
    for level in LEVELS:
        ref = build_reference("photosynthesis", level, record=record)
        assert 6 <= len(ref.key_ideas) <= 12
        assert all(idea.terms and idea.citation for idea in ref.key_ideas)
        assert {idea.citation.title for idea in ref.key_ideas if idea.citation} == {
            record.citation.title
        }
        assert all(term == term.lower() for idea in ref.key_ideas for term in idea.terms)
        assert record.levels[level].explanation.split("\n\n")[0] in ref.text
    beginner = build_reference("photosynthesis", "beginner", record=record)
    assert any(idea.terms == ("chlorophyll",) for idea in beginner.key_ideas)
    assert build_reference("photosynthesis", "beginner", record=record) == beginner


def test_missed_ideas_cite_the_page_that_explains_them() -> None:
    notes = photosynthesis_notes()
    ref = build_reference("photosynthesis", "intermediate", sources=notes)
    assert 6 <= len(ref.key_ideas) <= 12
    result = grader.grade(ref, "Plants use light from the sun to make sugar.", "intermediate")
    assert result.missed
    pages = {source.page for source in notes}
    for idea in result.missed:
        assert idea.citation is not None
        assert idea.citation.doc_id == 7 and idea.citation.page in pages
    missed_line = next(line for line in result.feedback if line.startswith("You missed"))
    assert f"(explained in {result.missed[0].citation.label})" in missed_line  # type: ignore[union-attr]


def test_reference_from_both_the_topic_and_the_notes_draws_on_each() -> None:
    notes = photosynthesis_notes()
    record = topics()["photosynthesis"]
    ref = build_reference("photosynthesis", "intermediate", record=record, sources=notes)
    citations = {idea.citation.doc_id for idea in ref.key_ideas if idea.citation}
    assert citations == {None, 7}
    assert len(ref.key_ideas) <= 12


def test_reference_needs_a_topic_or_notes() -> None:
    with pytest.raises(NothingToTeach):
        build_reference("photosynthesis", "beginner")


def test_a_one_line_model_answer_is_split_into_ideas() -> None:
    answer = Source(
        text="Mass is the amount of matter in an object and does not change with location, "
        "while weight is the force of gravity on that mass and depends on where it is.",
        title="Model answer",
    )
    ref = build_reference("mass and weight", "intermediate", sources=(answer,))
    assert len(ref.key_ideas) == 2
    good = grader.grade(
        ref, "Mass is how much matter there is; weight is gravity's force.", "beginner"
    )
    bad = grader.grade(ref, "They are the same thing.", "beginner")
    assert good.score > bad.score


# -- what the grade says ------------------------------------------------------------------------
def test_a_grade_has_weighted_components_feedback_and_one_suggestion() -> None:
    result = grade("supply-and-demand", "beginner", sample_row("sd-good-b")["explanation"])
    assert isinstance(result.score, int) and 1 <= result.score <= 10
    assert result.grader == "offline"
    names = [component.name for component in result.components]
    assert names == ["coverage", "accuracy", "structure", "readability", "jargon"]
    assert all(0.0 <= c.score <= 1.0 and c.weight > 0 and c.detail for c in result.components)
    assert 3 <= len(result.feedback) <= 6
    assert result.feedback[0].startswith("You covered")
    assert result.suggestion and "\n" not in result.suggestion


def test_covered_and_missed_ideas_are_reported() -> None:
    partial = "Plants make food from light. The green chlorophyll in leaves catches the sunlight."
    result = grade("photosynthesis", "beginner", partial)
    assert any(text.startswith("Chlorophyll") for text in result.covered)
    assert any(idea.terms == ("stomata",) for idea in result.missed)
    assert "You missed" in " ".join(result.feedback)
    assert result.suggestion.startswith("Add a sentence")


def test_misspelt_and_inflected_terms_still_count() -> None:
    right = "The green chlorophyll catches light, and carbon dioxide comes in through stomata."
    typos = "The green clorophyll catches light, and carbon dioxid comes in through stomatas."
    assert (
        grade("photosynthesis", "beginner", typos).covered
        == grade("photosynthesis", "beginner", right).covered
    )


def test_a_typo_that_stemming_spreads_over_two_letters_still_counts() -> None:
    # "itteration" stems to "itter", "iteration" to "itera": two edits apart as roots, one as
    # written words, so the typo is forgiven on the words.
    model_answer = Source("Through iteration.", "Model answer")
    one_line = build_reference("What replaces recursion?", "intermediate", sources=[model_answer])
    right = grader.grade(one_line, "iteration, like a for loop or a while loop", "intermediate")
    typo = grader.grade(one_line, "itteration, like a for loop or a while loop", "intermediate")
    assert typo.covered == right.covered == ("Through iteration",)
    assert typo.score == right.score >= 7


def test_jargon_used_without_explanation_is_listed() -> None:
    jargon = grade("photosynthesis", "beginner", sample_row("ph-jargon-b")["explanation"])
    assert {"ATP", "NADPH", "glucose"} <= set(jargon.jargon)
    assert any(line.startswith("Jargon without explanation") for line in jargon.feedback)
    explained = grade(
        "photosynthesis",
        "beginner",
        "Air gets in through tiny holes in the leaves called stomata. Glucose is a sugar the "
        "plant makes. Chlorophyll, the green stuff in leaves, catches the light.",
    )
    assert explained.jargon == ()
    advanced = grade("photosynthesis", "advanced", sample_row("ph-jargon-b")["explanation"])
    assert advanced.jargon == ()


def test_reading_level_feedback_depends_on_the_chosen_level() -> None:
    text = sample_row("ph-good-a")["explanation"]  # written for the advanced level
    beginner = grade("photosynthesis", "beginner", text)
    advanced = grade("photosynthesis", "advanced", text)
    assert beginner.reading_grade == advanced.reading_grade > 10

    def reading_line(result: Grade) -> str:
        return next(line for line in result.feedback if line.startswith("Reading level"))

    assert "high for a beginner explanation" in reading_line(beginner)
    assert "right for an advanced explanation" in reading_line(advanced)
    assert beginner.components[3].score < advanced.components[3].score


def test_examples_are_recognised_and_asked_for() -> None:
    with_example = grade("inflation", "beginner", sample_row("in-good-b")["explanation"])
    assert with_example.has_example
    bare = (
        "Inflation is when prices rise over time, so money buys less. It happens when demand "
        "is higher than what firms can make, or when costs go up. A little is normal."
    )
    without = grade("inflation", "beginner", bare)
    assert not without.has_example
    assert any(line.startswith("Add an example") for line in without.feedback)


def test_grading_is_deterministic() -> None:
    text = sample_row("rec-para-i")["explanation"]
    first = grade("recursion", "intermediate", text)
    again = grader.grade(
        build_reference("recursion", "intermediate", record=topics()["recursion"]),
        text,
        "intermediate",
    )
    assert first == again


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_an_empty_explanation_is_bad_input(text: str) -> None:
    with pytest.raises(BadInput):
        grade("photosynthesis", "beginner", text)


def test_an_explanation_over_5000_words_is_bad_input() -> None:
    with pytest.raises(BadInput, match="5,000"):
        grade("photosynthesis", "beginner", "plants " * 5001)
    assert grade("photosynthesis", "beginner", "plants make food " * 1600).score >= 1


# -- evaluation ---------------------------------------------------------------------------------
def test_correlations_are_computed_correctly() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0
    assert ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]
    assert spearman([1, 2, 3, 4], [1, 4, 9, 16]) == pytest.approx(1.0)


def test_evaluate_reports_pearson_spearman_and_mae() -> None:
    rows = [row for row in sample() if row["topic"] == "fractions"]
    result = evaluate(rows, grader=grader, topics=topics())
    assert set(result) == {"n", "pearson", "spearman", "mae"}
    assert result["n"] == len(rows)
    assert result["pearson"] > 0.5 and 0.0 <= result["mae"] < 3.0


def test_evaluate_grades_short_answers_against_a_model_answer() -> None:
    rows = [json.loads(line) for line in SHORT_ANSWERS.read_text(encoding="utf-8").splitlines()]
    result = evaluate(rows, grader=grader)
    assert result["pearson"] >= 0.55 and result["spearman"] >= 0.55


def test_never_said_of_one_thing_is_no_opposite_of_always_said_of_another() -> None:
    # "..., so the pair never cancels" against the notes' "forces always come in pairs".
    found = grade("newtons-laws-of-motion", "beginner", sample_row("nl-jargon-b")["explanation"])
    assert not any(line.startswith("Check") for line in found.feedback)
    assert found.score >= 5
