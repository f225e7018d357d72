"""Speech: espeak-ng for real, Polly through boto3 against moto's server and a local stub that
answers real audio, the fallback chain, progressive pieces, and the player."""

from __future__ import annotations

import importlib.machinery
import itertools
import os
import re
import subprocess
import sys
import types
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from learnplat.aws import boto3_client
from learnplat.errors import BadInput
from learnplat.services.speech import (
    AudioPiece,
    EspeakVoice,
    Player,
    PollyVoice,
    SpeechError,
    UnknownVoice,
    speak_progressively,
    speak_with_fallback,
)
from learnplat.services.speech.chunking import chunk_text
from tests.conftest import require_program
from tests.stubs.polly import MP3_FRAME_BYTES, MP3_FRAME_S, HTTPFailure, PollyStub

LESSON = [
    "Photosynthesis turns light into chemical energy. Plants do it in their leaves.",
    "Chlorophyll absorbs mostly red and blue light, and reflects green.",
    "The Calvin cycle then fixes carbon dioxide into sugar.",
]
# A name no machine has: constructing EspeakVoice with it simulates espeak-ng being missing.
MISSING_ESPEAK = "espeak-ng-not-installed-here"
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def wav_info(path: Path) -> tuple[tuple[int, int, int], int]:
    with wave.open(str(path), "rb") as reader:
        params = (reader.getnchannels(), reader.getsampwidth(), reader.getframerate())
        return params, reader.getnframes()


def prose(characters: int) -> str:
    """Sentences of different lengths until ``characters`` long."""
    words = "light leaf sugar carbon water energy chlorophyll stroma membrane".split()
    sentences, total, n = [], 0, 0
    while total < characters:
        length = 4 + n % 17
        sentence = " ".join(words[(n + i) % len(words)] for i in range(length)).capitalize()
        sentence += "." if n % 5 else "?"
        sentences.append(sentence)
        total += len(sentence) + 1
        n += 1
    return " ".join(sentences)[:characters].rsplit(" ", 1)[0] + "."


# --- espeak-ng, the real program -------------------------------------------------------------


def test_espeak_writes_a_valid_wav_whose_length_grows_with_the_text(tmp_path: Path) -> None:
    require_program("espeak-ng")
    voice = EspeakVoice()
    short = voice.synthesize(["A short line."], tmp_path / "short.wav")
    long = voice.synthesize(LESSON, tmp_path / "long.wav")

    params, frames = wav_info(tmp_path / "long.wav")
    assert params[:2] == (1, 2) and params[2] > 0 and frames > 0
    assert long.format == "wav" and long.engine_name == "espeak-ng" and long.voice_name == "en"
    assert long.duration_s == pytest.approx(frames / params[2])
    assert long.duration_s > short.duration_s * 2


def test_espeak_segment_marks_are_the_cumulative_durations_of_each_segments_audio(
    tmp_path: Path,
) -> None:
    require_program("espeak-ng")
    voice = EspeakVoice()
    result = voice.synthesize(LESSON, tmp_path / "all.wav")
    alone_files = [tmp_path / f"alone{i}.wav" for i in range(len(LESSON))]
    for text, path in zip(LESSON, alone_files, strict=True):
        voice.synthesize([text], path)

    starts = [segment.start_s for segment in result.segments]
    assert [segment.text for segment in result.segments] == LESSON
    assert starts[0] == 0 and all(a < b for a, b in itertools.pairwise(starts))
    frame_s = 1 / wav_info(tmp_path / "all.wav")[0][2]
    cumulative = 0.0
    for start, path in zip(starts, alone_files, strict=True):
        assert start == pytest.approx(cumulative, abs=frame_s)
        cumulative += wav_info(path)[1] * frame_s  # each segment's own audio, from its frames
    assert result.duration_s == pytest.approx(cumulative, abs=frame_s)


