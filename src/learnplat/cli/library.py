"""Library commands: ingest, docs list/show/remove, search."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from ..citations import page_mark
from ..errors import BadInput, EncryptedDocument
from ..projections import ingest_json
from ..services.safe_text import safe_text
from . import output
from .main import app, state

if TYPE_CHECKING:
    from ..services.library import (
        DocumentInfo,
        IngestProgress,
        IngestResult,
        Library,
        SearchHit,
    )

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PASSWORD_ENV = "LEARNPLAT_PDF_PASSWORD"
ASK_TRIES = 3
NEEDS_PASSWORD_HINT = (
    "give its password: in a terminal `learnplat ingest` asks for it; in a script set "
    f"{PASSWORD_ENV} or pipe it to --password-stdin"
)


def _describe(document: DocumentInfo) -> str:
    return (
        f"#{document.id} {output.literal(document.title)} ({document.pages} {document.unit_name}s, "
        f"{document.words:,} words)"
    )


def _print_result(result: IngestResult) -> None:
    name = output.literal(result.path.name)
    if result.status == "added" and result.document:
        output.out.print(
            f"[green]added[/]     {name}: {_describe(result.document)}", soft_wrap=True
        )
    elif result.status == "duplicate" and result.document:
        output.out.print(
            f"[cyan]unchanged[/] {name}: already in the library as {_describe(result.document)}",
            soft_wrap=True,
        )
    elif result.error is not None:
        output.error(f"{result.path.name}: {result.error.message}", _hint(result))
    for warning in result.warnings:
        output.note(f"  note: {output.literal(warning)}")


def _hint(result: IngestResult) -> str | None:
    if _needs_password(result):
        return NEEDS_PASSWORD_HINT
    return result.error.hint if result.error is not None else None




def _needs_password(result: IngestResult | None) -> bool:
    """An encrypted PDF that was given no password (not a wrong one)."""
    return (
        result is not None
        and isinstance(result.error, EncryptedDocument)
        and not result.error.message.startswith("wrong password")
    )


def _password(given: str | None, from_stdin: bool) -> str | None:
    """The password from --password (with a warning), --password-stdin or the environment;
    None when none was given. Raises BadInput."""
    if given is not None and from_stdin:
        raise BadInput(
            "give the password one way: --password or --password-stdin, not both",
            hint=f"--password-stdin, or {PASSWORD_ENV}, keeps it out of the process list",
        )
    if given is not None:
        output.err.print(
            Text.assemble(
                ("warning:", "yellow"),
                " --password is visible to other users of this machine (ps, /proc); let ingest "
                f"ask for it, or use {PASSWORD_ENV} or --password-stdin",
            ),
            soft_wrap=True,
        )
        return given
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise BadInput(
                "--password-stdin read no password",
                hint=f"pipe it in: printf '%s\\n' \"${PASSWORD_ENV}\" | learnplat ingest "
                "--password-stdin secret.pdf",
            )
        return line
    return os.environ.get(PASSWORD_ENV) or None


def _ask_password(library: Library, result: IngestResult) -> IngestResult:
    """Ask in the terminal (without echo) for an encrypted PDF's password and ingest it again,
    up to ``ASK_TRIES`` times; an empty answer (or ctrl+d) skips the file."""
    problem = result.error.message if result.error else f"{result.path.name} is encrypted"
    for _ in range(ASK_TRIES):
        try:
            typed = typer.prompt(
                f"{safe_text(problem)}: password (empty to skip)",
                default="",
                show_default=False,
                hide_input=True,
                err=True,
            )
        except typer.Abort:
            break
        if not typed:
            break
        result = library.ingest_many([result.path], password=typed)[0]
        if not isinstance(result.error, EncryptedDocument):
            break
        problem = result.error.message
    return result


@app.command()
def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="PDF, DOCX, TXT or Markdown files.")],
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            help="Password of an encrypted PDF. Other users can read it in `ps`: in a terminal "
            f"ingest asks for it instead; scripts can set {PASSWORD_ENV} or use "
            "--password-stdin.",
        ),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Add files to your library (a file already there is not added twice).

    Exit status: 0 when every file is in the library, 1 when some failed, 2 when all were bad input.

    Example: learnplat ingest notes.pdf lecture.docx todo.md
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    password = _password(password, password_stdin)
    # Asked for each encrypted PDF once the others are in, when someone is there to answer.
    ask = password is None and sys.stdin.isatty()
    library = state(ctx).session.library
    show_bar = output.err.is_terminal and not as_json
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        console=output.err,
        transient=True,
        disable=not show_bar,
    ) as progress:
        task = progress.add_task("ingesting", total=len(files))

        def on_progress(event: IngestProgress) -> None:
            if event.result is None:
                progress.update(task, description=f"reading {safe_text(event.path.name)}")
                return
            progress.advance(task)
            if not as_json and not (ask and _needs_password(event.result)):
                _print_result(event.result)

        results = library.ingest_many(files, password=password, on_progress=on_progress)
    if ask:
        for index, result in enumerate(results):
            if _needs_password(result):
                results[index] = _ask_password(library, result)
                if not as_json:
                    _print_result(results[index])
    if as_json:
        output.emit_json([ingest_json(r, _hint(r)) for r in results])
    failed = [r for r in results if r.status == "failed"]
    if failed and len(failed) == len(results):
        all_bad_input = all(isinstance(r.error, BadInput) for r in failed)
        raise typer.Exit(2 if all_bad_input else 1)
    if failed:
        raise typer.Exit(1)


docs_app = typer.Typer(
    help="List, show and remove documents in your library.", no_args_is_help=True
)
app.add_typer(docs_app, name="docs")


@docs_app.command("list")
def docs_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List your documents.

    Example: learnplat docs list --json
    """
    documents = state(ctx).session.library.documents()
    if as_json:
        output.emit_json(documents)
        return
    if not documents:
        output.note("your library is empty; add files with: learnplat ingest notes.pdf")
        return
    from rich.table import Table

    table = Table()
    for column, justify in (
        ("id", "right"),
        ("title", "left"),
        ("type", "left"),
        ("pages", "right"),
        ("words", "right"),
        ("added", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for doc in documents:
        table.add_row(
            str(doc.id),
            output.literal(doc.title),
            doc.kind,
            f"{doc.pages}",
            f"{doc.words:,}",
            doc.added_at[:10],
        )
    output.out.print(table)


@docs_app.command("show")
def docs_show(
    ctx: typer.Context,
    doc_id: Annotated[int, typer.Argument(metavar="ID", help="Document id (see docs list).")],
    page: Annotated[
        int | None, typer.Option("--page", "-p", help="Page or section to print.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Show a document's details and the text of one page (the first by default).

    Example: learnplat docs show 3 --page 12
    """
    view = state(ctx).session.library.page(doc_id, page)
    if as_json:
        output.emit_json(
            {
                "document": view.document,
                "page": view.number,
                "page_label": view.label,
                "heading_path": list(view.heading_path),
                "text": view.text,
                "previous": view.previous,
                "next": view.next,
            }
        )
        return
    doc = view.document
    output.out.print(f"[bold]{_describe(doc)}[/]", soft_wrap=True)
    output.out.print(
        f"[dim]{output.literal(doc.filename)} · {doc.kind} · added {doc.added_at} · "
        f"copy at {output.literal(doc.stored_path)}[/]",
        soft_wrap=True,
    )
    for warning in doc.warnings:
        output.note(f"note: {output.literal(warning)}")
    heading = " > ".join(view.heading_path)
    output.out.print(
        f"\n[bold cyan]{page_mark(doc.unit_name, view.number, view.label)}[/]"
        + (f" [cyan]{output.literal(heading)}[/]" if heading else "")
    )
    output.out.print(output.literal(view.text), soft_wrap=False)
    moves = [f"--page {n}" for n in (view.previous, view.next) if n is not None]
    if moves:
        output.note(f"[dim]more: {' or '.join(moves)}[/]")


@docs_app.command("original")
def docs_original(
    ctx: typer.Context,
    doc_id: Annotated[int, typer.Argument(metavar="ID", help="Document id (see docs list).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The new file to write.")],
    as_json: JsonFlag = False,
) -> None:
    """Save a copy of the file a document was made from (kept in the library even when you
    moved or deleted yours; from the shared bucket when the blob store is on S3).

    Example: learnplat docs original 3 --out notes-copy.pdf
    """
    library = state(ctx).session.library
    written = library.save_original(doc_id, out)
    size = written.stat().st_size
    if as_json:
        output.emit_json({"doc_id": doc_id, "path": str(written), "bytes": size})
    else:
        output.note(f"wrote {output.literal(written)} ({size:,} bytes)")


@docs_app.command("remove")
def docs_remove(
    ctx: typer.Context,
    doc_id: Annotated[int, typer.Argument(metavar="ID", help="Document id (see docs list).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Remove a document and its passages from your library (your original file is untouched).

    Example: learnplat docs remove 3 --yes
    """
    library = state(ctx).session.library
    document = library.document(doc_id)
    if not yes and sys.stdin.isatty():
        typer.confirm(f"Remove #{document.id} {safe_text(document.title)}?", abort=True, err=True)
    removed = library.remove(doc_id)
    if as_json:
        output.emit_json(removed)
    else:
        output.out.print(f"removed #{removed.id} {output.literal(removed.title)}", soft_wrap=True)


def _hit_text(hit: SearchHit) -> Text:
    """The snippet with its matches highlighted; each piece cleaned on its own, so that the
    highlights stay on their words even where cleaning removes characters."""
    text, done = Text(), 0
    for start, end in hit.highlights:
        text.append(safe_text(hit.snippet[done:start]))
        text.append(safe_text(hit.snippet[start:end]), style="bold yellow")
        done = end
    return text.append(safe_text(hit.snippet[done:]))


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(help='Words to find; "quotes" for a phrase, word* for a prefix.')
    ],
    doc: Annotated[int | None, typer.Option("--doc", help="Only this document id.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Most results to show.")] = 10,
    as_json: JsonFlag = False,
) -> None:
    """Find passages in your library, best first, with document title and page.

    Example: learnplat search "light reactions" --limit 5
    """
    hits = state(ctx).session.library.search(query, doc_id=doc, limit=limit)
    if as_json:
        output.emit_json(hits)
        return
    if not hits:
        output.note(
            f"no passages match {output.literal(repr(query))}; `learnplat docs list` shows what is"
            " in your library"
        )
        return
    for hit in hits:
        where = page_mark(hit.unit_name, hit.page, hit.page_label)
        heading = f" · {' > '.join(hit.heading_path)}" if hit.heading_path else ""
        output.out.print(
            f"[bold]#{hit.doc_id} {output.literal(hit.title)}[/] [cyan]{where}"
            f"{output.literal(heading)}[/]  [dim]score {hit.score:.2f}[/]",
            soft_wrap=True,
        )
        output.out.print(_hit_text(hit), soft_wrap=True)
        output.out.print()
