"""Learn and ask through the Session: topic library, documents, cache, export, CLI, doctor."""

from __future__ import annotations

import json
import os
import threading
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from learnplat.core import Session
from learnplat.errors import BadInput, NothingToTeach
from learnplat.services.export import export_lesson
from learnplat.settings import load_settings
from learnplat.tutors.readability import flesch_kincaid_grade
from learnplat.tutors.render import lesson_markdown
from tests.stubs.bedrock import BedrockStub, HTTPFailure
from tests.stubs.openai import OpenAIStub

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
LEVELS = ("beginner", "intermediate", "advanced")


@pytest.fixture
def notes(platform: Session) -> tuple[int, int]:
    md = platform.library.ingest(SAMPLES / "photosynthesis.md").document
    pdf = platform.library.ingest(SAMPLES / "cellular-respiration.pdf").document
    assert md and pdf
    return md.id, pdf.id


def body_text(lesson) -> str:
    return " ".join(s.text for sec in lesson.all_sections() for p in sec.paragraphs for s in p)


def test_a_library_topic_is_explained_offline_at_each_level(platform: Session) -> None:
    lessons = [platform.learning.lesson("photosynthesis", level=level) for level in LEVELS]
    for lesson in lessons:
        assert lesson.topic == "Photosynthesis" and lesson.provider == "offline"
        assert any(c.title == "Topic library: Photosynthesis" for c in lesson.citations)
    grades = [flesch_kincaid_grade(body_text(lesson)) for lesson in lessons]
    assert grades == sorted(grades) and len(set(grades)) == 3
    assert lessons[0].follow_ups  # chat ends with questions to ask next


@pytest.mark.parametrize("name", ["Photo synthesis", "photosynthesis?", "PHOTOSYNTHESIS"])
def test_topic_names_match_forgivingly(platform: Session, name: str) -> None:
    assert platform.learning.lesson(name).topic == "Photosynthesis"


def test_lessons_cite_the_learners_pages_truthfully(platform: Session, notes) -> None:
    _, pdf_id = notes
    lesson = platform.learning.lesson("ATP synthase", doc_ids=[pdf_id], level="intermediate")
    cited = [c for c in lesson.citations if c.doc_id is not None]
    assert cited and all(c.doc_id == pdf_id for c in cited)
    for citation in cited:
        page = platform.library.page(citation.doc_id, citation.page)
        assert citation.quote
        assert " ".join(citation.quote.split()) in " ".join(page.text.split())


def test_a_whole_document_without_a_topic(platform: Session, notes) -> None:
    _, pdf_id = notes
    lesson = platform.learning.lesson(None, doc_ids=[pdf_id], format="ebook", level="advanced")
    assert lesson.topic == "Cellular respiration: study notes"
    assert lesson.chapters and all(chapter.exercises for chapter in lesson.chapters)


def test_nothing_covers_the_topic_offline_says_so_with_suggestions(platform: Session) -> None:
    with pytest.raises(NothingToTeach) as raised:
        platform.learning.lesson("photosythetic zebras of mars")
    assert "no provider is configured" in raised.value.message
    assert "Photosynthesis" in (raised.value.hint or "")


def test_unknown_level_or_format_is_bad_input(platform: Session) -> None:
    with pytest.raises(BadInput, match="unknown level"):
        platform.learning.lesson("photosynthesis", level="expert")
    with pytest.raises(BadInput, match="unknown format"):
        platform.learning.lesson("photosynthesis", format="video")


def test_the_second_lesson_comes_from_the_cache(platform: Session) -> None:
    first = platform.learning.lesson("recursion", level="advanced", format="visual")
    second = platform.learning.lesson("recursion", level="advanced", format="visual")
    assert not first.from_cache and second.from_cache
    assert lesson_markdown(second) == lesson_markdown(first)
    assert not platform.learning.lesson(
        "recursion", level="advanced", format="visual", use_cache=False
    ).from_cache


def test_the_warm_up_loads_the_lesson_builder_in_the_background(
    platform: Session, notes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnplat.tutors.offline import tutor

    failures: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda hook: failures.append(hook.exc_value))
    tutor._start_warming.cache_clear()
    platform.learning.warm_up()
    platform.learning.warm_up()  # once a process: one thread
    warming = [t for t in threading.enumerate() if t.name == "learnplat-warm-up"]
    assert len(warming) <= 1
    tutor._start_warming().join(timeout=60)
    assert failures == []  # nothing it loads is missing or broken
    assert platform.learning.lesson(None, doc_ids=[notes[0]]).sections