def test_espeak_voice_and_rate_change_the_audio(tmp_path: Path) -> None:
    require_program("espeak-ng")
    voice = EspeakVoice()
    slow = voice.synthesize(LESSON, tmp_path / "slow.wav", rate_wpm=120)
    fast = voice.synthesize(LESSON, tmp_path / "fast.wav", rate_wpm=300)
    english = voice.synthesize(LESSON[:1], tmp_path / "en.wav", voice="en-us")
    french = voice.synthesize(LESSON[:1], tmp_path / "fr.wav", voice="fr")

    assert fast.duration_s < slow.duration_s * 0.7
    assert french.voice_name == "fr" and english.voice_name == "en-us"
    assert (tmp_path / "en.wav").read_bytes() != (tmp_path / "fr.wav").read_bytes()


def test_espeak_unknown_voice_is_bad_input_listing_valid_voices(tmp_path: Path) -> None:
    require_program("espeak-ng")
    with pytest.raises(UnknownVoice) as caught:
        EspeakVoice().synthesize(LESSON, tmp_path / "x.wav", voice="nosuchvoice")
    assert isinstance(caught.value, BadInput)
    assert "nosuchvoice" in caught.value.message and "en-us" in caught.value.valid
    assert "en-us" in caught.value.message
    assert not (tmp_path / "x.wav").exists()


def test_espeak_reads_text_from_stdin_so_dashes_are_spoken_not_parsed(tmp_path: Path) -> None:
    require_program("espeak-ng")
    result = EspeakVoice().synthesize(["--help -v zz -w /etc/passwd"], tmp_path / "dash.wav")
    assert result.duration_s > 0.5 and wav_info(tmp_path / "dash.wav")[1] > 0


def test_espeak_missing_program_says_how_to_install_it(tmp_path: Path) -> None:
    voice = EspeakVoice(program=MISSING_ESPEAK)
    assert not voice.available()
    with pytest.raises(SpeechError) as caught:
        voice.synthesize(LESSON, tmp_path / "x.wav")
    assert caught.value.kind == "missing"
    assert "apt-get install espeak-ng" in (caught.value.hint or "")


# --- bad input, checked before anything is synthesized ---------------------------------------


@pytest.mark.parametrize("voice", [EspeakVoice(), PollyVoice(endpoint_url="http://127.0.0.1:9")])
@pytest.mark.parametrize("segments", [[], [""], ["   ", "\n"]])
def test_empty_text_is_bad_input(voice, segments: list[str], tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="Nothing to speak"):
        voice.synthesize(segments, tmp_path / "x.wav")


@pytest.mark.parametrize("voice", [EspeakVoice(), PollyVoice(endpoint_url="http://127.0.0.1:9")])
def test_output_in_a_missing_folder_is_bad_input(voice, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        voice.synthesize(LESSON, tmp_path / "nowhere" / "x.wav")


def test_espeak_cannot_write_mp3_and_says_to_use_wav(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"espeak-ng writes WAV; use \.wav"):
        EspeakVoice().synthesize(LESSON, tmp_path / "x.mp3")


@pytest.mark.parametrize("name", ["x.ogg", "x", "x.txt"])
def test_unsupported_extension_is_bad_input(name: str, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"\.wav or \.mp3"):
        PollyVoice(endpoint_url="http://127.0.0.1:9").synthesize(LESSON, tmp_path / name)


def test_rate_out_of_range_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="out of range"):
        EspeakVoice().synthesize(LESSON, tmp_path / "x.wav", rate_wpm=5)


# --- chunking ----------------------------------------------------------------------------------


def test_chunks_end_at_sentences_and_keep_every_word() -> None:
    text = prose(10_000)
    chunks = chunk_text(text, 3000)
    assert len(chunks) >= 4 and all(len(chunk) <= 3000 for chunk in chunks)
    assert all(SENTENCE_END.search(chunk) for chunk in chunks)
    assert " ".join(chunks).split() == text.split()


