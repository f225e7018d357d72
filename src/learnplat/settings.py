"""Settings, by precedence: CLI flags, then LEARNPLAT_* env vars, the TOML file, defaults."""

from __future__ import annotations

import getpass
import json
import os
import re
import threading
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .errors import BadInput, ConfigError
from .profile_names import describe, lookalike_letters

PROVIDERS = ("offline", "bedrock", "openai")
_USER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def _positive_number(value: Any) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("must be greater than 0")
    return number


def _provider(value: Any) -> str:
    name = str(value).strip().lower()
    if name not in PROVIDERS:
        raise ValueError(f"must be one of {', '.join(PROVIDERS)}")
    return name


def check_profile_name(value: str) -> str:
    """``value`` as a profile name; raises BadInput saying the rule it breaks."""
    try:
        return _user(value)
    except ValueError as exc:
        raise BadInput(f"the name {value.strip()!r} {exc}") from None


def _user(value: Any) -> str:
    name = str(value).strip()
    if not _USER_RE.match(name):
        rule = "must be 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit"
        lookalikes = lookalike_letters(name)
        if lookalikes:  # "аna" with a Cyrillic "а" reads as "ana": say why it is refused
            char, shown = lookalikes[0]
            rule += (
                f": {describe(char)} only looks like the Latin '{shown}'; type the name in "
                "Latin letters"
            )
        raise ValueError(rule)
    return name


def _path(value: Any) -> Path:
    return Path(str(value)).expanduser()


def hide_password(url: str) -> str:
    """A database URL fit to show: its password as ***."""
    return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url)


def _optional_text(value: Any) -> str:
    return str(value).strip()  # empty: the default (the data dir's SQLite file, the theme)


