"""Learn commands: learn, ask, topics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import BadInput, LearnplatError
from ..projections import answer_json, audio_json, lesson_json
from ..services.safe_text import safe_text
from . import output
from .activity import model_status
from .choices import LessonFormat, Level, Provider
from .main import app, state

if TYPE_CHECKING:
    from rich.tree import Tree

    from ..domain.model import ConceptNode

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ProviderFlag = Annotated[
    Provider | None,
    typer.Option("--provider", help="Tutor backend (same as the global option)."),
]


def concept_tree(node: ConceptNode, tree: Tree | None = None) -> Tree:
    from rich.tree import Tree

    label = output.literal(node.label)
    if node.citation is not None and node.citation.page is not None:
        label += f" [dim]({output.literal(node.citation.label)})[/]"
    branch = Tree(f"[bold]{label}[/]") if tree is None else tree.add(label)
    for child in node.children:
        concept_tree(child, branch)
    return branch


def _ingest_files(ctx: typer.Context, files: list[Path]) -> list[int]:
    """Ingest ``--file`` arguments through the Library; their ids (existing ones reused)."""
    results = state(ctx).session.library.ingest_many(files)
    ids = []
    for result in results:
        if result.error is not None:
            raise result.error
        if result.document is not None:
            ids.append(result.document.id)
            if result.status == "added":
                output.note(
                    f"added {output.literal(result.path.name)} to your library as"
                    f" #{result.document.id}"
                )
    return ids


class _Streamer:
    """Shows Markdown as it arrives: live-rendered on a terminal, collected otherwise."""

    def __init__(self, live: bool) -> None:
        self.text = ""
        self.status: str | None = None  # what the model is doing, under the text
        self.live_display: Any = None
        if live:
            from rich.live import Live
            from rich.markdown import Markdown

            self._markdown = Markdown
            self.live_display = Live(console=output.out, refresh_per_second=12, transient=False)

    def __enter__(self) -> _Streamer:
        if self.live_display is not None:
            self.live_display.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live_display is not None:
            self.live_display.__exit__(*exc)

    def __call__(self, delta: str) -> None:
        self.text += delta
        self._draw()

    def set_status(self, line: str | None) -> None:
        self.status = line
        self._draw()

    def _draw(self) -> None:
        if self.live_display is None:
            return
        from rich.console import Group
        from rich.text import Text

        shown: list[Any] = [self._markdown(safe_text(self.text), hyperlinks=False)]
        if self.status:
            shown.append(Text(safe_text(self.status), style="dim"))
        self.live_display.update(Group(*shown))

    def restart(self) -> None:
        self.text = ""


@app.command()
def learn(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Argument(help="What to learn, e.g. photosynthesis.")] = None,
    files: Annotated[
        list[Path] | None,
        typer.Option("--file", "-f", help="Notes to learn from (ingested first)."),
    ] = None,
    docs: Annotated[
        list[int] | None, typer.Option("--doc", "-d", help="Library document id to learn from.")
    ] = None,
    level: Annotated[Level, typer.Option("--level", "-l", help="How deep.")] = Level.beginner,
    format: Annotated[
        LessonFormat, typer.Option("--format", help="How the lesson is given.")
    ] = LessonFormat.chat,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write to FILE.md (map.md: Mermaid) or .epub."),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Make a fresh lesson.")] = False,
    provider: ProviderFlag = None,
    play: Annotated[bool, typer.Option("--play", help="audio: speak and play the lesson.")] = False,
    voice: Annotated[str | None, typer.Option("--voice", help="audio: voice name.")] = None,
    rate: Annotated[int | None, typer.Option("--rate", help="audio: words per minute.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Explain a topic at your level, grounded in your notes, with page citations.

    Exit status 1 when nothing covers the topic (no lesson was made).

    With --format audio, --out FILE.wav (or .mp3 with Polly) or --play speaks the narration.

    Examples:
      learnplat learn photosynthesis --level beginner
      learnplat learn --file notes.pdf --format ebook --out notes-book.md
      learnplat learn photosynthesis --format audio --out photosynthesis.wav --play
    """
    from ..services.export import check_target, export_lesson
    from .speech import AUDIO_SUFFIXES, check_audio_target, narrate_lesson

    if provider:
        state(ctx).flags["provider"] = provider.value
    spoken = format == "audio" and (
        play or (out is not None and out.suffix.lower() in AUDIO_SUFFIXES)
    )
    if spoken:
        check_audio_target(ctx, out, voice, rate)
    elif play or voice or rate:
        raise BadInput("--play, --voice and --rate need --format audio")
    elif out is not None:
        check_target(out)  # before --file adds anything to the library
    learning = state(ctx).session.learning
    learning.warm_up()  # while the notes are read
    doc_ids = list(docs or []) + (_ingest_files(ctx, files) if files else [])
    live = (
        output.out.is_terminal and not as_json and out is None and format not in ("visual", "audio")
    )
    with (
        _Streamer(live) as streamer,
        model_status(streamer.set_status if live else None, quiet=as_json),
    ):
        lesson = learning.lesson(
            topic,
            doc_ids=doc_ids,
            level=level.value,
            format=format.value,
            use_cache=not no_cache,
            on_text=streamer,
        )
    audio = None
    if spoken:
        for notice in lesson.notices:
            output.notice(notice)
        audio = narrate_lesson(ctx, lesson, out, voice=voice, rate=rate, play=play, as_json=as_json)
    elif out is not None:
        export_lesson(lesson, out)
        output.note(f"wrote {output.literal(out)}")
    if as_json:
        output.emit_json({**lesson_json(lesson), "audio": audio_json(audio) if audio else None})
        return
    if audio is not None:
        from ..tutors.render import narration_markdown

        output.write(narration_markdown(audio.segments) + "\n")
        return
    for notice in lesson.notices:
        output.notice(notice)
    if out is not None or live:
        return
    if format == "visual" and lesson.concept_map is not None:
        output.out.print(concept_tree(lesson.concept_map))
        return
    from ..tutors.render import lesson_markdown

    if output.out.is_terminal:
        from rich.markdown import Markdown

        # No live links: a note's "[text](url)" shows its address rather than hiding it.
        output.out.print(Markdown(safe_text(lesson_markdown(lesson)), hyperlinks=False))
    else:
        output.write(lesson_markdown(lesson))


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="Your question.")],
    docs: Annotated[
        list[int] | None, typer.Option("--doc", "-d", help="Only these document ids.")
    ] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", "-t", help="Also answer from this curated topic.")
    ] = None,
    provider: ProviderFlag = None,
    as_json: JsonFlag = False,
) -> None:
    """Answer a question from your notes, with citations, or say plainly that they do not cover it.

    Example: learnplat ask "what does RuBisCO do?" --doc 3
    """
    from ..tutors.render import answer_markdown

    if provider:
        state(ctx).flags["provider"] = provider.value
    answer = state(ctx).session.learning.ask(question, doc_ids=list(docs or []), topic=topic)
    if as_json:
        output.emit_json(answer_json(answer))
        return
    for notice in answer.notices:
        output.notice(notice)
    output.out.print(output.literal(answer_markdown(answer).strip()), soft_wrap=True)


@app.command()
def topics(
    ctx: typer.Context,
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Only this category.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List the curated topics you can learn offline.

    Example: learnplat topics --category biology
    """
    library = state(ctx).session.learning.topics
    records = library.all(category)
    if category and not records:
        raise LearnplatError(
            f"no topics in category {category!r}",
            hint=f"categories: {', '.join(library.categories())}",
        )
    if as_json:
        output.emit_json(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "category": r.category,
                    "difficulty": r.difficulty,
                    "summary": r.summary,
                }
                for r in records
            ]
        )
        return
    from rich.table import Table

    table = Table()
    for column in ("id", "name", "category", "difficulty"):
        table.add_column(column)
    for record in records:
        table.add_row(
            *(
                output.literal(value)
                for value in (record.id, record.name, record.category, record.difficulty)
            )
        )
    output.out.print(table)
