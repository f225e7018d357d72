"""Speech commands: speak, and the audio side of `learn --format audio`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import BadInput
from ..projections import audio_json
from . import output
from .main import app, state

if TYPE_CHECKING:
    from ..domain.model import Lesson
    from ..services.speech import Speech, SpeechResult

AUDIO_SUFFIXES = (".wav", ".mp3")
VoiceFlag = Annotated[str | None, typer.Option("--voice", help="Voice name (see doctor).")]
RateFlag = Annotated[int | None, typer.Option("--rate", help="Words per minute.")]
PlayFlag = Annotated[bool, typer.Option("--play", help="Play it when it is made.")]




def _synthesize(speech: Speech, make: Any, as_json: bool) -> SpeechResult:
    """Run ``make(on_progress)`` with a progress bar on a terminal."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    show = output.err.is_terminal and not as_json
    with Progress(
        TextColumn("speaking"),
        BarColumn(),
        TaskProgressColumn(),
        console=output.err,
        transient=True,
        disable=not show,
    ) as progress:
        task = progress.add_task("speaking", total=None)
        return make(lambda done, total: progress.update(task, completed=done, total=total))


def report_audio(speech: Speech, result: SpeechResult, *, play: bool, as_json: bool) -> None:
    """Notices, where the file went, and (with --play) playing it; JSON prints elsewhere."""
    for notice in result.notices:
        output.notice(notice)
    if result.path is None:
        return
    minutes, seconds = divmod(int(result.duration_s), 60)
    output.note(
        f"wrote {output.literal(result.path)} ({minutes}:{seconds:02d},"
        f" {output.literal(result.engine_name)})"
    )
    if play:
        played = speech.play(result.path)
        output.note(output.literal(played.message))


def narrate_lesson(
    ctx: typer.Context,
    lesson: Lesson,
    out: Path | None,
    *,
    voice: str | None,
    rate: int | None,
    play: bool,
    as_json: bool,
) -> SpeechResult:
    speech = state(ctx).session.speech
    result = _synthesize(
        speech,
        lambda on_progress: speech.narrate(
            lesson, out, voice=voice, rate_wpm=rate, on_progress=on_progress
        ),
        as_json,
    )
    report_audio(speech, result, play=play, as_json=as_json)
    return result


def check_audio_target(
    ctx: typer.Context, out: Path | None, voice: str | None, rate: int | None
) -> None:
    """Refuse a bad output path, voice or rate before any lesson is made."""
    target = out if out is not None else Path(state(ctx).settings.data_dir, "audio", "x.wav")
    if out is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    state(ctx).session.speech.check(target, voice=voice, rate_wpm=rate)


@app.command()
def speak(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="Text to speak (or use --file).")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Speak this TXT, Markdown, PDF or DOCX.")
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Audio file: .wav (or .mp3 with Polly).")
    ] = Path("speech.wav"),
    voice: VoiceFlag = None,
    rate: RateFlag = None,
    play: PlayFlag = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Speak any text into an audio file (espeak-ng offline, or Amazon Polly when configured).

    Example: learnplat speak --file notes.md --out notes.wav --rate 150 --play
    """
    if (text is None) == (file is None):
        raise BadInput(
            "give the text to speak, or --file, but not both",
            hint='learnplat speak "Hello" --out hi.wav',
        )
    if file is not None:
        from ..services.library import read_text_of

        text = read_text_of(file, state(ctx).settings.max_file_bytes)
    speech = state(ctx).session.speech
    speech.check(out, voice=voice, rate_wpm=rate)
    result = _synthesize(
        speech,
        lambda on_progress: speech.speak(
            text or "", out, voice=voice, rate_wpm=rate, on_progress=on_progress
        ),
        as_json,
    )
    if as_json:
        output.emit_json(audio_json(result))
    report_audio(speech, result, play=play, as_json=as_json)
