"""Settings, by precedence: CLI flags, then LEARNPLAT_* env vars, the TOML file, defaults."""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .errors import ConfigError

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


def _user(value: Any) -> str:
    name = str(value).strip()
    if not _USER_RE.match(name):
        raise ValueError(
            "must be 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return name


def _path(value: Any) -> Path:
    return Path(str(value)).expanduser()


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
)
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
    sources: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    def as_dict(self) -> dict[str, Any]:
        return {
            "data_dir": str(self.data_dir),
            "user": self.user,
            "provider": self.provider,
            "max_file_mb": self.max_file_mb,
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
    return Settings(
        data_dir=Path(values["data_dir"]).expanduser().resolve(),
        user=values["user"],
        provider=values["provider"],
        max_file_mb=values["max_file_mb"],
        config_path=config_path,
        sources=sources,
        warnings=tuple(warnings),
    )