def test_ask_answers_from_the_notes_or_says_it_cannot(platform: Session, notes) -> None:
    md_id, _ = notes
    answer = platform.learning.ask("what does RuBisCO do?")
    assert answer.found and any(c.doc_id == md_id for c in answer.citations)
    missing = platform.learning.ask("who won the 1966 football world cup?")
    assert not missing.found and not missing.citations


def test_exports_markdown_mermaid_and_epub(platform: Session, tmp_path: Path) -> None:
    ebook = platform.learning.lesson("supply and demand", format="ebook", level="intermediate")
    book = export_lesson(ebook, tmp_path / "book.epub")
    with zipfile.ZipFile(book) as epub:
        first = epub.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert epub.read("mimetype") == b"application/epub+zip"
        assert "OEBPS/content.opf" in epub.namelist()
        chapter = epub.read("OEBPS/c1.xhtml").decode()
        assert "<h2>" in chapter and "Exercises" in chapter
    visual = platform.learning.lesson("supply and demand", format="visual")
    mindmap = export_lesson(visual, tmp_path / "map.md").read_text()
    assert "```mermaid\nmindmap" in mindmap
    with pytest.raises(BadInput, match="unknown extension"):
        export_lesson(visual, tmp_path / "map.docx")
    with pytest.raises(BadInput, match="does not exist"):
        export_lesson(visual, tmp_path / "missing" / "map.md")


# --- CLI ----------------------------------------------------------------------------------


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def test_cli_learn_json_contract(run) -> None:
    result = run("learn", "photosynthesis", "--level", "beginner", "--json")
    assert result.exit_code == 0, result.output
    lesson = json.loads(result.stdout)
    for key in (
        "topic",
        "level",
        "format",
        "content",
        "sections",
        "citations",
        "provider",
        "from_cache",
    ):
        assert key in lesson
    assert lesson["provider"] == "offline" and lesson["content"].startswith("# ")


def test_cli_learn_file_ingests_then_teaches_with_page_citations(run, tmp_path: Path) -> None:
    out = tmp_path / "book.md"
    result = run(
        "learn",
        "--file",
        SAMPLES / "cellular-respiration.pdf",
        "--format",
        "ebook",
        "--out",
        out,
        "--json",
    )
    assert result.exit_code == 0, result.output
    lesson = json.loads(result.stdout)
    pages = {c["page"] for c in lesson["citations"] if c["doc_id"] is not None}
    assert pages and pages <= {1, 2, 3, 4}
    assert "## Chapter 1" in out.read_text()
    assert len(json.loads(run("docs", "list", "--json").stdout)) == 1


def test_cli_unknown_topic_exits_1_with_a_hint(run) -> None:
    result = run("learn", "quantum chromodynamics of cheese")
    assert result.exit_code == 1
    assert "no lesson" in result.stderr and "hint:" in result.stderr
    assert "Traceback" not in result.output


def test_cli_ask_json_contract(run) -> None:
    run("ingest", SAMPLES / "photosynthesis.md")
    answer = json.loads(run("ask", "what does RuBisCO do?", "--json").stdout)
    assert answer["found"] is True and answer["citations"] and answer["answer"]
    absent = json.loads(run("ask", "what is the capital of Peru?", "--json").stdout)
    assert absent["found"] is False


def test_cli_topics_lists_the_library(run) -> None:
    topics = json.loads(run("topics", "--json").stdout)
    assert len(topics) >= 50
    biology = json.loads(run("topics", "--category", "biology", "--json").stdout)
    assert biology and {t["category"] for t in biology} == {"biology"}
    unknown = run("topics", "--category", "astrology")
    assert unknown.exit_code == 2 and "biology" in unknown.stderr


# --- an OpenAI-compatible provider over real HTTP ---------------------------------------------


def chat_lesson_json(title: str) -> str:
    return json.dumps(
        {
            "title": title,
            "sections": [
                {
                    "heading": "Idea",
                    "paragraphs": [[{"sources": ["S1"], "text": "Plants make sugar from light."}]],
                }
            ],
            "key_terms": [
                {"term": "chlorophyll", "definition": "The green pigment.", "source": "S1"}
            ],
            "follow_ups": ["What is chlorophyll?"],
        }
    )


def test_openai_provider_generates_and_is_cached_per_provider(
    openai_stub: OpenAIStub, isolated_home: Path
) -> None:
    openai_stub.chunks = [chat_lesson_json("Photosynthesis, generated")]
    openai_stub.reply = openai_stub.chunks[0]
    settings = load_settings({"provider": "openai", "base_url": openai_stub.base_url})
    with Session.open(settings) as platform:
        streamed: list[str] = []
        lesson = platform.learning.lesson("photosynthesis", on_text=streamed.append)
        assert lesson.provider == "openai" and lesson.title == "Photosynthesis, generated"
        assert "".join(streamed)
        assert platform.learning.lesson("photosynthesis").from_cache
    with Session.open(load_settings()) as offline:
        assert offline.learning.lesson("photosynthesis").provider == "offline"


