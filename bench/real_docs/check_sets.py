"""Check the hand-written question sets against the raw text of the corpus documents.

Every ``evidence`` quote must occur in its document (on the given PDF page, when one is given),
and no out-of-scope question's ``absent`` words may occur anywhere in it. Reads the documents
with the raw libraries (pypdfium2, python-docx, plain decoding), not with learnplat's extractor,
so the sets do not depend on the code they measure.

    .venv/bin/python bench/real_docs/check_sets.py [--corpus ../shared/corpus] [set.json ...]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETS = HERE / "sets"
DEFAULT_CORPUS = HERE.parents[2] / "shared" / "corpus"


def normalise(text: str) -> str:
    """Lower case, soft hyphens joined, every run of non-alphanumerics one space."""
    # Accents go: a learner types "Schrödinger", TeX's PDF says "Schr¨odinger".
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub("[\u00a8\u00b4\u0060\u02c6\u02dc\u00b8\u02d8\u02c7]", "", text)
    text = re.sub("[\x02\ufffe\xad]\\s*", "", text)
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


@lru_cache(maxsize=32)
def raw_pages(path: Path) -> tuple[str, ...]:
    """The document's text: one string per PDF page, or one string for the whole file."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(path))
        pages = []
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            pages.append(textpage.get_text_range())
        return tuple(pages)
    if suffix == ".docx":
        from docx import Document

        document = Document(str(path))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts += [cell.text for row in table.rows for cell in row.cells]
        return ("\n".join(parts),)
    data = path.read_bytes()
    try:
        return (data.decode("utf-8"),)
    except UnicodeDecodeError:
        return (data.decode("latin-1"),)


def find(quote: str, pages: tuple[str, ...]) -> list[int]:
    wanted = normalise(quote)
    return [number for number, text in enumerate(pages, 1) if wanted in normalise(text)]


def check(set_path: Path, corpus: Path) -> list[str]:
    spec = json.loads(set_path.read_text())
    document = corpus / spec["document"]
    problems: list[str] = []
    if not document.exists():
        return [f"{set_path.name}: no document {document}"]
    pages = raw_pages(document)
    whole = normalise(" ".join(pages))
    for number, item in enumerate(spec.get("ask", []), 1):
        quotes = item["evidence"] if isinstance(item["evidence"], list) else [item["evidence"]]
        found: list[int] = []
        for quote in quotes:
            where = find(quote, pages)
            found += where
            if not where:
                problems.append(f"ask {number}: evidence not in the document: {quote!r}")
        # Alternatives may stand on other pages; the stated page must hold one of them.
        if found and item.get("page") and len(pages) > 1 and item["page"] not in found:
            problems.append(f"ask {number}: evidence is on page(s) {found}, not {item['page']}")
        for phrase in item["expect"]:
            if normalise(phrase) not in whole:
                problems.append(f"ask {number}: expected phrase not in the document: {phrase!r}")
    for number, item in enumerate(spec.get("out_of_scope", []), 1):
        for word in item.get("absent", []):
            if re.search(rf"\b{re.escape(normalise(word))}\b", whole):
                problems.append(f"out_of_scope {number}: {word!r} does occur in the document")
    for number, item in enumerate(spec.get("teach", []), 1):
        for key in ("topic", "good", "thin", "wrong"):
            if not item.get(key):
                problems.append(f"teach {number}: missing {key}")
    return [f"{set_path.name}: {p}" for p in problems]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    paths = args.sets or sorted(SETS.glob("*.json"))
    problems = [problem for path in paths for problem in check(path, args.corpus)]
    for problem in problems:
        print(problem)
    print(f"{len(paths)} set(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