def test_a_sentence_longer_than_a_chunk_splits_between_words() -> None:
    sentence = " ".join(f"word{i}" for i in range(1500))  # ~11,000 characters, no full stop
    chunks = chunk_text(sentence, 3000)
    assert all(len(chunk) <= 3000 for chunk in chunks)
    assert " ".join(chunks).split() == sentence.split()


def test_the_first_chunk_can_be_kept_short() -> None:
    chunks = chunk_text(prose(5000), 3000, first_limit=200)
    assert len(chunks[0]) <= 200 and len(chunks[1]) > 200


# --- Polly through moto's server ---------------------------------------------------------------


@pytest.fixture
def moto_url(aws_env: None) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_polly_through_moto_sends_the_right_request_and_lists_voices(
    moto_url: str, tmp_path: Path
) -> None:
    client = boto3_client("polly", region="us-east-1", endpoint_url=moto_url)
    sent: list[dict] = []
    client.meta.events.register(
        "before-parameter-build.polly.SynthesizeSpeech", lambda params, **_: sent.append(params)
    )
    voice = PollyVoice(region="us-east-1", client=client)

    result = voice.synthesize(["Hello from Polly."], tmp_path / "moto.wav")

    assert sent == [
        {
            "Engine": "neural",
            "VoiceId": "Joanna",
            "OutputFormat": "pcm",
            "SampleRate": "16000",
            "Text": "Hello from Polly.",
            "TextType": "text",
        }
    ]
    assert result.engine_name == "polly" and result.voice_name == "Joanna"
    assert wav_info(tmp_path / "moto.wav")[0] == (1, 2, 16_000)  # moto's placeholder bytes
    assert {"Joanna", "Matthew"} <= set(voice.voices())


def test_polly_unknown_voice_through_moto_lists_valid_voices(moto_url: str, tmp_path: Path) -> None:
    voice = PollyVoice(endpoint_url=moto_url, voice="Nobody")
    with pytest.raises(UnknownVoice) as caught:
        voice.synthesize(["Hello."], tmp_path / "x.wav")
    assert "Nobody" in caught.value.message and "Joanna" in caught.value.valid


# --- Polly against the local stub (real PCM) ---------------------------------------------------


@pytest.fixture
def polly_stub(aws_env: None) -> Iterator[PollyStub]:
    stub = PollyStub()
    stub.start()
    yield stub
    stub.stop()


def test_polly_requests_stay_within_3000_characters_split_at_sentence_ends(
    polly_stub: PollyStub, tmp_path: Path
) -> None:
    long_paragraph = prose(10_000)
    run_on = " ".join(f"word{i}" for i in range(900))  # one 6,000-character sentence
    PollyVoice(endpoint_url=polly_stub.url).synthesize([long_paragraph, run_on], tmp_path / "x.wav")

    texts = [request["Text"] for request in polly_stub.speech_requests()]
    assert all(len(text) <= 3000 for text in texts)
    paragraph_chunks = [t for t in texts if not t.startswith("word")]
    run_on_chunks = [t for t in texts if t.startswith("word")]
    assert len(paragraph_chunks) >= 4 and len(run_on_chunks) >= 2
    assert all(SENTENCE_END.search(chunk) for chunk in paragraph_chunks)
    assert " ".join(paragraph_chunks).split() == long_paragraph.split()
    assert " ".join(run_on_chunks).split() == run_on.split()  # no word cut


def test_polly_pcm_becomes_a_16khz_mono_wav_timed_by_byte_counts(
    polly_stub: PollyStub, tmp_path: Path
) -> None:
    segments = [prose(4000), "A short second part.", prose(500)]
    result = PollyVoice(endpoint_url=polly_stub.url).synthesize(segments, tmp_path / "p.wav")

    params, frames = wav_info(tmp_path / "p.wav")
    assert params == (1, 2, 16_000)
    total_bytes = sum(polly_stub.audio_sizes)
    assert frames * 2 == total_bytes
    assert result.duration_s == pytest.approx(total_bytes / 32_000)
    # The first segment took two requests (4,000 characters), the second one, the third one.
    sizes = polly_stub.audio_sizes
    assert len(sizes) == 4
    expected = [0, (sizes[0] + sizes[1]) / 32_000, (sizes[0] + sizes[1] + sizes[2]) / 32_000]
    assert [s.start_s for s in result.segments] == pytest.approx(expected)


