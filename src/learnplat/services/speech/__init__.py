"""Speech: narration to an audio file (espeak-ng offline, Amazon Polly) and playing it.

Nothing here runs a program, imports boto3 or connects anywhere until a method is called.
"""

from __future__ import annotations

from .errors import SpeechError, UnknownVoice
from .espeak import EspeakVoice
from .fallback import script_only, speak_with_fallback
from .model import AudioFormat, AudioPiece, SpeechResult, Voice
from .playback import Playback
from .player import Player, PlayResult, available_players
from .polly import PollyVoice
from .progressive import speak_progressively
from .service import Speech, text_segments

__all__ = [
    "AudioFormat",
    "AudioPiece",
    "EspeakVoice",
    "PlayResult",
    "Playback",
    "Player",
    "PollyVoice",
    "Speech",
    "SpeechError",
    "SpeechResult",
    "UnknownVoice",
    "Voice",
    "available_players",
    "script_only",
    "speak_progressively",
    "speak_with_fallback",
    "text_segments",
]
