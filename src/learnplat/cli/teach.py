"""Teach Back commands: teach, grade, community, upvote, unvote."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import BadInput
from ..projections import grade_json, teach_json
from . import output
from .choices import Level, Sort
from .main import app, state

if TYPE_CHECKING:
    from ..domain.model import Grade
    from ..services.teachback import TeachBack

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
LevelFlag = Annotated[Level, typer.Option("--level", "-l", help="The level it is pitched at.")]


def read_argument(value: str, what: str) -> str:
    """``@path`` reads the file, ``-`` reads stdin, anything else is the text itself."""
    if value == "-":
        return sys.stdin.read()
    if value.startswith("@"):
        path = Path(value[1:]).expanduser()
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise BadInput(f"{what}: no such file: {path}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"{what}: cannot read {path} as UTF-8 text: {exc}") from exc
    return value




def print_grade(grade: Grade) -> None:
    for notice in grade.notices:
        output.notice(notice)
    filled = "█" * grade.score + "░" * (10 - grade.score)
    output.out.print(f"[bold]{grade.score}/10[/]  {filled}")
    for component in grade.components:
        bar = "█" * round(component.score * 10)
        output.out.print(
            f"  {output.literal(component.name):<12} {bar:<10} {output.literal(component.detail)}",
            soft_wrap=True,
        )
    output.out.print()
    for line in grade.feedback:
        output.out.print(f"- {output.literal(line)}", soft_wrap=True)
    if grade.suggestion:
        output.out.print(f"\n[bold]Next:[/] {output.literal(grade.suggestion)}", soft_wrap=True)




@app.command()
def teach(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Argument(help="The topic you explain.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Your explanation (text or Markdown).")
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="Your explanation, inline.")] = None,
    level: LevelFlag = Level.beginner,
    docs: Annotated[
        list[int] | None, typer.Option("--doc", "-d", help="Grade against these documents too.")
    ] = None,
    regrade: Annotated[
        int | None, typer.Option("--regrade", help="Grade a pending explanation.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Explain a topic in your own words: get a 1-10 grade with reasons, and points.

    The text comes from --file, --text or standard input. It is saved before grading.

    Examples:
      learnplat teach photosynthesis --file my-explanation.md
      echo "Plants make sugar from light..." | learnplat teach photosynthesis --level beginner
      learnplat teach --regrade 12
    """
    teachback = state(ctx).session.teachback
    if regrade is not None:
        result = teachback.regrade(regrade, doc_ids=list(docs or []))
    else:
        if not topic:
            raise BadInput(
                "name the topic you explain", hint="learnplat teach photosynthesis --file mine.md"
            )
        if file is not None and text is not None:
            raise BadInput("give the explanation with --file or --text, not both")
        if file is not None:
            explanation = read_argument(f"@{file}", "--file")
        elif text is not None:
            explanation = text
        elif not sys.stdin.isatty():
            explanation = sys.stdin.read()
        else:
            raise BadInput(
                "no explanation given", hint='use --file mine.md, --text "..." or pipe it in'
            )
        result = teachback.teach(topic, explanation, level=level.value, doc_ids=list(docs or []))
    if as_json:
        output.emit_json(teach_json(result))
    else:
        submission = result.submission
        if result.grade is not None:
            print_grade(result.grade)
            reason = submission.points_reason and f" ({output.literal(submission.points_reason)})"
            if submission.shared:
                output.note(
                    f"#{submission.id} shared with the community; "
                    f"+{submission.points} points{reason}"
                )
            else:
                output.note(f"#{submission.id} kept private, not shared{reason}")
    if result.error is not None:
        output.error(
            f"#{result.submission.id} saved but not graded: {result.error.message}",
            f"finish it later with: learnplat teach --regrade {result.submission.id}",
        )
        raise typer.Exit(1)