def test_polly_mp3_frames_are_joined_and_timed_from_their_headers(
    polly_stub: PollyStub, tmp_path: Path
) -> None:
    result = PollyVoice(endpoint_url=polly_stub.url).synthesize(
        [prose(4000), "Second part."], tmp_path / "p.mp3"
    )

    data = (tmp_path / "p.mp3").read_bytes()
    assert len(data) == sum(polly_stub.audio_sizes)
    frames = len(data) // MP3_FRAME_BYTES
    assert result.format == "mp3"
    assert result.duration_s == pytest.approx(frames * MP3_FRAME_S)
    assert {r["OutputFormat"] for r in polly_stub.speech_requests()} == {"mp3"}
    first_segment_frames = sum(polly_stub.audio_sizes[:2]) // MP3_FRAME_BYTES
    assert result.segments[1].start_s == pytest.approx(first_segment_frames * MP3_FRAME_S)


def test_polly_rate_is_sent_as_escaped_ssml_prosody(polly_stub: PollyStub, tmp_path: Path) -> None:
    PollyVoice(endpoint_url=polly_stub.url).synthesize(
        ["Salt & pepper < sugar."], tmp_path / "p.wav", rate_wpm=240
    )
    (request,) = polly_stub.speech_requests()
    assert request["TextType"] == "ssml"
    assert request["Text"] == (
        '<speak><prosody rate="150%">Salt &amp; pepper &lt; sugar.</prosody></speak>'
    )


def test_polly_throttling_is_retried_until_it_succeeds(
    polly_stub: PollyStub, tmp_path: Path
) -> None:
    polly_stub.failures = [HTTPFailure(400, "ThrottlingException", "Rate exceeded")] * 2
    result = PollyVoice(endpoint_url=polly_stub.url).synthesize(["Hello."], tmp_path / "p.wav")
    assert len(polly_stub.speech_requests()) == 3 and result.duration_s > 0


@pytest.mark.parametrize(
    ("failure", "kind", "code", "said"),
    [
        (
            HTTPFailure(403, "AccessDeniedException", "not authorized"),
            "auth",
            "AccessDenied",
            "Polly refused the request: AccessDenied",
        ),
        (
            HTTPFailure(400, "ThrottlingException", "Rate exceeded"),
            "throttled",
            "Throttling",
            "throttling requests in us-east-1 (after 2 attempts)",
        ),
        (
            HTTPFailure(400, "TextLengthExceededException", "too long"),
            "too-long",
            "TextLengthExceeded",
            "too long",
        ),
        (
            HTTPFailure(500, "ServiceFailureException", "oops"),
            "unavailable",
            "ServiceFailure",
            "Polly could not answer (ServiceFailure)",
        ),
    ],
)
def test_polly_failures_become_clear_speech_errors(
    polly_stub: PollyStub,
    tmp_path: Path,
    failure: HTTPFailure,
    kind: str,
    code: str,
    said: str,
) -> None:
    polly_stub.failures = [failure] * 10
    voice = PollyVoice(endpoint_url=polly_stub.url, max_attempts=2)
    with pytest.raises(SpeechError) as caught:
        voice.synthesize(["Hello."], tmp_path / "p.wav")
    assert caught.value.kind == kind and caught.value.engine == "polly"
    assert caught.value.code == code and said in caught.value.message
    assert caught.value.hint
    assert not (tmp_path / "p.wav").exists()


