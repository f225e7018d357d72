"""What learnplat has learnt about each model server, kept between runs in the cache dir.

One small JSON file maps a server's base URL to facts found by asking it: which kind of structured
output it accepts. Facts are only hints: losing the file (it is a cache) costs one extra request,
never a wrong result. (A context window a refusal named is kept only for the process: a server
restarted with a larger one would otherwise be under-used for good.)
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger("learnplat.clients")


class ServerMemory:
    """A JSON file of ``{key: {fact: value}}``; ``path`` None keeps facts for this process only."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._facts: dict[str, dict[str, Any]] | None = None

    def get(self, key: str, fact: str) -> Any:
        with self._lock:
            return self._load().get(key, {}).get(fact)

    def put(self, key: str, fact: str, value: Any) -> None:
        with self._lock:
            facts = self._load()
            if facts.get(key, {}).get(fact) == value:
                return
            facts.setdefault(key, {})[fact] = value
            self._save(facts)

    def _load(self) -> dict[str, dict[str, Any]]:
        if self._facts is None:
            self._facts = {}
            if self.path is not None:
                try:
                    loaded = json.loads(self.path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    loaded = {}  # missing or damaged: a cache, asked again
                if isinstance(loaded, dict):
                    self._facts = {k: v for k, v in loaded.items() if isinstance(v, dict)}
        return self._facts

    def _save(self, facts: dict[str, dict[str, Any]]) -> None:
        if self.path is None:
            return
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".servers-")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(facts, out, indent=1, sort_keys=True)
            os.replace(temporary, self.path)
        except OSError as exc:  # a read-only cache dir costs only the memory
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)  # no half-written file left behind
            log.warning("cannot keep what was learnt about model servers in %s: %s", self.path, exc)
