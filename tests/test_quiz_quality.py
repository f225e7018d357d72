"""Every served question from notes is sensible: a full, self-contained sentence, an answer the
notes state (never a section number, a stop word or the subject's own name), four options of
one kind, none a form of another or inside another."""

from __future__ import annotations

import pytest

from learnplat.domain.model import Citation, QuizQuestion, Source
from learnplat.services.question_check import problem
from learnplat.tutors.offline import OfflineTutor
from learnplat.tutors.offline.analysis import analyse
from learnplat.tutors.offline.terms import acceptable
from learnplat.tutors.offline.text import self_contained

PASSAGE = (
    "Round robin scheduling gives each process a fixed time slice called a quantum. "
    "The CPU scheduler picks the next process from the ready queue."
)


def question(stem: str, options: tuple[str, ...], answer: str) -> QuizQuestion:
    return QuizQuestion(
        question=stem,
        options=options,
        answer=answer,
        explanation=PASSAGE,
        citation=Citation(title="Scheduling", doc_id=1, page=1, passage_id=1),
        kind="cloze",
    )


def test_a_sensible_question_is_served() -> None:
    good = question(
        "Fill in the blank: Round robin scheduling gives each process a fixed time slice "
        "called a _____.",
        ("quantum", "semaphore", "deadlock", "mutex"),
        "quantum",
    )
    assert problem(good, PASSAGE, "Operating systems") is None


@pytest.mark.parametrize(
    ("options", "answer", "reason"),
    [
        (("quantum", "Euler", "deadlock", "mutex"), "quantum", "the options are not of one kind"),
        (
            ("CPU scheduler", "CPU scheduling", "MMU page table", "UNIX file system"),
            "CPU scheduler",
            "two options are forms of one word",
        ),
        (("quantum", "deadlock", "deadlock detection", "mutex"), "quantum", "an option contains"),
    ],
)
def test_options_of_one_kind_and_no_form_of_another(
    options: tuple[str, ...], answer: str, reason: str
) -> None:
    stem = "Fill in the blank: The _____ picks the next process from the ready queue."
    if answer == "quantum":
        stem = "Fill in the blank: Each process gets a fixed time slice called a _____."
    found = problem(question(stem, options, answer), PASSAGE, "Operating systems")
    assert found is not None and found.startswith(reason)


def test_the_answer_is_never_the_subject_or_a_section_number() -> None:
    subject = question(
        "Fill in the blank: _____ gives each process a fixed time slice called a quantum.",
        ("Round robin scheduling", "Shortest job first", "Priority queues", "Lottery draws"),
        "Round robin scheduling",
    )
    assert problem(subject, PASSAGE, "Round robin scheduling") == (
        "the answer is the subject's own name"
    )
    numbered = question(
        "Fill in the blank: The scheduler is explained in section _____ of the notes.",
        ("2.1", "3.4", "5.6", "7.8"),
        "2.1",
    )
    assert problem(numbered, PASSAGE + " See 2.1 for more.", "") == (
        "the answer is a section number"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Definitions like this are called recursive definitions in the notes.",
        "It is certainly a valid argument of the simplest kind.",
        "In other words, every basis vector is a valid physical state for the system.",
        "F: Willard wears a funny hat and sings in the choir.",
        "Learning Objective: Participants will recognise the strengths of static websites.",
        "V sends a random challenge e R ←− Zq to the prover P.",
        "See Definition 31 for the definition of a linear vector space.",
        "Try a short test of working memory at https://example.org/test.",
        "Interpretation is approximately the following: suppose we have two sets of points.",
        "Notice that the problem is not that we made a mistake in the second argument.",
        "Yes, but at the same time the set H is called a subgroup of the group G.",
        "As mentioned before, it is usually called the multiplicative notation of a group.",
        "The locus is the line AB in the figure and is parallel to the axis of the curve.",
        "For example, consider the function of which the graph is given in fig. 20 of the book.",
    ],
)
def test_a_question_is_never_built_on_a_sentence_that_points_elsewhere(text: str) -> None:
    assert not self_contained(text)


def test_connectives_verbs_and_clause_pieces_are_not_terms() -> None:
    for phrase in ("Nevertheless", "apparently", "basically", "sends", "Suppose G",
                   "Two sentences", "cutoff distance depends", "Last two definitions"):
        assert not acceptable(phrase), phrase
    for phrase in ("quantum", "CPU scheduler", "Fiat-Shamir heuristic", "family"):
        assert acceptable(phrase), phrase


