"""Teach Back catches what is wrong: a fluent explanation that contradicts the reference scores
below a thin correct one, says which claim and where the reference says otherwise, and stays
private. Made-up references in several subjects, graded by words alone."""

from __future__ import annotations

import pytest

from learnplat.domain.model import Reference, Source
from learnplat.tutors.grader import OfflineGrader, build_reference
from learnplat.tutors.grader.claims import read_claim
from learnplat.tutors.grader.opposites import opposed

grader = OfflineGrader(semantic=False)

PHOTOSYNTHESIS = (
    "Photosynthesis happens in the chloroplasts of leaf cells. The leaf takes in carbon "
    "dioxide through small pores called stomata and releases oxygen. Chlorophyll absorbs "
    "light energy during the day. The plant uses the light energy to turn water and carbon "
    "dioxide into glucose. Glucose is stored as starch or used for energy. Without light the "
    "plant cannot make glucose, so photosynthesis stops in the dark. The roots take up water "
    "from the soil but they do not make glucose."
)
SCHEDULING = (
    "Round robin scheduling gives every process a fixed time slice called a quantum. When the "
    "quantum ends, the running process is preempted and moved to the back of the ready queue. "
    "A short quantum makes the system more responsive but increases the overhead of context "
    "switches. A long quantum lowers the overhead but makes response times worse. Round robin "
    "is fair because no process waits for more than four quanta when five processes share "
    "the processor. Round robin does not need to know how long each process runs."
)
BOUNDS = (
    "The variational method estimates the ground state energy. The expectation value of the "
    "energy in any trial state is an upper bound to the true ground state energy. You choose a "
    "trial wave function with parameters and minimise the expectation value over the "
    "parameters. The closer the trial function is to the ground state, the closer the upper "
    "bound is to the true energy. The method gives a good energy but it may give a poor wave "
    "function."
)

CASES = {
    "photosynthesis": (
        PHOTOSYNTHESIS,
        "Plants make glucose from water and carbon dioxide using light energy, and they give "
        "out oxygen.",
        "Photosynthesis happens in the chloroplasts of root cells. The leaf takes in oxygen "
        "through small pores called stomata and releases carbon dioxide. Chlorophyll absorbs "
        "light energy during the night. The plant uses the light energy to turn water and "
        "carbon dioxide into glucose, and glucose is stored as starch or used for energy. "
        "The roots take up water from the soil and they make most of the glucose.",
    ),
    "round robin scheduling": (
        SCHEDULING,
        "Each process runs for a fixed time slice, the quantum, and then goes to the back of "
        "the ready queue.",
        "Round robin scheduling gives every process a fixed time slice called a quantum. When "
        "the quantum ends, the running process keeps the processor until it finishes. A short "
        "quantum makes the system less responsive and decreases the overhead of context "
        "switches. A long quantum raises the overhead. Round robin is fair because no process "
        "waits for more than nine quanta when five processes share the processor. Round robin "
        "needs to know how long each process runs.",
    ),
    "the variational method": (
        BOUNDS,
        "You minimise the energy of a trial wave function with parameters, which gives an "
        "upper bound to the ground state energy.",
        "The variational method estimates the ground state energy. The expectation value of "
        "the energy in any trial state is a lower bound to the true ground state energy. You "
        "choose a trial wave function with parameters and maximise the expectation value over "
        "the parameters. The closer the trial function is to the ground state, the closer the "
        "bound is to the true energy, and the method always gives a very accurate wave "
        "function.",
    ),
}


def reference(topic: str, text: str) -> Reference:
    return build_reference(
        topic, "intermediate", sources=[Source(text=text, title="Notes", doc_id=1, page=4)]
    )


@pytest.mark.parametrize("topic", sorted(CASES))
def test_a_fluent_wrong_explanation_scores_below_a_thin_correct_one(topic: str) -> None:
    text, thin, wrong = CASES[topic]
    ref = reference(topic, text)
    thin_grade = grader.grade(ref, thin, "intermediate")
    wrong_grade = grader.grade(ref, wrong, "intermediate")
    assert wrong_grade.score < thin_grade.score
    assert thin_grade.score >= 5  # a thin correct answer still passes
    assert not any(line.startswith("Check") for line in thin_grade.feedback)
    checks = [line for line in wrong_grade.feedback if line.startswith("Check")]
    assert checks and all(line.endswith("(p. 4)") for line in checks)
    assert wrong_grade.score <= 3