def _text(value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _temperature(value: Any) -> float:
    number = float(value)
    if not 0 <= number <= 2:
        raise ValueError("must be between 0 and 2")
    return number


def _speech(value: Any) -> str:
    name = str(value).strip().lower()
    if name not in ("espeak", "polly"):
        raise ValueError("must be espeak or polly")
    return name


def _rate(value: Any) -> int:
    number = int(value)
    if not 80 <= number <= 450:
        raise ValueError("must be between 80 and 450 words per minute")
    return number


def _polly_engine(value: Any) -> str:
    name = str(value).strip().lower()
    if name not in ("neural", "standard", "generative", "long-form"):
        raise ValueError("must be neural, standard, generative or long-form")
    return name


def _switch(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("on", "true", "yes", "1"):
        return True
    if word in ("off", "false", "no", "0"):
        return False
    raise ValueError("must be on or off")


def _max_tokens(value: Any) -> int:
    number = int(value)
    if not 1 <= number <= 100_000:
        raise ValueError("must be between 1 and 100000")
    return number


def _context_window(value: Any) -> int:
    number = int(value)
    if number != 0 and not 256 <= number <= 10_000_000:
        raise ValueError("must be 0 (ask the server) or between 256 and 10000000")
    return number


def _proxies(value: Any) -> int:
    number = int(value)
    if not 0 <= number <= 10:
        raise ValueError("must be between 0 (none) and 10")
    return number


def _timeout(value: Any) -> float:
    number = float(value)
    if not 1 <= number <= 86_400:
        raise ValueError("must be between 1 and 86400 seconds")
    return number


@dataclass(frozen=True)
class Option:
    """One setting: its key (also ``LEARNPLAT_<KEY>`` and a CLI flag), parser, default and help."""

    key: str
    parse: Callable[[Any], Any]
    default: Any
    help: str

    @property
    def env_var(self) -> str:
        return f"LEARNPLAT_{self.key.upper()}"


OPTIONS: tuple[Option, ...] = (
    Option("user", _user, None, "Current profile; defaults to the OS login name."),
    Option("provider", _provider, "offline", "Tutor backend: offline, bedrock or openai."),
    Option("max_file_mb", _positive_number, 16.0, "Largest file ingest accepts, in MB."),
    Option("data_dir", _path, None, "Where the database and ingested files live."),
    Option(
        "database_url",
        _optional_text,
        "",
        "Empty: learnplat.db in the data dir; or sqlite:///PATH, or postgresql://user@host/db "
        "(needs learnplat[postgres]) for several servers sharing one database.",
    ),
    Option("model", _text, None, "Model id (default: amazon.nova-pro-v1:0 / llama3.1)."),
    Option("region", _text, "us-east-1", "AWS region for Bedrock; credentials from the AWS chain."),
    Option("base_url", _text, "http://localhost:11434/v1", "OpenAI-compatible endpoint."),
    Option("api_key_env", _text, "OPENAI_API_KEY", "Env var with the API key."),
    Option("temperature", _temperature, 0.3, "Sampling temperature for generated lessons."),
    Option("max_tokens", _max_tokens, 4000, "Longest generated reply, in tokens (Nova Pro: 5000)."),
    Option(
        "context_window",
        _context_window,
        0,
        "The model's context window in tokens; 0 asks the server (llama.cpp, Ollama, vLLM say).",
    ),
    Option(
        "timeout",
        _timeout,
        300.0,
        "Seconds a model has for one lesson, answer, quiz or grade (its correction included).",
    ),
    Option("topic_store", _text, "local", "local or s3://bucket/prefix."),
    Option(
        "blob_store",
        _text,
        "local",
        "Where ingested originals are kept: local (the data dir) or s3://bucket/prefix.",
    ),
    Option("speech", _speech, "espeak", "Voice engine: espeak (offline) or polly."),
    Option(
        "theme",
        _optional_text,  # any text; empty for Textual's default
        "",
        "The TUI's colour theme (kept when you pick one in the command palette).",
    ),
    Option("voice", _text, None, "Voice name (default: en for espeak, Joanna for Polly)."),
    Option("rate_wpm", _rate, None, "Speaking rate in words per minute."),
    Option("polly_engine", _polly_engine, "neural", "Polly engine."),
    Option("polly_voice", _text, "Joanna", "Polly voice when no voice is set."),
    Option(
        "semantic_grading",
        _switch,
        True,
        "Teach Back also matches by meaning when learnplat[semantic] is installed (on/off).",
    ),
    Option(
        "semantic_search",
        _switch,
        True,
        "ask also ranks your notes' sentences by meaning when learnplat[semantic] is installed.",
    ),
    Option(
        "secure_cookies",
        _switch,
        False,
        "Web mode: send its cookies over HTTPS only (on behind a TLS proxy).",
    ),
    Option(
        "trusted_proxies",
        _proxies,
        0,
        "Web mode: how many proxies in front of learnplat serve set X-Forwarded-For/-Proto.",
    ),
)
DEFAULT_MODELS = {"bedrock": "amazon.nova-pro-v1:0", "openai": "llama3.1"}
_BY_KEY = {option.key: option for option in OPTIONS}


def _login_name() -> str:
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        return "learner"
    return name if _USER_RE.match(name) else "learner"


@dataclass(frozen=True)
class Settings:
    """Resolved settings; ``sources`` says where each value came from (flag, env, file, default)."""

    data_dir: Path
    user: str
    provider: str
    max_file_mb: float
    config_path: Path
    model: str | None = None
    region: str = "us-east-1"
    base_url: str = "http://localhost:11434/v1"
    api_key_env: str = "OPENAI_API_KEY"
    temperature: float = 0.3
    max_tokens: int = 4000
    context_window: int = 0
    timeout: float = 300.0
    topic_store: str = "local"
    blob_store: str = "local"
    database_url: str = ""
    theme: str = ""
    speech: str = "espeak"
    voice: str | None = None
    rate_wpm: int | None = None
    polly_engine: str = "neural"
    polly_voice: str = "Joanna"
    semantic_grading: bool = True
    semantic_search: bool = True
    secure_cookies: bool = False
    trusted_proxies: int = 0
    sources: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def model_id(self) -> str | None:
        """The model in use: the configured one, else the provider's default (None offline)."""
        return self.model or DEFAULT_MODELS.get(self.provider)

    def as_dict(self) -> dict[str, Any]:
        """Every option's resolved value (paths as strings)."""
        return {
            option.key: str(value) if isinstance(value, Path) else value
            for option in OPTIONS
            for value in [getattr(self, option.key)]
        }


def _read_config(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"config file {path} is not valid TOML: {exc}",
            hint="fix or delete it; `learnplat config path` shows where it is",
        ) from exc


def _option(key: str) -> Option:
    option = _BY_KEY.get(key.strip().lower().replace("-", "_"))
    if option is None:
        raise ConfigError(
            f"unknown setting {key!r}", hint=f"one of: {', '.join(o.key for o in OPTIONS)}"
        )
    return option


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string


_TABLE = re.compile(r"^\s*\[")


def _key_line(key: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(key)}\s*=")


def _top_level_end(lines: list[str]) -> int:
    """Where the top-level settings end: the first [table] line (or the end)."""
    return next((at for at, text in enumerate(lines) if _TABLE.match(text)), len(lines))


def set_config(path: Path, key: str, value: str) -> Any:
    """Write ``key = value`` into the config file at ``path``, checked as the setting reads
    it; every other line, comments included, is kept. Returns the value as read.
    Raises ConfigError (unknown setting, invalid value, unreadable or invalid file)."""
    option = _option(key)
    parsed = _parse(option, value, option.key)
    written = value if isinstance(parsed, Path) else parsed
    lines = _config_lines(path)
    line = f"{option.key} = {_toml_value(written)}\n"
    pattern = _key_line(option.key)
    top = _top_level_end(lines)
    found = next((at for at in range(top) if pattern.match(lines[at])), None)
    if found is not None:
        lines[found] = line
    else:  # after the last top-level setting, before any blank lines and [tables]
        while top > 0 and not lines[top - 1].strip():
            top -= 1
        lines.insert(top, line)
    _write_config(path, lines)
    return parsed


def unset_config(path: Path, key: str) -> bool:
    """Remove ``key`` from the config file (its default, or an env var, applies again);
    False when it was not set there. Raises ConfigError."""
    option = _option(key)
    lines = _config_lines(path)
    pattern = _key_line(option.key)
    top = _top_level_end(lines)
    kept = [text for at, text in enumerate(lines) if at >= top or not pattern.match(text)]
    if len(kept) == len(lines):
        return False
    _write_config(path, kept)
    return True


def _config_lines(path: Path) -> list[str]:
    _read_config(path)  # a file that is not valid TOML is not edited
    try:
        return path.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        return []


def _write_config(path: Path, lines: list[str]) -> None:
    """Replace the file whole (a temp file renamed), 0600: it may hold a database password."""
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    text = "".join(lines)
    try:
        tomllib.loads(text)  # what we write reads back (a key line inside a multi-line string)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"cannot change {path} line by line: {exc}",
            hint="edit it by hand; `learnplat config path` shows where it is",
        ) from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot write config file {path}: {exc.strerror}") from exc


def _parse(option: Option, value: Any, origin: str) -> Any:
    try:
        return option.parse(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{origin} {value!r} is invalid: {exc}") from exc


def load_settings(
    flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Resolve settings. ``flags`` holds CLI values (None means not given).

    A ``data_dir`` flag or ``LEARNPLAT_HOME`` redirects the config file too. Raises ConfigError.
    """
    flags = {key: value for key, value in (flags or {}).items() if value is not None}
    env = os.environ if env is None else env
    home = flags.get("data_dir") or env.get(paths.HOME_ENV, "").strip() or None
    config_path = Path(home).expanduser() / "config.toml" if home else paths.config_file()
    file_values = _read_config(config_path)

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    warnings = [
        f"unknown key {key!r} in {config_path} (ignored)"
        for key in file_values
        if key not in _BY_KEY
    ]
    for option in OPTIONS:
        if option.key in flags:
            values[option.key] = _parse(
                option, flags[option.key], f"--{option.key.replace('_', '-')}"
            )
            sources[option.key] = "flag"
        elif env.get(option.env_var, "").strip():
            values[option.key] = _parse(option, env[option.env_var], option.env_var)
            sources[option.key] = "env"
        elif option.key in file_values:
            values[option.key] = _parse(
                option, file_values[option.key], f"{option.key} in {config_path}"
            )
            sources[option.key] = "file"
        else:
            values[option.key] = option.default
            sources[option.key] = "default"

    if home and sources["data_dir"] != "flag":
        values["data_dir"], sources["data_dir"] = Path(home).expanduser(), "env"
    if values["data_dir"] is None:
        values["data_dir"] = paths.default_data_dir()
    if values["user"] is None:
        values["user"], sources["user"] = _login_name(), "login"
    values["data_dir"] = Path(values["data_dir"]).expanduser().resolve()
    return Settings(
        **values,
        config_path=config_path,
        sources=sources,
        warnings=tuple(warnings),
    )