def test_a_common_noun_opening_a_sentence_is_offered_in_lower_case_among_common_nouns() -> None:
    notes = (
        Source(
            text="Logic is the business of evaluating arguments and sorting good ones from "
            "bad ones. An argument is valid when its premises guarantee its conclusion. A "
            "tautology is a sentence that must be true as a matter of logic. A contradiction "
            "is a sentence that must be false as a matter of logic. Barbara and Carol study "
            "logic together every week in the library. A premise is a sentence offered as a "
            "reason for the conclusion of an argument.",
            title="Logic notes",
            doc_id=1,
            passage_id=1,
            page=1,
        ),
    )
    quiz = OfflineTutor().quiz(notes, 20)
    for made in quiz.questions:
        kinds = {option[:1].islower() for option in made.options}
        assert len(kinds) == 1, made.options


def test_no_wrong_option_is_one_the_notes_say_the_same_of() -> None:
    # Two protocols the notes describe in the same words: neither is a wrong option when the
    # other is the answer. Terms are offered as written ("Okamoto’s", not "Okamoto ’s").
    pages = (
        "Okamoto’s Protocol is a sigma protocol for the relation R which is honest-verifier "
        "zero-knowledge. Okamoto’s Protocol proves knowledge of a representation of a point.",
        "Chaum-Pedersen Protocol is a sigma protocol for the relation R which is "
        "honest-verifier zero-knowledge. Chaum-Pedersen Protocol proves that two discrete "
        "logarithms are equal.",
        "Schnorr Protocol is the simplest sigma protocol for proving knowledge of a discrete "
        "logarithm. Schnorr Protocol sends one commitment, one challenge and one response.",
        "The Fiat-Shamir Heuristic turns a public-coin protocol into a non-interactive proof "
        "by hashing. The Fiat-Shamir Heuristic replaces the verifier's random challenge.",
        "The Pedersen Commitment hides a value behind a random blinding factor. The Pedersen "
        "Commitment is binding under the discrete logarithm assumption.",
        "The Random Oracle Model treats a hash function as a truly random function. The Random "
        "Oracle Model is used to prove the Fiat-Shamir Heuristic secure.",
    )
    notes = tuple(
        Source(text=text, title="Sigma protocols", doc_id=1, passage_id=page, page=page)
        for page, text in enumerate(pages, start=1)
    )
    quiz = OfflineTutor().quiz(notes, 20)
    twins = {"okamoto’s protocol", "chaum-pedersen protocol"}
    asked = [q for q in quiz.questions if q.answer.lower() in twins and "sigma" in q.question]
    assert asked
    for made in asked:
        assert not twins - {made.answer.lower()} & {o.lower() for o in made.options}, made
    offered = {option for made in quiz.questions for option in made.options}
    assert not any(" ’s" in option for option in offered), offered


def test_a_definition_with_a_second_clause_is_not_asked_back() -> None:
    pages = (
        "SQL tuning is a broad topic and many books have been written as reference.",
        "SQL tuning starts with benchmarking the queries that run most often.",
        "A reverse proxy is a web server that centralizes internal services.",
        "A load balancer is a server that spreads requests across several machines.",
        "A message queue is a buffer that holds jobs until a worker takes them.",
        "A content delivery network is a network of proxy servers close to the user.",
        "SQL tuning matters more than a reverse proxy when the queries are slow.",
        "DNS is a system that translates a domain name into an IP address.",
        "HTTP is a method for encoding and transporting data between a client and a server.",
        "TCP is a connection-oriented protocol that runs over an IP network.",
    )
    notes = tuple(
        Source(text=text, title="System design", doc_id=1, passage_id=page, page=page)
        for page, text in enumerate(pages, start=1)
    )
    questions = [made.question for made in OfflineTutor().quiz(notes, 20).questions]
    assert "What is a web server that centralizes internal services?" in questions
    # Asked as a blank, it is fair; asked back as "What is ...?", it is no question.
    assert not any(q.startswith("What") and "many books" in q for q in questions), questions


GLOSSARY = (
    "# Glossary\n\n"
    "- ABI: Application Binary Interface - defines the interface between two binary modules.\n"
    "- API: Application Programming Interface - a set of rules that lets programs talk.\n"
    "- CLI: Command Line Interface - a way to run a program by typing text commands.\n"
    "- DOM: Document Object Model - the tree of objects a web page is made of.\n"
    "- EOF: End of File - the mark that says a stream has no more data.\n"
    "- Code cache: a chunk of bytes storing compiled code and its metadata.\n"
    "- Note: the list grows as the project names new things.\n"
    "- Short timeline: Aim for breadth across the topics of the course.\n"
    "- Lemma: every program with a command line interface can read its input as text.\n"
)