def test_the_feedback_quotes_the_claim_and_what_the_reference_says() -> None:
    ref = reference("the variational method", BOUNDS)
    grade = grader.grade(
        ref,
        "The expectation value of the energy in any trial state is a lower bound to the true "
        "ground state energy.",
        "intermediate",
    )
    assert grade.feedback[0].startswith("Check") or any(
        line == 'Check "The expectation value of the energy in any trial state is a lower bound to '
        'the true ground state energy.": the reference says "The expectation value of the '
        'energy in any trial state is an upper bound to the true ground state energy." (p. 4)'
        for line in grade.feedback
    )
    assert grade.suggestion.startswith('Fix "The expectation value')


def test_more_contradictions_cost_more() -> None:
    ref = reference("photosynthesis", PHOTOSYNTHESIS)
    one = grader.grade(ref, "Chlorophyll absorbs light energy during the night.", "beginner")
    many = (
        "Chlorophyll absorbs light energy during the night. The leaf takes in carbon dioxide "
        "through stomata and does not release oxygen."
    )
    assert grader.grade(ref, many, "beginner").score < one.score <= 3


def test_a_correct_paraphrase_of_a_negation_is_not_flagged() -> None:
    ref = reference("photosynthesis", PHOTOSYNTHESIS)
    grade = grader.grade(
        ref,
        "In the dark there is no light, so the plant cannot make glucose and photosynthesis "
        "stops. Roots take up water but do not make glucose; the leaves release oxygen.",
        "beginner",
    )
    assert not any(line.startswith("Check") for line in grade.feedback)


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        ("invalid", "valid"),
        ("non-empty", "empty"),
        ("asymmetrical", "symmetrical"),
        ("injection", "surjection"),
        ("tetrachords", "hexachords"),
        ("upper", "lower"),
        ("maximise", "minimize"),
        ("necessary", "sufficient"),
    ],
)
def test_general_opposites_are_known_by_list_and_by_prefix(mine: str, theirs: str) -> None:
    assert opposed(mine, theirs) and opposed(theirs, mine)


@pytest.mark.parametrize(
    ("mine", "theirs"), [("inform", "form"), ("improve", "move"), ("valid", "valid")]
)
def test_words_that_only_look_alike_are_not_opposites(mine: str, theirs: str) -> None:
    assert not opposed(mine, theirs)


def test_a_claim_knows_what_its_negation_governs_and_its_numbers() -> None:
    claim = read_claim("zk-SNARKs need no setup phase and give 3 proofs", 0)
    assert "setup" in claim.negated
    assert [value for value, _ in claim.numbers] == ["3"]
    assert not read_claim("You cannot swap them without changing the meaning", 0).negated


UREA = (
    "The urea cycle removes nitrogen from the body. Enzymes in the liver convert ammonia into "
    "urea, which is much less toxic. The urea travels in the blood to the kidneys. The kidneys "
    "filter the urea out of the blood and it leaves the body in urine. Without the cycle "
    "ammonia would build up in the blood and damage the brain."
)
HANDSHAKE = (
    "A handshake sets up a secure channel between a client C and a server S. First C sends a "
    "hello message with a random nonce to S. Then S replies with its certificate and its own "
    "nonce. C checks the certificate against a trusted authority. Both sides then derive the "
    "same session key from the two nonces and a shared secret. After the handshake all "
    "messages are encrypted with the session key."
)


def test_a_conversion_turned_the_other_way_round_is_a_contradiction() -> None:
    ref = reference("the urea cycle", UREA)
    thin = grader.grade(
        ref,
        "The liver turns ammonia, which is toxic, into urea, and the kidneys remove it in urine.",
        "intermediate",
    )
    wrong = grader.grade(
        ref,
        "The urea cycle removes nitrogen from the body. Enzymes in the liver convert urea into "
        "ammonia, which is much less toxic. The ammonia travels in the blood to the kidneys, "
        "which filter it out of the blood, and it leaves the body in urine. Without the cycle "
        "urea would build up in the blood and damage the brain, so the cycle keeps the blood "
        "clean.",
        "intermediate",
    )
    assert wrong.score < thin.score
    assert (
        'Check "Enzymes in the liver convert urea into ammonia, which is much less toxic.": the '
        'reference says "Enzymes in the liver convert ammonia into urea, which is much less '
        'toxic." (p. 4)'
    ) in wrong.feedback


