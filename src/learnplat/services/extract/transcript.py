"""A transcript as prose: caption cues joined into paragraphs, and the timestamps and speaker
labels that open its lines ("[02:13] PROFESSOR: In carbon fixation, ...") taken off, so that
its sentences read as sentences in lessons, answers and quizzes."""

from __future__ import annotations

import re
from collections import Counter

# A caption file's cue timing ("00:00:01,000 --> 00:00:04,000", WebVTT's with settings after)
# and the cue's number on the line before it.
_CUE_TIMING = re.compile(
    r"^\s*(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\s*-->\s*(?:\d{1,2}:)?\d{1,2}:\d{2}"
    r"(?:[.,]\d{1,3})?.*$"
)
_CUE_NUMBER = re.compile(r"^\s*\d{1,6}\s*$")
_WEBVTT = re.compile(r"^\ufeff?WEBVTT\b")
_TAG = re.compile(r"</?[a-z][^>]{0,40}>")  # WebVTT's "<v Professor>", "<i>"
# A timestamp opening a line: "[00:07]", "(1:02:33)", "00:01:23 -", "12:30".
_TIMESTAMP = re.compile(
    r"^[ \t]*[\[(]?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?[\])]?[ \t]*(?:[-–—|:][ \t]*)?"
)
# A speaker's label opening a line: "PROFESSOR:", "Dr. Smith:", "Speaker 1:", "Q:".
_LABEL = re.compile(r"^[ \t]*(?P<label>[A-Z][\w.'’-]*(?:[ \t]+[\w.'’-]+){0,2}):[ \t]+(?=\S)")
# A label opening this many lines or more is a speaker's (one opening a line or two is a term
# being glossed, "Photosynthesis: the process ...").
SPEAKER_TURNS = 3
# Timestamps open at least this share of the lines of a timed transcript.
STAMPED_SHARE = 0.3
# Caption lines joined into one paragraph until it reaches this many words at a sentence's end.
PARAGRAPH_WORDS = 120
# Fewer sentence stops than one per this many words: no punctuation to find sentences by.
WORDS_PER_STOP = 60
_STOP = re.compile(r"[.!?](?:[\"'”’)\]]*)(?=\s|$)")


def from_captions(text: str) -> str:
    """A caption file's text (SRT or WebVTT) as paragraphs of its cues' words; any other text
    as it is."""
    lines = text.split("\n")
    timings = sum(1 for line in lines if _CUE_TIMING.match(line))
    if timings < 2 and not (lines and _WEBVTT.match(lines[0])):
        return text
    words: list[str] = []
    paragraphs: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            _CUE_TIMING.match(line)
            or (_CUE_NUMBER.match(line) and _CUE_TIMING.match(following))
            or _WEBVTT.match(line)
            or not line.strip()
        ):
            continue
        words += _without_tags(line).split()
        if len(words) >= PARAGRAPH_WORDS and _STOP.search(words[-1]):
            paragraphs.append(" ".join(words))
            words = []
    if words:
        paragraphs.append(" ".join(words))
    return "\n\n".join(paragraphs)


def _without_tags(line: str) -> str:
    """WebVTT's voice and style tags ("<v Professor>", "<i>") are markup, not words."""
    return _TAG.sub(" ", line)


def without_turn_marks(text: str) -> tuple[str, bool]:
    """Each line without the timestamp and the speaker's label that open it, where the text is
    a transcript: timestamps open a third of its lines, or one label opens SPEAKER_TURNS lines
    or more; and whether it is one (its short turns are speech, not headings)."""
    lines = text.split("\n")
    filled = sum(1 for line in lines if line.strip())
    stamped = sum(1 for line in lines if _TIMESTAMP.match(line) and _TIMESTAMP.sub("", line))
    timed = stamped >= SPEAKER_TURNS and stamped >= STAMPED_SHARE * filled
    unstamped = [_TIMESTAMP.sub("", line, count=1) for line in lines] if timed else lines
    labels = Counter(
        match.group("label") for line in unstamped if (match := _LABEL.match(line)) is not None
    )
    speakers = {label for label, turns in labels.items() if turns >= SPEAKER_TURNS}
    if not timed and not speakers:
        return text, False
    cleaned = []
    for line in unstamped:
        match = _LABEL.match(line)
        if match is not None and match.group("label") in speakers:
            line = line[match.end() :]
        cleaned.append(line)
    return "\n".join(cleaned), True


def unpunctuated(text: str) -> bool:
    """Whether a long text has almost no sentence stops (an automatic transcript): sentences,
    and so lessons, answers and questions, cannot be found in it."""
    words = len(text.split())
    return words >= 2 * WORDS_PER_STOP and len(_STOP.findall(text)) * WORDS_PER_STOP < words
