"""`ask` answers the question asked: the notes' definition for "what is X?", the explaining
passage for "why", and "not covered" only when the notes lack what the question turns on."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnplat.core import Session
from learnplat.domain.model import Citation, Source, Statement
from learnplat.tutors.offline import OfflineTutor
from learnplat.tutors.offline.analysis import analyse
from learnplat.tutors.offline.answer import answer_from_index
from learnplat.tutors.offline.answer_index import index_of
from learnplat.tutors.offline.common_words import information
from learnplat.tutors.offline.followups import index_for
from learnplat.tutors.offline.question import carried_by, focus_phrases, read_question
from learnplat.tutors.offline.sentences import is_fragment, split_sources
from learnplat.tutors.render import ended, statements_markdown

tutor = OfflineTutor()


def in_document(doc_id: int, text: str) -> Source:
    """A page of document ``doc_id`` (its first page, passage ``10 * doc_id``)."""
    return Source(
        text=text, title=f"Document {doc_id}", doc_id=doc_id, passage_id=10 * doc_id, page=1
    )


def notes(*pages: str, title: str = "Notes") -> tuple[Source, ...]:
    """One source per page, cited by page number, as ingest would store them."""
    return tuple(
        Source(text=text, title=title, doc_id=1, passage_id=number, page=number)
        for number, text in enumerate(pages, start=1)
    )


# -- reading the question ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("What is a tautology?", "tautology"),
        ("What exactly is a static website?", "static website"),
        ("What is the extension of a predicate in a model?", "extension of a predicate"),
        ("What is a scale for in d3.js?", "scale"),
        ("What does RuBisCO do?", "RuBisCO"),
        ("How does Whitehead define a function?", "function"),
        ("What does it mean for an argument to be deductively valid?", "deductively valid"),
        ("Why is the sky blue?", None),
    ],
)
def test_a_definition_question_names_what_it_asks_about(question: str, focus: str | None) -> None:
    assert read_question(question).focus == focus


def test_question_words_contractions_and_attributions_are_not_content() -> None:
    read = read_question("According to MacDowell, why can't it's beauty alone make music?")
    assert set(read.terms.values()) == {"beauty", "alone", "music"}
    assert read.kind == "why"
    assert "Schoenberg" in read_question("How does Schoenberg's serialism work?").terms.values()


def test_the_document_itself_is_not_what_a_question_asks_about() -> None:
    assert read_question("How do the notes define a function?").focus == "function"
    assert set(read_question("What is a monad in my notes?").terms) == {"monad"}
    assert set(read_question("What does the book say about tides?").terms.values()) == {"tides"}
    # A musical note is still a note.
    assert "note" in read_question("What is a note in music?").terms.values()
    assert "notes" in read_question("Which of the notes is the tonic?").terms.values()


def test_the_phrase_asked_about_is_its_head_or_its_subject() -> None:
    assert focus_phrases("three types of cognitive load") == ["cognitive load"]
    assert focus_phrases("dual space of a Hilbert space") == [
        "dual space of a Hilbert space",
        "dual space",
    ]


def test_rare_words_tell_more_than_everyday_ones() -> None:
    assert information("the") < information("later") < information("roast") < information(
        "serialism"
    )
    assert information("beginners") == information("beginner")
    assert information("tunnelling") == information("tunnel")


def test_missing_everyday_words_are_wording_but_a_missing_subject_is_not() -> None:
    easy = read_question("How should I set up the starting element so it's easy to grab later?")
    assert not carried_by(["easy", "grab", "later"], easy)
    serial = read_question("How does twelve-tone serialism organise a melody?")
    assert carried_by(["serialism"], serial)
    assert carried_by(["Kenya"], read_question("What is the capital city of Kenya?"))
    assert carried_by(["ethanol"], read_question("What is the boiling point of ethanol?"))
    roast = read_question("How long should I roast a whole chicken?")
    assert carried_by(["roast", "chicken"], roast)


# -- the sentences an answer may be made of ----------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "117 7.6 Fiat-Shamir Heuristic . .",
        "Imaginary Quantities, 88 Incommensurable Ratios, 54 et seqq.",
        "4.1 From sentences to predicates . .",
        ", mn) before verifier sends a challenge c.",
        "The truth table for this sentence looks like this:",
        "Sentence 47 can be translated as ∃x F x & ¬∃y(F y & x 6= y) & Bx .",
        "(You might worry that the or here should be an exclusive or.",
        "Part of the proof.",
        "Sketch of the proof.",
        "Definition (Special Soundness).",
        "See Section 7.6 for proof of the inequality.",
        "See for more on this inequality in this article: https://shorturl.at/eIKZ9.",
        "3p located between the two momenta p and p plus dp.",
    ],
)
def test_contents_index_lines_lead_ins_and_broken_math_are_not_sentences(text: str) -> None:
    assert is_fragment(text)


def test_list_points_answer_questions_but_are_not_lesson_sentences() -> None:
    sources = notes(
        "Steps to every visualization:\n\n"
        "1. Create your scales: these convert your data into the pixel space of the web\n"
        "2. Bind data to this selection and enter the data"
    )
    lesson_sentences, _ = split_sources(sources)
    answer_units, _ = split_sources(sources, items=True)
    assert lesson_sentences == []
    assert [unit.kind for unit in answer_units] == ["item", "item"]
    answer = tutor.answer("What do scales do?", sources)
    assert answer.found and "pixel space" in answer.text


# -- answers -----------------------------------------------------------------------------------
def test_what_is_x_gives_the_definition_where_the_notes_introduce_it() -> None:
    sources = notes(
        "A logically true sentence is called a tautology. Truth tables show which sentences "
        "are tautologies.",
        "We return to truth tables. A tautology is a sentence that must be true as a matter of "
        "logic, and a contradiction one that must be false.",
        "Every tautology is a theorem of the proof system, and tautologies are theorems here.",
    )
    answer = tutor.answer("What is a tautology?", sources)
    assert answer.found
    assert answer.statements[0].text == "A logically true sentence is called a tautology."
    assert answer.statements[0].citations[0].page == 1


def test_an_acronym_is_answered_by_the_sentence_that_spells_it_out() -> None:
    sources = notes(
        "A content delivery network (CDN) is a globally distributed network of proxy servers. "
        "Users get content from a nearby server.",
        "CDNs are considered a type of cache. CDN costs can be significant for large sites.",
    )
    answer = tutor.answer("What is a CDN?", sources)
    assert answer.statements[0].text.startswith("A content delivery network (CDN) is")


def test_why_is_answered_by_the_explaining_sentence_with_what_it_leans_on() -> None:
    sources = notes(
        "Cells store energy in ATP. The mitochondria make most of it. This is why muscle cells "
        "hold many mitochondria: they use energy quickly.",
        "Mitochondria have their own DNA.",
    )
    answer = tutor.answer("Why do muscle cells have many mitochondria?", sources)
    assert answer.found
    assert "This is why muscle cells hold many mitochondria" in answer.text
    assert answer.statements[0].text == "The mitochondria make most of it."


def test_the_notes_own_exercises_are_not_taken_for_answers() -> None:
    sources = (
        Source(
            text="Photosynthesis turns light into chemical energy stored in sugar.",
            title="Notes", doc_id=1, passage_id=1, page=1, heading_path=("Photosynthesis",),
        ),
        Source(
            text="What does photosynthesis turn light into? Photosynthesis turns light into "
            "heat, according to option B.",
            title="Notes", doc_id=1, passage_id=2, page=2,
            heading_path=("Photosynthesis", "Exercises"),
        ),
    )
    answer = tutor.answer("What does photosynthesis turn light into?", sources)
    assert answer.statements[0].citations[0].page == 1


def test_not_covered_never_names_a_word_the_notes_contain() -> None:
    sources = notes("RuBisCO fixes carbon dioxide in the Calvin cycle of the stroma.")
    answer = tutor.answer("What is the boiling point of ethanol?", sources)
    assert not answer.found and "ethanol" in answer.text
    answer = tutor.answer("Why does the stroma matter for carbon?", sources)
    assert answer.found or "stroma" not in answer.text


def test_a_section_headed_by_the_term_defines_it_in_its_first_sentence() -> None:
    sources = (
        Source(
            text="Eventual consistency\n\n"
            "After a write, reads will see it within milliseconds. Data is copied later.\n\n"
            "Eventual consistency works well in highly available systems.",
            title="Notes", doc_id=1, passage_id=1, page=4,
            heading_path=("Consistency", "Eventual consistency"),
        ),
        Source(
            text="Eventual consistency is favoured by most NoSQL stores over transactions.",
            title="Notes", doc_id=1, passage_id=2, page=9, heading_path=("NoSQL",),
        ),
    )
    answer = tutor.answer("What is eventual consistency?", sources)
    assert answer.statements[0].text.startswith("After a write, reads will see it")


def test_a_slide_is_opened_by_its_first_point_after_lead_ins_and_formulas() -> None:
    sources = (
        Source(
            text="Covering map\n\n- Two port-numbered networks:\n- N = (V, P, p)\n"
            "- N’ = (V’, P’, p’)\n- Surjection f: V → V’ that preserves inputs, degrees, "
            "connections and port numbers",
            title="Slides", doc_id=1, passage_id=1, page=14, heading_path=("Covering map",),
        ),
        Source(
            text="Covering map\n\n- Fools any deterministic algorithm\n- If f is a covering "
            "map from N to N’, then v and f(v) have the same state before round 1",
            title="Slides", doc_id=1, passage_id=2, page=16, heading_path=("Covering map",),
        ),
    )
    answer = tutor.answer("What is a covering map?", sources)
    assert answer.statements[0].text.startswith("Surjection f: V → V’ that preserves")
    assert answer.statements[0].citations[0].page == 14


def test_asked_for_three_things_the_list_of_three_its_lead_in_announces_answers() -> None:
    sources = (
        Source(
            text="The Theory of Cognitive Load\n\nThere are different theories of cognitive load. "
            "Sweller posits that people attend to three types of things when they learn:\n\n"
            '- Things they have to think about to perform a task ("intrinsic").\n'
            '- Mental effort to connect the task to old information ("germane").\n'
            '- Distractions not related to the task ("extraneous").\n\n'
            "Cognitive load is not always a bad thing! Some difficulty is desirable. However, "
            "there are limits to the load a learner can take.",
            title="Notes", doc_id=1, passage_id=1, page=14,
            heading_path=("The Theory of Cognitive Load",),
        ),
        Source(
            text="Managing cognitive load\n\nCognitive load should be managed through guided "
            "practice.\n\n- Use worked examples.\n- Use faded examples.\n- Use labelled "
            "subgoals.",
            title="Notes", doc_id=1, passage_id=2, page=20,
            heading_path=("Managing cognitive load",),
        ),
    )
    answer = tutor.answer("What are the three types of cognitive load?", sources)
    assert [s.text.split("(")[-1] for s in answer.statements] == [
        '"intrinsic").', '"germane").', '"extraneous").'
    ]
    assert read_question("Name the 4 main stages of mitosis").count == 4


def test_a_definition_that_leans_on_the_sentence_before_comes_with_it() -> None:
    sources = notes(
        "The Greeks found lengths that are not any exact fraction of the first length. "
        "Ratios of this sort are called incommensurable.",
        "Incommensurable ratios were put with the fractions to form the real numbers.",
    )
    answer = tutor.answer("What are incommensurable ratios?", sources)
    assert "not any exact fraction" in answer.text
    assert answer.statements[0].citations[0].page == 1


def test_a_definition_may_name_the_term_in_another_order() -> None:
    sources = notes(
        "Any public-coin protocol can be made non-interactive with a hash function.",
        "If the verifier's messages are random values, the protocol is public-coin.",
    )
    answer = tutor.answer("What is a public-coin protocol?", sources)
    assert "random values" in answer.text


def test_a_short_name_the_notes_give_the_term_finds_its_definition() -> None:
    sources = notes(
        "To remove this ambiguity we fix a universe of discourse, abbreviated UD. "
        "The quantifiers range over the universe of discourse.",
        "The UD is the set of things that we are talking about.",
    )
    answer = tutor.answer("What is the universe of discourse?", sources)
    assert "set of things that we are talking about" in answer.text


def test_references_do_not_answer_for_the_notes() -> None:
    sources = notes(
        "This led to the 2.5% Commitment, a call to action by David Lewis for libraries.",
        "Lewis, David W. 2017. The 2.5% Commitment. Working Paper. https://doi.org/10.7912/C2JD29.",
    )
    answer = tutor.answer("What is the 2.5% Commitment?", sources)
    assert "call to action" in answer.text and "Working Paper" not in answer.text


def test_a_sentence_pointing_back_comes_with_what_it_points_to() -> None:
    sources = notes(
        "In R1CS the number of constraints grows linearly with the size of the program. "
        "The Quadratic Arithmetic Program can address this issue.",
        "Arithmetic circuits are built from addition and multiplication gates.",
    )
    answer = tutor.answer("Why do we need a Quadratic Arithmetic Program?", sources)
    assert "grows linearly" in answer.text


def test_why_brings_the_reason_beside_the_sentence_that_names_the_choice() -> None:
    sources = notes(
        "A distributed system supports two of three guarantees. Networks are not reliable, so "
        "you need to support partition tolerance. You must then trade consistency against "
        "availability.",
        "Consistency means every read receives the most recent write.",
    )
    answer = tutor.answer("Why must we trade consistency against availability?", sources)
    assert "partition tolerance" in answer.text


def test_why_goes_on_to_the_sentence_that_says_why_the_claim_holds() -> None:
    sources = notes(
        "Plain text ensures transparency and meets the standards of long-term preservation. "
        "Proprietary formats may vanish with the programs that open them, but plain text will "
        "always remain readable in any editor.",
        "Rich text shows fonts and styles.",
    )
    answer = tutor.answer("Why is plain text good for long-term preservation?", sources)
    assert answer.text.startswith("Plain text ensures transparency")
    assert "always remain readable" in answer.text


def test_a_sentence_under_a_heading_that_names_the_subject_answers_for_it() -> None:
    sources = (
        Source(
            text="In turn, transparent means there is no requirement for a trusted setup.",
            title="Notes", doc_id=1, passage_id=1, page=7, heading_path=("STARKs",),
        ),
        Source(
            text="Proving keys are made after the trusted setup.",
            title="Notes", doc_id=1, passage_id=2, page=3, heading_path=("File formats",),
        ),
    )
    answer = tutor.answer("Do STARKs need a trusted setup?", sources)
    assert answer.statements[0].citations[0].page == 7


def test_what_is_x_gives_where_it_is_named_and_what_it_is() -> None:
    sources = notes(
        "Given a Hilbert space H, one can construct another vector space, called the dual space.",
        "The dual space is the vector space of all linear functionals on H. It matters because "
        "we want numbers out of the model.",
    )
    answer = tutor.answer("What is the dual space?", sources)
    assert [s.citations[0].page for s in answer.statements] == [1, 2]
    assert "linear functionals" in answer.text


def test_a_leaning_definition_brings_what_it_leans_on_in_turn() -> None:
    sources = notes(
        "It is impossible for the premises to be true and the conclusion false. If its premises "
        "were true, then its conclusion would be true. We call such an argument valid.",
        "Inductive arguments are not valid, however good they are.",
    )
    answer = tutor.answer("What does it mean for an argument to be valid?", sources)
    assert "impossible for the premises to be true" in answer.text


def test_with_the_same_words_meaning_chooses_the_answer() -> None:
    from learnplat.tutors.offline.meaning import blend

    blended = blend(
        "How do plants make their food?",
        [1.0, 1.0],
        [
            "Plants are green and grow towards light.",
            "Leaves turn light, water and carbon dioxide into sugar.",
        ],
    )
    assert blended is not None, "the test extras install learnplat[semantic]"
    scores, cosines = blended
    assert scores[1] > scores[0] and cosines[1] > cosines[0]


def test_asked_about_a_word_the_sentence_that_speaks_of_the_word_answers() -> None:
    sources = notes(
        "Aeschylus wrote the music to his tragedies and taught the chorus its steps.",
        "A goat was sacrificed while the hymns were sung; thus the origin of the word tragedy, "
        "or goat song.",
    )
    answer = tutor.answer("What did the word 'tragedy' originally mean?", sources)
    assert "goat song" in answer.text


def test_asked_what_a_word_first_meant_the_sentence_on_its_origin_answers() -> None:
    sources = notes(
        "Already in the seventeenth century we find the word sonata applied to musical "
        "compositions, generally to pieces for the violin. Probably the term sonata first named "
        "a dance form not meant for dancing.",
        "Later the name sonata was given to works in three movements for the keyboard.",
        "The word sonata was derived from the Italian word suonare, to sound, and set "
        "instrumental music apart from vocal music.",
    )
    answer = tutor.answer("What did the word sonata originally mean?", sources)
    assert "suonare, to sound" in answer.text


def test_a_lesson_still_offers_the_follow_up_on_a_term_in_ness() -> None:
    analysis = analyse(
        notes(
            "Soundness ensures that the prover cannot convince the verifier of a false "
            "statement. Completeness means an honest prover always convinces the verifier."
        )
    )
    answer = answer_from_index(index_for(analysis), "What is meant by soundness?")
    assert answer.found and "cannot convince the verifier" in answer.text


@pytest.mark.parametrize(
    ("question", "pages", "expected"),
    [
        (
            "What is special soundness?",
            (
                "Correctness is easy to check. Again, let us show correctness and special "
                "soundness for the protocol. Suppose the relation holds.",
                "The protocol is special sound if, given two accepting conversations with the "
                "same first message, an extractor can compute the witness.",
            ),
            "an extractor can compute the witness",
        ),
        (
            "What does succinct mean in a SNARK?",
            (
                "The constraint system is powerful, but it is not succinct at all, since the "
                "number of constraints grows linearly with the computation.",
                "Succinctness — the proof size and the verification time are small relative to "
                "the computation.",
            ),
            "the proof size and the verification time are small",
        ),
    ],
)
def test_a_term_is_defined_where_the_notes_use_its_adjective_or_its_noun(
    question: str, pages: tuple[str, ...], expected: str
) -> None:
    answer = tutor.answer(question, notes(*pages))
    assert expected in answer.text


def test_a_label_glossed_in_brackets_answers_what_it_is() -> None:
    sources = notes(
        "Relevant links\n\nD3 API Documentation: https://github.com/d3/d3 Bl.ocks (the home "
        "for sharing d3 modules and examples): https://bl.ocks.org/ SVG Documentation:"
    )
    answer = tutor.answer("What is Bl.ocks?", sources)
    assert answer.found and "sharing d3 modules" in answer.text


def test_a_lead_in_is_answered_with_the_short_points_of_its_list() -> None:
    # A slide's bullets are too short to be sentences: the answer quoting "... preserves:" says
    # what it preserves instead of stopping at the colon.
    slide = Source(
        text="Covering map\n\n- Two port-numbered networks:\n- N = (V, P, p)\n"
        "- N’ = (V’, P’, p’)\n- Surjection f: V → V’ that preserves:\n- inputs\n- degrees\n"
        "- connections\n- port numbers\n",
        title="Slides",
        doc_id=1,
        passage_id=1,
        page=14,
        heading_path=("Covering map",),
    )
    sources = (slide, *notes("Local algorithms stop after a constant count of rounds."))
    answer = tutor.answer("What is a covering map between two port-numbered networks?", sources)
    assert "preserves: inputs; degrees; connections; port numbers." in answer.text
    # A list of sentences is quoted as sentences, not folded into its lead-in.
    listed = notes(
        "There are two good reasons to choose UDP over TCP:\n\n"
        "- You need the lowest latency for every message you send.\n"
        "- Late data is worse than the loss of some of the data.\n"
    )
    assert index_of(listed).points == {}
    assert list(index_of(sources).points.values()) == [
        ("inputs", "degrees", "connections", "port numbers")
    ]


@pytest.mark.parametrize(
    "definition",
    [
        'Now a "mode" is the manner in which the notes of a scale are arranged.',
        "Given a scale, the mode M is the manner in which the notes of a scale are arranged.",
    ],
)
def test_a_definition_is_read_past_its_opening_words_quotes_and_symbols(definition: str) -> None:
    sources = notes(
        "The so-called new modes were simply new versions of the first four modes of music.",
        "Hindu music has many modes. " + definition,
    )
    answer = tutor.answer("What is a mode in music?", sources)
    assert "the notes of a scale are arranged" in answer.text


def test_the_notes_asking_the_learners_question_answer_it_next() -> None:
    sources = (
        Source(
            text="Problem Statement\n\nP wants to convince V that it knows the discrete log.\n\n"
            "Why cannot we simply send α? Because we do not want to reveal the witness!",
            title="Notes", doc_id=1, passage_id=1, page=7,
            heading_path=("Schnorr", "Problem Statement"),
        ),
        Source(
            text="The Schnorr protocol is special sound: the witness α can be computed from two "
            "accepting conversations that the prover sends.",
            title="Notes", doc_id=1, passage_id=2, page=15, heading_path=("Schnorr",),
        ),
    )
    answer = tutor.answer("Why can't the Schnorr prover just send alpha?", sources)
    assert "reveal the witness" in answer.text


def test_titles_signposts_and_captions_do_not_answer() -> None:
    sources = notes(
        "Problems with Truncation of Lennard-Jones Interactions and How to Avoid Them?\n\n"
        "A cutoff of the Lennard-Jones potential introduces a discontinuity in the energy.",
        "Definition 10.2 (Lennard-Jones potential). In the next section we will cut it off.",
    )
    answer = tutor.answer("Why is cutting off the Lennard-Jones potential a problem?", sources)
    assert answer.text.startswith("A cutoff of the Lennard-Jones potential introduces")


def test_a_sentence_saying_again_what_was_asked_comes_with_what_it_says_next() -> None:
    sources = notes(
        "It is easy to turn the identification protocol into a signature scheme! Simply regard "
        "the statement and the message together as a public statement.",
        "A signature scheme has three algorithms.",
    )
    answer = tutor.answer("How do you turn the identification protocol into a signature scheme?",
                          sources)
    assert "public statement" in answer.text


def test_a_yes_or_no_question_is_answered_by_the_sentence_that_says_yes_or_no() -> None:
    assert read_question("Do STARKs need a trusted setup?").kind == "yesno"
    sources = notes(
        "A conditional in SL is true when its antecedent is false or its consequent is true.",
        "A conditional in SL says nothing about the causal connection between the two events.",
    )
    answer = tutor.answer("Does a conditional in SL say that one event causes the other?", sources)
    assert answer.text.startswith("A conditional in SL says nothing about the causal")


@pytest.mark.parametrize(
    ("question", "pages", "start"),
    [
        # The action asked about, done on what is asked about.
        (
            "How do you turn the identification protocol into a signature scheme?",
            (
                "In green we marked the only difference between the identification and "
                "signature protocols.",
                "We can turn the identification protocol into a signature scheme by hashing "
                "the message with the commitment.",
            ),
            "We can turn the identification protocol",
        ),
        # What a thing does, said by what the notes say it is.
        (
            "What does a static site generator actually do?",
            (
                "Markdown is independent of static websites and static site generators.",
                "If static site generators were a band, Jekyll would be a founding member.",
                "Think of a static site generator as a script which takes in data and "
                "templates and outputs a folder of pages.",
            ),
            "Think of a static site generator as a script",
        ),
        # How many: a number answers.
        (
            "How many things can a person keep in short-term memory?",
            (
                "Short-term memory is limited, so learners should not be flooded with "
                "separate pieces of information.",
                "George Miller estimated that short-term memory could hold 7 items, give or "
                "take two.",
            ),
            "George Miller estimated",
        ),
    ],
)
def test_how_questions_are_answered_by_what_they_ask(
    question: str, pages: tuple[str, ...], start: str
) -> None:
    answer = tutor.answer(question, notes(*pages))
    assert answer.found and answer.text.startswith(start), answer.text


def test_how_a_pattern_works_is_said_under_its_name() -> None:
    # The notes name it without "pattern": what its section opens with says how it works.
    assert focus_phrases("cache-aside pattern") == ["cache-aside pattern", "cache-aside"]
    assert read_question("How does the cache-aside pattern work?").focus == "cache-aside pattern"
    sources = (
        Source(
            text="Cache-aside\n\nThe application looks in the cache first and loads a missing "
            "entry from the database into the cache.",
            title="Notes",
            doc_id=1,
            passage_id=1,
            page=1,
            heading_path=("Caching", "Cache-aside"),
        ),
        Source(
            text="Write-through\n\nCache-aside together with write-through caching can "
            "mitigate this issue.",
            title="Notes",
            doc_id=1,
            passage_id=2,
            page=2,
            heading_path=("Caching", "Write-through"),
        ),
    )
    answer = tutor.answer("How does the cache-aside pattern work?", sources)
    assert answer.text.startswith("The application looks in the cache first"), answer.text


def test_a_definition_pointing_at_a_figure_gives_way_to_one_that_reads_alone() -> None:
    sources = notes(
        "The locus is the line AB in the figure and is parallel to the axis OL.",
        "A locus is the curve formed by points, all of which possess some given property.",
    )
    answer = tutor.answer("What is a locus?", sources)
    assert answer.text.startswith("A locus is the curve formed by points"), answer.text


# -- the service: the whole library decides what is covered ------------------------------------
@pytest.fixture
def library_notes(platform: Session, tmp_path: Path) -> int:
    path = tmp_path / "logic.md"
    path.write_text(
        "# Logic\n\n## Validity\n\n"
        "An argument is deductively valid if it is impossible for the premises to be true and "
        "the conclusion false. Determining validity is the business of logic.\n\n"
        "## Analysis\n\n"
        "Russell's analysis of definite descriptions makes an existence claim and a uniqueness "
        "claim. The analysis explains why the sentence is false.\n",
        encoding="utf-8",
    )
    result = platform.library.ingest(path)
    assert result.document is not None
    return result.document.id


def test_missing_words_are_words_as_written_give_or_take_an_ending(
    platform: Session, library_notes: int
) -> None:
    missing = platform.library.missing_words(
        ["analyse", "determinant", "arguments", "tableau"], doc_ids=[library_notes]
    )
    assert missing == ["determinant", "tableau"]


def test_ask_answers_in_other_words_and_says_not_covered_only_for_what_is_absent(
    platform: Session, library_notes: int
) -> None:
    answer = platform.learning.ask(
        "How did Russell analyse a sentence about the present king?", doc_ids=[library_notes]
    )
    assert answer.found and "existence claim" in answer.text
    absent = platform.learning.ask("How does the tableau method test validity?")
    assert not absent.found
    assert "tableau" in absent.text and "validity" not in absent.text


def test_passages_lacking_one_of_the_questions_words_are_searched_too(
    platform: Session, tmp_path: Path
) -> None:
    schools = tmp_path / "schools.md"
    schools.write_text(
        "# Schools\n\nFormative quizzes should be frequent in schools, say the teachers who "
        "mark them by hand.\n",
        encoding="utf-8",
    )
    memory = tmp_path / "memory.md"
    memory.write_text(
        "# Memory\n\nFormative assessments should be frequent because short-term memory is "
        "limited in time as well as in space.\n",
        encoding="utf-8",
    )
    for path in (schools, memory):
        assert platform.library.ingest(path).document is not None
    query = "formative quizzes frequent"
    every_word = platform.library.relevant_passages(query, require_all=False)
    any_word = platform.library.relevant_passages(query, require_all=False, any_word=True)
    assert ["limited in time" in p.text for p in every_word] == [False]
    assert sorted("limited in time" in p.text for p in any_word) == [False, True]



@pytest.mark.parametrize(
    ("point", "read"),
    [
        ("make sure it is an <svg> type", "make sure it is an <svg> type."),
        ("into the pixel space of the web (range)", "into the pixel space of the web (range)."),
        ("SVG types: rect, circle, text, etc", "SVG types: rect, circle, text, etc."),
        ("Suppose you answer the question: ‘I am not sleepy.’", None),
        ("Create your starting element:", None),
        ("Is it true?", None),
        ("https://bl.ocks.org/", None),
        ("```python\ndef double(n):\n    return n * 2\n```", None),
    ],
)
def test_points_quoted_one_after_another_read_as_sentences(point: str, read: str | None) -> None:
    # A handout's points have no full stop: quoted one after another they must not run together
    # ("... an <svg> type Create your scales ..."); what ends already, and code, stay as written.
    assert ended(point) == (read or point)
    citation = Citation("Handout", doc_id=1, page=2)
    statements = (Statement(point, (citation,)), Statement("Create your scales", (citation,)))
    assert statements_markdown(statements).startswith(f"{read or point} Create your scales.")


# -- the learner's wording and the notes' ---------------------------------------------------
@pytest.mark.parametrize(
    ("question", "pages", "wanted"),
    [
        (
            "How did triple time come about?",
            (
                "Triple time was written with the sign O at the start of a line, and common "
                "time with the sign C.",
                "A step long and a step short is no longer walking but dancing: triple time "
                "arose directly from the dance.",
            ),
            "arose directly from the dance",
        ),
        (
            "Why should formative assessments happen so often?",
            (
                "Formative assessments help to consolidate learning in long-term memory.",
                "Short-term memory fades within seconds, which is why formative assessments "
                "should be frequent: wait too long and what they test is already forgotten.",
            ),
            "should be frequent",
        ),
    ],
)
def test_the_notes_words_for_the_learners_everyday_words_count(
    question: str, pages: tuple[str, ...], wanted: str
) -> None:
    assert wanted in tutor.answer(question, notes(*pages)).text


def test_paraphrases_are_general_words_never_the_questions_own() -> None:
    from learnplat.tutors.offline.paraphrase import paraphrases

    found = paraphrases("How did triple time come about?")
    assert {"aros", "originat"} <= set(found)
    assert "tim" not in found and "tripl" not in found  # a subject's words match as written
    assert paraphrases("What is a monad?") == {}
    # Words of the question itself are not brought in again as paraphrases.
    assert "keep" not in paraphrases("How much can we keep or hold in memory?")


def test_with_meaning_a_how_many_question_is_still_answered_by_a_number() -> None:
    semantic_tutor = OfflineTutor(semantic=True)
    sources = notes(
        "A person can keep more things in short-term memory at once by chunking: things "
        "seen together are kept as one.",
        "George Miller estimated that it holds 7 items, give or take 2.",
    )
    answer = semantic_tutor.answer(
        "How many things can a person keep in short-term memory at once?", sources
    )
    assert "George Miller" in answer.text, answer.text


# -- lines leading in to a list or a formula -----------------------------------------------
def test_a_condition_leading_in_to_a_list_is_answered_with_its_points_in_order() -> None:
    sources = notes(
        "A worker picks up the job from the queue and signals when it is complete.",
        "UDP is connectionless and does not resend lost datagrams.\n\n"
        "Use UDP over TCP when:\n\n"
        "* You need the lowest latency\n"
        "* Late data is worse than loss of data\n"
        "* You want to implement your own error correction\n",
    )
    answer = tutor.answer("When should I pick UDP over TCP?", sources)
    assert answer.text.startswith(
        "Use UDP over TCP when: You need the lowest latency; Late data is worse than loss of "
        "data; You want to implement your own error correction."
    ), answer.text
    assert "worker" not in answer.text  # "picks up the job" is not what "pick" asks


def test_a_statement_leading_in_to_a_formula_answers_as_a_statement() -> None:
    sources = notes(
        "A service made of several components depends on how they are arranged.",
        "Overall availability decreases when two components with availability below 100% are "
        "in sequence:\n\n"
        "```\nAvailability (Total) = Availability (Foo) * Availability (Bar)\n```\n",
    )
    answer = tutor.answer(
        "Does chaining two components one after the other raise or lower availability?", sources
    )
    assert "Overall availability decreases when two components" in answer.text, answer.text
    assert "sequence." in answer.text


def test_a_label_over_a_list_or_a_pointer_to_a_formula_is_no_statement() -> None:
    sentences, _outline = split_sources(
        notes(
            "Steps to starting with d3.js:\n\n- Set up your HTML page\n- Link your CSS file\n",
            "The inner product in this space is defined as:\n\n$$ (f, g) = \\int f g $$\n",
            "Consider three major proving systems used in practice:\n\nN = |C|\n",
            "Bl.ocks (the home for sharing d3 modules):\n\nhttps://bl.ocks.org/\n",
        ),
        items=True,
    )
    texts = [s.text for s in sentences]
    assert not any(
        t.startswith(("Steps to", "The inner product", "Consider", "Bl.ocks")) for t in texts
    )


def test_what_it_means_to_be_something_asks_what_it_is_not_what_it_does() -> None:
    read = read_question("What does it mean for an argument to be deductively valid?")
    assert read.focus == "deductively valid" and not read.asks_action
    assert read_question("What does RuBisCO do?").asks_action


@pytest.mark.parametrize(
    ("question", "pages", "wanted"),
    [
        # One that reads alone before one leaning on the sentence before it.
        (
            "What does it mean for an argument to be deductively valid?",
            (
                "An argument may have true premises and still a weak form. If its premises "
                "were true, its conclusion would necessarily be true. We call such an argument "
                "deductively valid.",
                "An argument is deductively valid if and only if it is impossible for the "
                "premises to be true and the conclusion false.",
            ),
            "impossible for the premises to be true",
        ),
        # A question of the notes' own is no definition.
        (
            "What is the extension of a predicate?",
            (
                "Interpreting F to mean 'fights crime' picks out the heroes. Formally, this is "
                "the set of members of the domain to which the predicate applies; this set is "
                "called the extension of the predicate.",
                "The significance of a predicate is determined by its extension, but what "
                "should we say about constants?",
            ),
            "to which the predicate applies",
        ),
    ],
)
def test_of_equally_strong_definitions_the_one_a_learner_can_read_answers(
    question: str, pages: tuple[str, ...], wanted: str
) -> None:
    assert wanted in tutor.answer(question, notes(*pages)).text


# -- a sentence the page break cut -------------------------------------------------------------
def test_a_sentence_a_page_break_cut_is_answered_whole_and_cited_where_it_starts(
    platform: Session, tmp_path: Path
) -> None:
    from tests import corpus

    pdf = corpus.make_pdf(
        tmp_path / "functions.pdf",
        [
            (
                "Functions",
                "A rule can tell you what a temperature will be when you know the hour. "
                "Coming now to the general case, we can define a function in mathematics as a "
                "correlation between two variable numbers, called respectively the argument and "
                "the",
            ),
            (
                None,
                "value of the function, such that whatever value is given to the argument, the "
                "value of the function is determined. Graphs draw functions as curves.",
            ),
        ],
    )
    doc = platform.library.ingest(pdf).document
    assert doc is not None
    answer = platform.learning.ask("How do the notes define a function?", doc_ids=[doc.id])
    assert "the argument and the value of the function, such that" in answer.text, answer.text
    assert {c.page for c in answer.citations} == {1}
    # The page itself shows what is printed on it, and nothing of the next.
    assert platform.library.page(doc.id, 1).text.rstrip().endswith("the argument and the")
    # Lessons and quizzes read the whole sentence too.
    whole = " ".join(p.text for p in platform.library.passages(doc.id))
    assert "and the value of the function, such that" in whole


def test_a_one_sentence_answer_goes_on_with_the_next_sentence_on_the_same_thing() -> None:
    sources = notes(
        "If the switching function is applied, the switching parameter sets the distance at "
        "which the switching function starts to bring the potential to zero at the cutoff. "
        "The advantage is that forces change only near the cutoff and approach zero smoothly.",
        "Rhythm is the intellectual side of music, melody its sensuous side. The pipe is the one "
        "instrument that seems to affect animals.",
    )
    answer = tutor.answer("What does a switching function do?", sources)
    assert "approach zero smoothly" in answer.text, answer.text
    # A next sentence on something else stays out.
    answer = tutor.answer("What is rhythm in music?", sources)
    assert answer.text.startswith("Rhythm is") and "pipe" not in answer.text, answer.text


def test_where_meaning_chooses_a_passage_saying_too_little_the_words_choice_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The model's choice is forced here (no real question makes MiniLM choose so badly on
    demand): a passage that says nothing of what is asked and is not close in meaning."""
    from learnplat.tutors.offline import answer as answering

    sources = notes(
        "Notation began in the monasteries. It was written above the words. It was read by "
        "the monks who sang.",
        "Operas go out of date faster than other music, for an opera is a child of its times.",
    )
    index = index_of(sources)
    far = next(i for i, s in enumerate(index.sentences) if s.text.startswith("Notation"))
    monkeypatch.setattr(answering, "_by_meaning", lambda *_args: (far, 0.2))
    chosen, _question = answering.search(
        index, "Why do operas go out of date so much faster than other music?", semantic=True
    )
    assert [index.sentences[p].text[:20] for p in chosen] == ["Operas go out of dat"]