def test_a_step_given_to_the_other_party_the_notes_name_by_a_letter_is_a_contradiction() -> None:
    # The notes say "C sends ... to S" after naming "a client C and a server S".
    ref = reference("the handshake", HANDSHAKE)
    thin = grader.grade(
        ref,
        "The client and the server swap random nonces and the server's certificate, then both "
        "derive the same session key.",
        "intermediate",
    )
    wrong = grader.grade(
        ref,
        "A handshake sets up a secure channel between a client and a server. First the server "
        "sends a hello message with a random nonce to the client. Then the client checks the "
        "certificate against a trusted authority. Both sides then derive the same session key "
        "from the two nonces and a shared secret, and after the handshake all messages are "
        "encrypted with it.",
        "intermediate",
    )
    assert wrong.score < thin.score
    assert (
        'Check "First the server sends a hello message with a random nonce to the client.": the '
        'reference says "First C sends a hello message with a random nonce to S." (p. 4)'
    ) in wrong.feedback


PASSWORDS = (
    "A website should learn as little about a password as it can. It could keep the password "
    "in plain text, but this is not a safe way to store it: anyone who reads the database "
    "learns every password. Instead it stores a salted hash of the password. At login it "
    "hashes what the user typed with the same salt and compares the two hashes. A slow hash "
    "function makes guessing expensive."
)
DENSITY = (
    "Density is the mass of an object divided by its volume. The density of a material is the "
    "same for any piece of it, whatever its shape or size. A gold ring and a gold bar have the "
    "same density. Objects denser than water sink, and objects less dense than water float."
)


def test_a_clause_saying_this_is_not_so_is_held_against_a_learner_who_says_it_is() -> None:
    # "..., but this is not a safe way": "this" is keeping the password in plain text.
    ref = reference("password storage", PASSWORDS)
    thin = grader.grade(
        ref,
        "The site stores a salted hash of the password and compares hashes at login.",
        "intermediate",
    )
    wrong = grader.grade(
        ref,
        "A website should learn as little about a password as it can. Keeping the password in "
        "plain text is a safe way to store it, since the database is private. Many sites store "
        "a salted hash of the password instead. At login the site hashes what the user typed "
        "with the same salt and compares the two hashes, and a slow hash function makes "
        "guessing expensive.",
        "intermediate",
    )
    assert wrong.score < thin.score
    check = 'Check "Keeping the password in plain text is a safe way to store it'
    line = next(line for line in wrong.feedback if line.startswith(check))
    assert 'the reference says "It could keep the password in plain text, but this is not' in line


def test_one_contradiction_keeps_a_complete_explanation_two_below_the_pass_mark() -> None:
    ref = reference("density", DENSITY)
    thin = grader.grade(
        ref,
        "Density is mass divided by volume, and it is the same for any piece of a material.",
        "intermediate",
    )
    wrong = grader.grade(
        ref,
        "Density is the mass of an object divided by its volume. The density of a material "
        "changes with the shape and size of the piece, so a gold ring and a gold bar have "
        "different densities. Objects denser than water sink, and objects less dense than "
        "water float.",
        "intermediate",
    )
    assert thin.score >= 5
    assert sum(line.startswith("Check") for line in wrong.feedback) == 1
    assert wrong.score <= 3


def test_an_opposite_said_of_the_notes_words_elsewhere_in_the_sentence_is_a_contradiction() -> None:
    # The notes only ever say "public online catalogue"; the learner's sentence is otherwise new.
    notes = (
        "A library catalogue lists every book the library holds. Anyone can search the public "
        "online catalogue from home, without an account. Each record gives the title, the "
        "author and the shelf mark. Members borrow books with their library card and return "
        "them within three weeks."
    )
    ref = reference("the library catalogue", notes)
    thin = grader.grade(
        ref,
        "The catalogue lists every book, and each record gives the title, author and shelf mark.",
        "intermediate",
    )
    wrong = grader.grade(
        ref,
        "The library catalogue lists every book the library holds, and each record gives the "
        "title, the author and the shelf mark. The books are found through a private online "
        "catalogue that staff keep. Members borrow books with their library card and return "
        "them within three weeks.",
        "intermediate",
    )
    assert wrong.score < thin.score
    assert (
        'Check "The books are found through a private online catalogue that staff keep.": the '
        'reference says "Anyone can search the public online catalogue from home, without an '
        'account." (p. 4)'
    ) in wrong.feedback