def test_an_unreachable_provider_falls_back_with_a_notice(isolated_home: Path) -> None:
    settings = load_settings({"provider": "openai", "base_url": "http://127.0.0.1:9/v1"})
    with Session.open(settings) as platform:
        lesson = platform.learning.lesson("photosynthesis")
        assert lesson.provider == "offline"
        assert lesson.notices and "offline lesson" in lesson.notices[0]
        assert not platform.learning.lesson("photosynthesis").from_cache


def test_doctor_checks_the_configured_provider(
    run, openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def provider_check(*flags: str) -> dict:
        checks = json.loads(run(*flags, "doctor", "--json").stdout)
        return next(check for check in checks if check["name"] == "provider")

    monkeypatch.setenv("LEARNPLAT_BASE_URL", openai_stub.base_url)
    openai_stub.models = ["llama3.1:latest"]  # the default model, as Ollama lists it
    assert provider_check("--provider", "openai")["status"] == "ok"
    openai_stub.models = ["qwen2.5:0.5b"]
    assert provider_check("--provider", "openai")["status"] == "fail"
    monkeypatch.setenv("LEARNPLAT_BASE_URL", "http://127.0.0.1:9/v1")
    assert provider_check("--provider", "openai")["status"] == "fail"

    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    missing = provider_check("--provider", "bedrock")
    assert missing["status"] == "fail" and "no AWS credentials" in missing["detail"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    assert provider_check("--provider", "bedrock")["status"] == "ok"


def test_cli_learn_with_bedrock_streams_a_generated_lesson(
    run, bedrock: BedrockStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The standard AWS setting for a custom endpoint; credentials come from aws_env.
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", bedrock.url)
    lesson = chat_lesson_json("Photosynthesis, by Nova")
    bedrock.chunks = [lesson[i : i + 25] for i in range(0, len(lesson), 25)]
    result = run("--provider", "bedrock", "learn", "photosynthesis", "--json")
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert (made["provider"], made["title"]) == ("bedrock", "Photosynthesis, by Nova")
    sent = bedrock.model_requests("converse-stream")[0]
    assert sent["inferenceConfig"]["maxTokens"] <= 5000
    assert "Photosynthesis" in json.dumps(sent["messages"])


def test_cli_learn_bedrock_access_denied_falls_back_visibly(
    run, bedrock: BedrockStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", bedrock.url)
    bedrock.failures = [HTTPFailure(403, "AccessDeniedException", "You don't have access")] * 5
    result = run("--provider", "bedrock", "learn", "photosynthesis")
    assert result.exit_code == 0, result.output
    assert "AccessDenied" in result.stderr and "offline lesson" in result.stderr
    assert "# Photosynthesis" in result.stdout


def test_lessons_are_cached_in_an_s3_topic_store(
    aws_env: None, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://{host}:{port}")
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="lessons")
        settings = load_settings({"topic_store": "s3://lessons/learnplat"})
        with Session.open(settings) as platform:
            platform.learning.lesson("inflation", level="advanced")
        keys = boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket="lessons")
        assert any(item["Key"].startswith("learnplat/lessons/") for item in keys["Contents"])
        with Session.open(settings) as fresh:  # a new process's view: from S3, not memory
            assert fresh.learning.lesson("inflation", level="advanced").from_cache
    finally:
        server.stop()


def test_ask_can_answer_from_a_curated_topic_too(platform: Session) -> None:
    without = platform.learning.ask("what does chlorophyll do?")
    assert not without.found  # an empty library covers nothing
    answer = platform.learning.ask("what does chlorophyll do?", topic="photosynthesis")
    assert answer.found
    assert any("chlorophyll" in statement.text.lower() for statement in answer.statements)
    assert [c.title for c in answer.citations] == ["Topic library: Photosynthesis"]


def test_exported_files_get_the_usual_permissions(platform: Session, tmp_path: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    out = export_lesson(platform.learning.lesson("fractions"), tmp_path / "fractions.md")
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_topic_the_notes_name_only_by_its_head_is_taught_from_there(
    platform: Session, tmp_path: Path
) -> None:
    # The notes say "special soundness" but never "Sigma": the lesson is made from the section
    # that names it, not refused, and not padded with every passage saying "protocol".
    notes = tmp_path / "proofs.md"
    notes.write_text(
        "# Interactive proofs\n\n"
        "## Protocols\n\nA protocol is a conversation between a prover and a verifier. "
        "The prover sends a commitment, the verifier replies with a random challenge, and the "
        "prover answers it. Many protocols run in three moves like this one.\n\n"
        "## Completeness\n\nA protocol is complete when an honest prover always convinces "
        "an honest verifier. Completeness says nothing about cheating provers.\n\n"
        "## Special soundness\n\nA protocol has special soundness when two accepting "
        "conversations with the same commitment and different challenges reveal the witness. "
        "An extractor computes the witness from the two answers. Special soundness implies "
        "that a prover who can answer two challenges must know the witness.\n",
        encoding="utf-8",
    )
    doc = platform.library.ingest(notes).document
    assert doc is not None
    for level in LEVELS:
        lesson = platform.learning.lesson("special soundness of Sigma protocols", level=level)
        text = body_text(lesson)
        assert "witness" in text, (level, text)
        assert "honest verifier" not in text and "three moves" not in text, (level, text)


MATH_FUNCTIONS = (
    "# Functions\n\n"
    "We can define a function in mathematics as a correlation between two variable numbers, "
    "called the argument and the value of the function. The value of the function x squared "
    "is 4 when the argument is 2. A function is continuous when its value alters gradually "
    "as the argument alters gradually. Its graph is then an unbroken curve in coordinate "
    "geometry, and the functions of algebra and trigonometry are continuous in most places. "
    "A discontinuous function jumps from one value to another at some point of its graph.\n"
)
PYTHON_FUNCTIONS = (
    "# Functions in Python\n\n"
    "A function is a named block of code. You write it with def, give it parameters in "
    "brackets, and call it by name with arguments. The return statement hands a value back "
    "to the code that called the function. Functions let a program reuse code instead of "
    "repeating the same lines, and a variable inside a function is local to it.\n"
)


def test_a_library_topic_about_another_subject_is_not_mixed_into_the_notes(
    platform: Session, tmp_path: Path
) -> None:
    # "Functions" in the topic library is a Python lesson: a learner studying a mathematics
    # text gets a lesson from that text alone, and one who names no document gets the library's
    # lesson without the mathematics glued on; Python notes still get both.
    (tmp_path / "maths.md").write_text(MATH_FUNCTIONS, encoding="utf-8")
    (tmp_path / "python.md").write_text(PYTHON_FUNCTIONS, encoding="utf-8")
    maths = platform.library.ingest(tmp_path / "maths.md").document
    assert maths is not None
    lesson = platform.learning.lesson("functions", doc_ids=[maths.id], level="intermediate")
    cited = {c.title for c in lesson.citations}
    assert cited == {maths.title}, cited
    assert "argument" in body_text(lesson) and "code" not in body_text(lesson)

    library_only = platform.learning.lesson("functions", level="intermediate")
    assert {c.doc_id for c in library_only.citations} == {None}
    assert "correlation" not in body_text(library_only)

    reference = platform.teachback.reference("functions", "intermediate", [maths.id])
    assert "correlation" in reference.text and "code" not in reference.text

    python = platform.library.ingest(tmp_path / "python.md").document
    assert python is not None
    both = platform.learning.lesson("functions", doc_ids=[python.id], level="intermediate")
    assert {c.doc_id for c in both.citations} == {None, python.id}


def test_notes_on_another_library_topic_that_name_this_one_in_passing_are_left_out(
    platform: Session,
) -> None:
    """Respiration notes say its equation is "the reverse of photosynthesis": a photosynthesis
    lesson and its Teach Back reference leave them out, and keep the photosynthesis notes;
    a respiration lesson keeps them."""
    platform.library.ingest(SAMPLES / "photosynthesis.md")
    platform.library.ingest(SAMPLES / "cellular-respiration.pdf")

    def cited(titles_of) -> set[str]:
        return {c.title for c in titles_of}

    lesson = platform.learning.lesson("photosynthesis", format="visual", use_cache=False)
    assert cited(lesson.citations) == {"Topic library: Photosynthesis", "Photosynthesis"}
    markdown = lesson_markdown(lesson)
    assert "Respiration happens in every living cell" not in markdown
    assert "Cellular respiration" not in [child.label for child in lesson.concept_map.children]
    reference = platform.teachback.reference("photosynthesis", "beginner")
    assert {s.title for s in reference.sources} <= {
        "Topic library: Photosynthesis",
        "Photosynthesis",
    }
    other = platform.learning.lesson("cellular respiration", use_cache=False)
    assert "Cellular respiration: study notes" in cited(other.citations)
    # Named by the learner, a document is taught from as they asked.
    (respiration,) = [d for d in platform.library.documents() if d.kind == "pdf"]
    chosen = platform.learning.lesson("photosynthesis", doc_ids=[respiration.id], use_cache=False)
    assert "Cellular respiration: study notes" in cited(chosen.citations)