def test_a_links_label_is_no_definition_and_such_that_leans_on_nothing() -> None:
    sources = notes(
        "Real world architectures:\n\n"
        "- Design the Facebook news feed function — quora.com slideshare.net\n"
        "- Design the Facebook timeline function — facebook.com highscalability.com\n",
        "Rules tell you the temperature at each hour. Coming now to the general case, we can "
        "define a function as a correlation between two variable numbers, such that whatever "
        "value the argument takes the value of the function is determined.",
    )
    answer = tutor.answer("How do the notes define a function?", sources)
    assert answer.text.startswith("Coming now to the general case"), answer.text
    assert "quora" not in answer.text


# -- a question across a whole library ---------------------------------------------------------
def test_what_a_question_turns_on_must_be_in_one_document_together(
    platform: Session, tmp_path: Path
) -> None:
    logic = tmp_path / "logic.md"
    logic.write_text(
        "# Sentential logic\n\nCapital letters stand for sentences. The capital letter N is "
        "used for negation, and a capital letter is never a name.\n",
        encoding="utf-8",
    )
    music = tmp_path / "music.md"
    music.write_text(
        "# Folk music\n\nThe didgeridoo came to Europe from Australia, and its drone is heard "
        "in folk music. Folk melodies are homophonous.\n",
        encoding="utf-8",
    )
    logic_id = platform.library.ingest(logic).document.id  # type: ignore[union-attr]
    music_id = platform.library.ingest(music).document.id  # type: ignore[union-attr]
    by_document = platform.library.missing_by_document(["capital", "Australia"])
    assert by_document == {logic_id: ["Australia"], music_id: ["capital"]}
    answer = platform.learning.ask("What is the capital of Australia?")
    assert not answer.found
    assert answer.text == (
        "Your notes don't cover this: no document of yours speaks of “capital” and “Australia” "
        "together."
    )
    # A question one document covers is answered from it alone.
    answer = platform.learning.ask("Where did the didgeridoo come from?")
    assert answer.found and {c.doc_id for c in answer.citations} == {music_id}