def test_a_glossary_is_asked_back_term_by_term() -> None:
    # A glossary says what each term is in "Term: what it is" points, with no "X is a ..."
    # sentence: each entry is asked back, with other entries' terms as the wrong options; a label
    # ("Note:") or an instruction ("Short timeline: Aim for ...") is no entry.
    source = Source(text=GLOSSARY, title="Glossary", doc_id=1, passage_id=1, page=1)
    tutor = OfflineTutor()
    questions = tutor.quiz([source], 20).questions
    asked = {q.answer: q for q in questions if q.question.startswith("Which term means")}
    assert {"ABI", "API", "CLI", "DOM", "EOF"} <= set(asked), [q.question for q in questions]
    cli = asked["CLI"]
    assert cli.question == (
        "Which term means “Command Line Interface - a way to run a program by typing text "
        "commands”?"
    )
    assert set(cli.options) - {"CLI"} <= {"ABI", "API", "DOM", "EOF", "Code cache"}
    assert not {"Note", "Short timeline", "Lemma"} & set(asked)
    assert all(problem(q, GLOSSARY, "Glossary") is None for q in questions)
    cards = {card.front: card.back for card in tutor.flashcards([source], 20)}
    assert "a way to run a program" in cards.get("CLI", ""), cards


def test_a_transcripts_speakers_are_no_glossary() -> None:
    # "Professor: ..." and "Alice: ..." open turn after turn: they are speakers, not terms.
    transcript = "\n\n".join(
        [
            "Professor: So today we look at how cells make energy from glucose.",
            "Alice: the mitochondria burn the glucose with oxygen to release its energy.",
            "Professor: Right, and that process is called cellular respiration by biologists.",
            "Alice: the first stage splits each glucose molecule into two pyruvate molecules.",
            "Professor: That first stage is glycolysis, and it happens in the cytoplasm.",
            "Alice: the last stage makes most of the ATP on the inner mitochondrial membrane.",
        ]
    )
    source = Source(text=transcript, title="Lecture 4", doc_id=1, passage_id=1, page=1)
    assert not {"professor", "alic"} & set(analyse((source,)).definitions)
    questions = OfflineTutor().quiz([source], 20).questions
    assert not {"Professor", "Alice"} & {q.answer for q in questions}
    cards = OfflineTutor().flashcards([source], 20)
    assert not {"Professor", "Alice"} & {card.front for card in cards}


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        ("An isomorphism is a bijective homomorphism.", "isomorphism"),
        ("Photosynthesis is the process that turns light into sugar.", "Photosynthesis"),
        ("Music is a language, and to mankind it serves as a medium for feeling.", "Music"),
        ("The UD is the set of things that we are talking about.", "UD"),
        ("A locus is the curve (or surface) formed by points with a given property.", "locus"),
        ("The fixed proportion of the lengths is called the scale of the map.", "scale"),
        ("Other languages, so-called paraconsistent logics, allow both.", "paraconsistent logics"),
        # What does not say what a term is, or says it of another term.
        ("The precise opposite is the case.", None),
        ("The algorithm is the same.", None),
        ("Socrates is a man.", None),
        ("The argument is certainly a valid one.", None),
        ("Inversion is a bit more tricky.", None),
        ("The curves are plane curves, and yet their study needs a solid figure.", None),
        ("Oranges are either fruits or musical instruments.", None),
        ("The songs are full of nature and the strife between Winter and Summer.", None),
        ("The Tartars have been called the troubadours of Asia.", None),
        ("The number of ways of arranging them is called the number of their permutations.", None),
        # The steps are known as Lydian feet: not "dances, the steps of which ...".
        ("There were dances, the steps of which were known as Lydian feet.", "Lydian feet"),
        ("The more the ideas grow, the fewer are the deductions which are worth writing.", None),
    ],
)
def test_a_definition_says_what_its_term_is(sentence: str, term: str | None) -> None:
    # The glossary and the quiz ask back what a sentence defines: only a sentence that says
    # what a thing is defines it, and only the thing it names.
    source = Source(text=sentence, title="Notes", doc_id=1, passage_id=1, page=1)
    definitions = analyse((source,)).definitions
    terms = {d.term for found in definitions.values() for d in found}
    assert terms == ({term} if term else set()), terms


def test_an_adjective_before_to_is_never_a_defined_term() -> None:
    from learnplat.domain.model import Citation
    from learnplat.tutors.offline.definitions import sentence_definitions
    from learnplat.tutors.offline.sentences import Sentence

    text = (
        "Some high tides are higher than others: this is due to the fact that the Sun has a "
        "tide-generating influence as well as the Moon."
    )
    sentence = Sentence(0, text, Citation("Notes", 1, 1, "page", 1, text), (), 22, "sentence")
    assert [d.term for d in sentence_definitions(sentence)] == []