def test_polly_engine_not_supported_names_the_voices_engines(
    polly_stub: PollyStub, tmp_path: Path
) -> None:
    with pytest.raises(SpeechError) as caught:
        PollyVoice(endpoint_url=polly_stub.url, voice="Maxim").synthesize(
            ["Privet."], tmp_path / "p.wav"
        )
    assert caught.value.kind == "engine" and "neural" in caught.value.message
    assert "standard" in (caught.value.hint or "")


def test_polly_unknown_voice_lists_valid_voices(polly_stub: PollyStub, tmp_path: Path) -> None:
    with pytest.raises(UnknownVoice) as caught:
        PollyVoice(endpoint_url=polly_stub.url, voice="joanna").synthesize(
            ["Hi."], tmp_path / "p.wav"
        )
    assert caught.value.valid == ["Joanna", "Matthew"]


def test_polly_without_credentials_says_so(
    polly_stub: PollyStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    voice = PollyVoice(endpoint_url=polly_stub.url)
    assert not voice.available()
    with pytest.raises(SpeechError) as caught:
        voice.synthesize(["Hello."], tmp_path / "p.wav")
    assert caught.value.kind == "credentials"


def test_a_failure_part_way_keeps_the_previous_file_and_leaves_no_partial(
    polly_stub: PollyStub, tmp_path: Path
) -> None:
    out = tmp_path / "p.wav"
    out.write_bytes(b"previous good audio")
    polly_stub.fail_after = 1
    polly_stub.failures = [HTTPFailure(403, "AccessDeniedException", "no")]
    with pytest.raises(SpeechError):
        PollyVoice(endpoint_url=polly_stub.url).synthesize([prose(5000)], out)
    assert out.read_bytes() == b"previous good audio"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.wav"]


def test_200000_characters_are_chunked_with_progress(polly_stub: PollyStub, tmp_path: Path) -> None:
    polly_stub.ms_per_char = 0.5
    text = prose(200_000)
    progress: list[tuple[int, int]] = []
    result = PollyVoice(endpoint_url=polly_stub.url).synthesize(
        [text],
        tmp_path / "long.wav",
        on_progress=lambda done, total: progress.append((done, total)),
    )

    requests = polly_stub.speech_requests()
    assert len(requests) >= 67 and all(len(r["Text"]) <= 3000 for r in requests)
    total = progress[0][1]
    assert progress[0] == (0, total) and progress[-1] == (total, total)
    assert len(progress) == len(requests) + 1
    assert all(a[0] < b[0] for a, b in itertools.pairwise(progress))
    assert total >= 199_000
    assert result.duration_s == pytest.approx(sum(polly_stub.audio_sizes) / 32_000)


# --- the fallback chain ------------------------------------------------------------------------


def test_polly_access_denied_falls_back_to_espeak_with_a_notice(
    polly_stub: PollyStub, tmp_path: Path
) -> None:
    require_program("espeak-ng")
    polly_stub.failures = [HTTPFailure(403, "AccessDeniedException", "not authorized")]
    result = speak_with_fallback(
        [PollyVoice(endpoint_url=polly_stub.url), EspeakVoice()], LESSON, tmp_path / "l.wav"
    )
    assert result.engine_name == "espeak-ng" and result.path == tmp_path / "l.wav"
    assert result.notices == ["Polly unavailable: AccessDenied — spoken with espeak-ng instead"]
    assert wav_info(tmp_path / "l.wav")[1] > 0


def test_fallback_from_an_mp3_request_saves_espeaks_wav_beside_it(
    polly_stub: PollyStub, tmp_path: Path
) -> None:
    require_program("espeak-ng")
    polly_stub.failures = [HTTPFailure(403, "AccessDeniedException", "not authorized")]
    result = speak_with_fallback(
        [PollyVoice(endpoint_url=polly_stub.url), EspeakVoice()], LESSON, tmp_path / "l.mp3"
    )
    assert result.path == tmp_path / "l.wav" and result.format == "wav"
    assert any("l.wav" in notice for notice in result.notices)
    assert not (tmp_path / "l.mp3").exists()


def test_when_no_voice_can_speak_the_script_is_returned_alone(
    polly_stub: PollyStub, tmp_path: Path
) -> None:
    polly_stub.failures = [HTTPFailure(403, "AccessDeniedException", "not authorized")]
    result = speak_with_fallback(
        [PollyVoice(endpoint_url=polly_stub.url), EspeakVoice(program=MISSING_ESPEAK)],
        LESSON,
        tmp_path / "l.wav",
    )
    assert result.path is None and result.format is None and not result.has_audio
    assert [s.text for s in result.segments] == LESSON
    (notice,) = result.notices
    assert "Polly unavailable: AccessDenied" in notice
    assert "espeak-ng unavailable: not installed" in notice and "script only" in notice
    assert list(tmp_path.iterdir()) == []


def test_fallback_still_rejects_what_the_learner_got_wrong(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        speak_with_fallback([EspeakVoice()], LESSON, tmp_path / "missing" / "l.wav")
    with pytest.raises(BadInput):
        speak_with_fallback([EspeakVoice()], ["  "], tmp_path / "l.wav")


# --- first audio early ---------------------------------------------------------------------------


def test_the_first_piece_is_ready_before_the_whole_file(tmp_path: Path) -> None:
    require_program("espeak-ng")
    parts = tmp_path / "parts"
    parts.mkdir()
    out = tmp_path / "lesson.wav"
    pieces: list[AudioPiece] = []
    final_existed_at_first_piece: list[bool] = []

    def on_ready(piece: AudioPiece) -> None:
        if not pieces:
            final_existed_at_first_piece.append(out.exists())
        pieces.append(piece)

    result = speak_progressively(EspeakVoice(), [prose(3000), prose(800)], out, parts, on_ready)

    assert final_existed_at_first_piece == [False]
    first = pieces[0]
    assert first.index == 0 and first.segment_index == 0 and first.path is not None
    assert wav_info(first.path)[1] > 0 and first.duration_s > 0
    assert len(first.text) <= 300 and prose(3000).startswith(first.text)
    assert [p.index for p in pieces] == list(range(len(pieces)))
    assert sum(p.duration_s for p in pieces) == pytest.approx(result.duration_s)
    assert result.segments[1].start_s == pytest.approx(
        next(p.start_s for p in pieces if p.segment_index == 1)
    )


# --- the player -------------------------------------------------------------------------------


def fake_player(folder: Path, name: str, body: str) -> Path:
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


@pytest.fixture
def audio_file(tmp_path: Path) -> Path:
    path = tmp_path / "narration.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16_000)
        writer.writeframes(bytes(3200))
    return path


def test_with_no_player_the_message_says_where_the_audio_is_saved(audio_file: Path) -> None:
    # An empty PATH (and simpleaudio off): no player can be found.
    for player in (
        Player(search_path="", use_simpleaudio=False),
        Player(candidates=[], use_simpleaudio=False),
    ):
        result = player.play(audio_file)
        assert not result.played and result.player is None
        assert result.message.startswith(f"saved to {audio_file}; no audio player found")
        assert player.available_players() == []


def test_a_system_player_on_path_plays_the_file(tmp_path: Path, audio_file: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "played.txt"
    fake_player(bin_dir, "fakeplay", f'printf "%s" "$1" > "{record}"')
    player = Player(candidates=["fakeplay"], search_path=str(bin_dir), use_simpleaudio=False)

    result = player.play(audio_file)

    assert result.played and result.player == "fakeplay"
    assert record.read_text() == str(audio_file)
    assert player.available_players() == ["fakeplay"]


def test_a_player_that_fails_at_once_means_no_sound_device(
    tmp_path: Path, audio_file: Path
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_player(bin_dir, "paplay", 'echo "Connection failure: Connection refused" >&2; exit 1')
    player = Player(candidates=["paplay"], search_path=str(bin_dir), use_simpleaudio=False)

    result = player.play(audio_file)

    assert not result.played and result.player == "paplay"
    assert result.message.startswith(f"no sound device: the audio is saved at {audio_file}")
    assert "Connection refused" in result.message
    assert audio_file.exists()


def test_a_playing_sound_can_be_paused_resumed_and_stopped(
    tmp_path: Path, audio_file: Path
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_player(bin_dir, "slowplay", "exec sleep 30")
    player = Player(
        candidates=["slowplay"], search_path=str(bin_dir), use_simpleaudio=False, startup_s=0.1
    )

    result = player.start(audio_file)
    playback = result.playback
    assert result.played and playback is not None and playback.is_playing()
    assert playback.pause() and not playback.is_playing()
    assert playback.resume() and playback.is_playing()
    playback.stop()
    assert playback.wait(timeout_s=5) and not playback.is_playing()


def test_a_player_is_only_asked_for_formats_it_plays(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_player(bin_dir, "aplay", "exit 0")  # aplay plays WAV only
    mp3 = tmp_path / "n.mp3"
    mp3.write_bytes(b"\xff\xf3\x44\xc0" + bytes(92))
    result = Player(candidates=["aplay"], search_path=str(bin_dir), use_simpleaudio=False).play(mp3)
    assert not result.played and "no audio player found" in result.message


class _FakeSimpleaudio(types.ModuleType):
    """Stands in for the optional simpleaudio package, which needs ALSA headers to install."""

    def __init__(self, fails: bool) -> None:
        super().__init__("simpleaudio")
        self.__spec__ = importlib.machinery.ModuleSpec("simpleaudio", None)
        self.played: list[str] = []
        fake = self

        class SimpleaudioError(Exception):  # the real one lives in its private _simpleaudio
            pass

        class PlayObject:
            stopped = False

            def is_playing(self) -> bool:
                return not self.stopped

            def stop(self) -> None:
                self.stopped = True

            def wait_done(self) -> None:
                self.stopped = True

        class WaveObject:
            def __init__(self, path: str) -> None:
                self.path = path

            @classmethod
            def from_wave_file(cls, path: str) -> WaveObject:
                return cls(path)

            def play(self) -> PlayObject:
                if fails:
                    raise SimpleaudioError(
                        "Error opening PCM device. -- CODE: -2 -- MSG: No such file"
                    )
                fake.played.append(self.path)
                return PlayObject()

        self.WaveObject = WaveObject


def test_simpleaudio_comes_first_and_can_stop(
    monkeypatch: pytest.MonkeyPatch, audio_file: Path
) -> None:
    fake = _FakeSimpleaudio(fails=False)
    monkeypatch.setitem(sys.modules, "simpleaudio", fake)
    player = Player(candidates=[], search_path="")
    assert player.available_players() == ["simpleaudio"]

    result = player.start(audio_file)

    assert result.played and result.player == "simpleaudio" and fake.played == [str(audio_file)]
    assert result.playback is not None and result.playback.is_playing()
    assert not result.playback.can_pause and not result.playback.pause()
    result.playback.stop()
    assert not result.playback.is_playing()


def test_simpleaudio_without_a_sound_device_says_where_the_audio_is(
    monkeypatch: pytest.MonkeyPatch, audio_file: Path
) -> None:
    monkeypatch.setitem(sys.modules, "simpleaudio", _FakeSimpleaudio(fails=True))
    result = Player(candidates=[], search_path="").play(audio_file)
    assert not result.played and result.player == "simpleaudio"
    assert result.message.startswith(f"no sound device: the audio is saved at {audio_file}")


# --- layering ---------------------------------------------------------------------------------


def test_importing_speech_runs_nothing_and_loads_no_aws_library() -> None:
    code = (
        "import sys, learnplat.services.speech\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'boto3', 'botocore', 'simpleaudio', 'textual', 'rich', 'typer', 'flask'}))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