@app.command()
def grade(
    ctx: typer.Context,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Model answer: text, @file or -.")
    ] = None,
    answer: Annotated[
        str | None, typer.Option("--answer", help="Student answer: text, @file or -.")
    ] = None,
    question: Annotated[str | None, typer.Option("--question", help="The question asked.")] = None,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch", help="JSONL: {id, reference, answer, question?} per line; - for stdin."
        ),
    ] = None,
    level: LevelFlag = Level.intermediate,
    as_json: JsonFlag = False,
) -> None:
    """Grade an answer against a reference without storing it (for teachers and scripts).

    --batch prints one JSON line per input line: {"id", "score", "components", "feedback", ...};
    a bad line gets {"id", "error"} and the rest go on (exit status 1 when any line failed).

    Examples:
      learnplat grade --reference @ref.txt --answer @student.txt --json
      learnplat grade --batch answers.jsonl > grades.jsonl
    """
    teachback = state(ctx).session.teachback
    if batch is not None:
        _grade_batch(teachback, batch, level.value)
        return
    if reference is None or answer is None:
        raise BadInput(
            "give --reference and --answer (or --batch FILE)",
            hint="learnplat grade --reference @ref.txt --answer @student.txt",
        )
    result = teachback.grade_only(
        read_argument(reference, "--reference"),
        read_argument(answer, "--answer"),
        level=level.value,
        question=question,
    )
    if as_json:
        output.emit_json(grade_json(result))
    else:
        print_grade(result)


def _grade_batch(teachback: TeachBack, batch: Path, level: str) -> None:
    """One JSON line per graded line; exit 1 when any line failed (the others are graded)."""
    source = Path(batch)
    lines = teachback.grade_batch(sys.stdin.buffer if str(batch) == "-" else source, level)
    total = source.stat().st_size if str(batch) != "-" else None
    from rich.progress import Progress

    failed = 0
    with Progress(
        console=output.err, transient=True, disable=not output.err.is_terminal
    ) as progress:
        task = progress.add_task("grading", total=total)
        for line in lines:
            progress.update(task, completed=line.position)
            if line.grade is None:
                failed += 1
                output.emit_json_line({"id": line.id, "error": line.error})
            else:
                output.emit_json_line({"id": line.id, **grade_json(line.grade)})
            sys.stdout.flush()
    if failed:
        raise typer.Exit(1)


@app.command()
def community(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    level: Annotated[Level | None, typer.Option("--level", "-l", help="Only this level.")] = None,
    sort: Annotated[Sort, typer.Option("--sort", help="Best or newest first.")] = Sort.top,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many.")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """The community's explanations, best or newest first.

    Example: learnplat community --topic photosynthesis --sort new
    """
    items = state(ctx).session.community.feed(
        topic=topic, level=level.value if level else None, sort=sort.value, limit=limit
    )
    if as_json:
        output.emit_json(items)
        return
    if not items:
        output.note("no explanations yet: be the first with `learnplat teach TOPIC --file mine.md`")
        return
    for item in items:
        mark = " [green](you voted)[/]" if item.voted_by_me else ""
        output.out.print(
            f"[bold]#{item.id}[/] {output.literal(item.topic)} · {output.literal(item.level)} · by "
            f"{output.literal(item.author)} · {item.score}/10 · ▲ {item.upvotes}{mark}",
            soft_wrap=True,
        )
        output.out.print(f"  {output.literal(item.excerpt)}", soft_wrap=True)


@app.command()
def upvote(
    ctx: typer.Context, explanation_id: Annotated[int, typer.Argument(metavar="ID")]
) -> None:
    """Upvote someone's explanation (once; not your own).

    Example: learnplat upvote 12
    """
    result = state(ctx).session.community.upvote(explanation_id)
    output.out.print(f"upvoted #{result.explanation_id} (▲ {result.upvotes})")


@app.command()
def unvote(
    ctx: typer.Context, explanation_id: Annotated[int, typer.Argument(metavar="ID")]
) -> None:
    """Take back your upvote.

    Example: learnplat unvote 12
    """
    result = state(ctx).session.community.unvote(explanation_id)
    output.out.print(f"vote on #{result.explanation_id} taken back (▲ {result.upvotes})")