def test_an_answer_naming_only_the_head_of_what_is_asked_must_say_the_rest() -> None:
    sources = notes(
        "The capital letter N is used for negation in sentential logic.",
        "Exercises:\n\n1. Neither Holmes nor Watson has been to Australia.\n",
    )
    assert not tutor.answer("What is the capital of Australia?", sources).found
    # ... where the rest is in the sources at all, and a kind of thing may go unsaid.
    assert tutor.answer("What is the capital of Australia?", sources[:1]).found
    sources = notes("Cache-aside means the application loads entries into the cache on a miss.")
    assert tutor.answer("What is the cache-aside pattern?", sources).found


def test_an_answer_keeps_to_one_document() -> None:
    sources = (
        in_document(1, "When the data shrinks, remove old data: shrinking data leaves old rows."),
        in_document(2, "Old elements leave through exit(), and remove() takes them off the page."),
    )
    answer = tutor.answer("How do I remove old elements with exit() when my data shrinks?", sources)
    assert answer.found and {c.doc_id for c in answer.citations} == {2}, answer.text


def test_a_three_word_statement_answers_though_no_lesson_quotes_it() -> None:
    sources = notes(
        "UDP is connectionless. Datagrams might reach their destination out of order or not at "
        "all, and UDP does not support congestion control."
    )
    assert tutor.answer("What is UDP?", sources).text.startswith("UDP is connectionless.")
    lesson_sentences, _outline = split_sources(sources)
    assert lesson_sentences[0].text.startswith("Datagrams might")


def test_an_answer_saying_one_of_several_things_asked_about_is_none() -> None:
    sources = (
        *notes("An antelope is bigger than a bread box, and smaller than a house."),
        in_document(2, "Students who study at home remember more when they test themselves."),
    )
    answer = tutor.answer("How do I bake bread in a home oven?", sources)
    assert not answer.found, answer.text