PENDULUM = (
    "A simple pendulum is a weight, the bob, hanging from a string. It swings back and forth "
    "with a regular period. The period of a pendulum does not depend on the mass of the bob. "
    "It depends on the length of the string: a longer string gives a longer period. For small "
    "swings the period does not depend on how far the bob is pulled back either."
)


def test_a_right_sentence_ending_not_on_the_other_thing_is_not_a_contradiction() -> None:
    # ", not on the mass of the bob" denies what the notes deny too.
    ref = reference("the pendulum", PENDULUM)
    thin = grader.grade(
        ref,
        "A pendulum's period depends on the length of the string, not on the mass of the bob.",
        "intermediate",
    )
    wrong = grader.grade(
        ref,
        "A simple pendulum is a weight, the bob, hanging from a string, and it swings back and "
        "forth with a regular period. The period of a pendulum changes with the mass of the "
        "bob, so a heavier bob swings more slowly. The period also depends on the length of "
        "the string: a longer string gives a longer period.",
        "intermediate",
    )
    assert not any(line.startswith("Check") for line in thin.feedback)
    assert thin.score >= 7
    assert wrong.score < thin.score
    assert any(
        line.startswith('Check "The period of a pendulum changes with the mass of the bob')
        for line in wrong.feedback
    )


REACTIONS = (
    "A reversible reaction can run in both directions: the products can react to give back "
    "the reactants. In a closed flask a reversible reaction reaches equilibrium, where both "
    "directions run at the same rate. An irreversible reaction runs in one direction only. "
    "Burning wood is an irreversible reaction, because the ash and smoke never turn back into "
    "wood."
)


def test_a_term_the_notes_use_too_is_no_opposite_of_its_counterpart() -> None:
    # The notes speak of "irreversible reaction" as well as "reversible reaction": a right
    # sentence about the one is not held against a sentence about the other.
    ref = reference("reversible reactions", REACTIONS)
    good = grader.grade(
        ref,
        "A reversible reaction can go both ways, so the products can react to give back the "
        "reactants, and in a closed flask it settles at equilibrium where both directions run "
        "at the same rate. In a closed flask an irreversible reaction runs to the end and uses "
        "up the reactants. Burning wood is different: the ash and smoke never turn back into "
        "wood, so it is an irreversible reaction that runs in one direction only.",
        "intermediate",
    )
    assert not any(line.startswith("Check") for line in good.feedback)
    assert good.score >= 8


def test_nothing_to_do_with_says_two_things_are_unrelated_and_denies_neither() -> None:
    # Otherwise "An argument has premises and a conclusion" reads as contradicting "the
    # premises have nothing to do with the conclusion" (seen on real logic notes).
    claim = read_claim(
        "This is a weak argument, because the premises have nothing to do with the conclusion", 0
    )
    assert not claim.negated
    assert read_claim("The premises do nothing for the conclusion", 0).negated


MEMORY = (
    "Short-term memory is the memory you use to think about things right now. Whatever its "
    "exact size, we know that short-term memory is limited. Teachers can support learners in "
    "working with the limitations of short-term memory by breaking tasks into steps. "
    "Long-term memory is where learning is stored."
)


def test_a_denial_is_not_backed_by_a_claim_that_only_shares_its_words() -> None:
    """ "support learners in working with the limitations of short-term memory" shares every
    word of "short-term memory has no limit" but does not say it; what the notes deny still
    backs a learner who denies it too."""
    ref = reference("short-term memory", MEMORY)
    wrong = grader.grade(ref, "Short-term memory has no limit.", "beginner")
    assert any(
        line.startswith('Check "Short-term memory has no limit."')
        and "short-term memory is limited" in line
        for line in wrong.feedback
    )
    # Nor does the denial earn the ideas it denies as covered.
    assert not any("limit" in idea for idea in wrong.covered)
    right = grader.grade(
        ref,
        "Short-term memory is not unlimited: it is limited, and teachers break tasks into steps.",
        "beginner",
    )
    assert not any(line.startswith("Check") for line in right.feedback)
