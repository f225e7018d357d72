"""The offline engine on real study documents: answers, quizzes, lessons and Teach Back grades.

Ingests the documents of ``../shared/corpus`` (never copied into the repository) into a
temporary library and measures, per document and overall, against the hand-written question
sets in ``bench/real_docs/sets/`` (see bench/real_docs/README.md):

- ask: correct with the right page; false "not covered" (search finds the answer's page);
  "not covered" naming a word the notes contain; out-of-scope questions answered "not covered";
- quizzes from notes: questions served per document of 500+ words, and the share passing the
  sanity rules (bench/lesson_lint.py);
- lessons (every level x format, from the whole document and on the set's topics): defects
  (contents lines, garbled headings, fragments, raw HTML, empty or duplicated sections) and
  whether grade and length rise with the level;
- Teach Back: good > thin > wrong, and wrong < thin, on the hand-written triples.

Run: .venv/bin/python bench/real_docs.py [--corpus DIR] [--only STEM ...] [--show]
     [--skip lessons,quiz,teach,ask] [--words-only] [--whole-library]
``--show`` prints what a student would read: every answer, served question and lesson defect.
``--whole-library`` asks as ``learnplat ask`` does without ``--doc``, every document of the corpus
in the library (an answer counts only from the question's document, so documents that overlap,
like the d3 handout as DOCX and as PDF, lower it; an out-of-scope question of one document may be
in scope of another).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import ROOT, report
from lesson_lint import lesson_defects, normalise, question_defect

from learnplat.core import Session
from learnplat.errors import LearnplatError
from learnplat.services.learning import source_of
from learnplat.services.question_check import check_all
from learnplat.services.question_sets import CANDIDATES
from learnplat.settings import load_settings
from learnplat.tutors import readability

SETS = ROOT / "bench" / "real_docs" / "sets"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
LEVELS = ("beginner", "intermediate", "advanced")
FORMATS = ("chat", "visual", "audio", "ebook")
QUIZ_MIN_WORDS = 500
_QUOTED = re.compile(r"“([^”]+)”")


class DocumentRun:
    """One document of the corpus in the temporary library, with its text by page."""

    def __init__(self, platform: Session, doc_id: int) -> None:
        self.platform = platform
        self.info = platform.library.document(doc_id)
        self.passages = platform.library.passages(doc_id)
        pages: dict[int, list[str]] = {}
        for passage in self.passages:
            pages.setdefault(passage.page, []).append(passage.text)
        self.page_text = {page: normalise(" ".join(texts)) for page, texts in pages.items()}
        self.whole = " ".join(self.page_text.values())

    def page_has(self, page: int | None, quotes: list[str]) -> bool:
        text = self.page_text.get(page or -1, "")
        return any(normalise(quote) in text for quote in quotes)


def evidence_of(item: dict[str, Any]) -> list[str]:
    evidence = item["evidence"]
    return evidence if isinstance(evidence, list) else [evidence]


def run_ask(
    run: DocumentRun, spec: dict[str, Any], show: bool, whole_library: bool = False
) -> dict[str, Any]:
    learning, library = run.platform.learning, run.platform.library
    scope = [] if whole_library else [run.info.id]
    tally: Counter[str] = Counter()
    for item in spec.get("ask", []):
        answer = learning.ask(item["question"], doc_ids=scope)
        quotes = evidence_of(item)
        text = normalise(answer.text)
        said = any(normalise(phrase) in text for phrase in item["expect"])
        cited = any(
            c.doc_id == run.info.id and run.page_has(c.page, quotes) for c in answer.citations
        )
        if not answer.found:
            hits = library.search(item["question"], doc_id=run.info.id, limit=3)
            findable = any(run.page_has(hit.page, quotes) for hit in hits)
            verdict = "false not covered" if findable else "not covered"
            named = [w for w in _QUOTED.findall(answer.text) if normalise(w) in run.whole.split()]
            if named:
                tally["not covered naming a word the notes contain"] += 1
        elif said and cited:
            verdict = "correct"
        elif said or cited:
            verdict = "partly"
        else:
            verdict = "wrong"
        tally[verdict] += 1
        tally["questions"] += 1
        if show:
            pages = ", ".join(str(c.page) for c in answer.citations)
            print(f"\n  [{verdict}] Q: {item['question']}  (want p. {item.get('page', '-')}: "
                  f"{' / '.join(quotes)[:80]!r}, saying {' / '.join(item['expect'])!r})")
            print(f"    A (p. {pages}): {answer.text[:600]}")
    for item in spec.get("out_of_scope", []):
        answer = learning.ask(item["question"], doc_ids=scope)
        tally["out of scope"] += 1
        tally["out of scope honest"] += not answer.found
        if show and answer.found:
            print(f"\n  [answered out of scope] Q: {item['question']}\n    A: {answer.text[:300]}")
    return dict(tally)


def run_quiz(run: DocumentRun, show: bool) -> dict[str, Any] | None:
    if run.info.words < QUIZ_MIN_WORDS:
        return None
    sources = [source_of(passage) for passage in run.passages]
    quiz = run.platform.learning.tutor.quiz(sources, CANDIDATES)
    kept = check_all(quiz.questions, {s.passage_id: s.text for s in sources}, run.info.title).kept
    subject = run.info.title
    failing = []
    for question in kept:
        reason = question_defect(question, subject)
        if reason:
            failing.append((reason, question))
    if show:
        print(f"\n  quiz: {len(kept)} served, {len(failing)} failing the sanity rules")
        bad = {id(q) for _reason, q in failing}
        for question in kept:
            mark = "x" if id(question) in bad else " "
            print(f"   [{mark}] {question.question}")
            print(f"        options: {' | '.join(question.options)}  answer: {question.answer}")
        for reason, question in failing:
            print(f"   fails: {reason}: {question.question[:90]}")
    return {"served": len(kept), "failing": len(failing)}


def _lesson_body(lesson: Any) -> str:
    return " ".join(
        s.text
        for section in lesson.all_sections()
        for paragraph in section.paragraphs
        for s in paragraph
        if s.citations
    )


def run_lessons(run: DocumentRun, spec: dict[str, Any], show: bool) -> dict[str, Any]:
    learning = run.platform.learning
    tally: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    rising_fail = []
    words: dict[str, list[int]] = {level: [] for level in LEVELS}
    requests: list[tuple[str | None, str]] = [(None, "whole document")]
    requests += [(topic, topic) for topic in spec.get("lesson_topics", [])]
    for topic, label in requests:
        for format in FORMATS:
            grades, lengths, counts = [], [], []
            for level in LEVELS:
                try:
                    lesson = learning.lesson(
                        topic, doc_ids=[run.info.id], level=level, format=format, use_cache=False
                    )
                except LearnplatError as error:
                    tally["refused"] += 1
                    if show:
                        print(f"\n  [refused] {label} {level} {format}: {error.message}")
                    break
                tally["lessons"] += 1
                defects = lesson_defects(lesson)
                tally["with defects"] += bool(defects)
                for reason, _text in defects:
                    reasons[reason.split(" (")[0]] += 1
                if show and defects:
                    print(f"\n  [{len(defects)} defects] {label} / {level} / {format}")
                    for reason, text in defects[:8]:
                        print(f"    - {reason}: {text[:110]}")
                if format == "chat":
                    body = _lesson_body(lesson)
                    counts.append(len(readability.sentences(body)) if body else 0)
                    grades.append(readability.flesch_kincaid_grade(body))
                    lengths.append(len(body.split()))
                    words[level].append(len(body.split()))
                    tally["empty"] += not body.strip()
            # Notes with fewer than three sentences on a topic cannot teach it three ways.
            if len(grades) == 3 and counts[2] < 3:
                tally["too few sentences to differ"] += 1
            elif len(grades) == 3 and not (
                grades[0] < grades[1] < grades[2] and lengths[0] < lengths[1] < lengths[2]
            ):
                rising_fail.append(f"{label}: grades {grades}, words {lengths}")
    if show and rising_fail:
        for line in rising_fail:
            print(f"\n  [grade/length not rising] {line}")
    return {
        **dict(tally),
        "defects": sum(reasons.values()),
        "reasons": dict(reasons.most_common()),
        "not rising": len(rising_fail),
        "words": {level: round(sum(w) / len(w)) if w else 0 for level, w in words.items()},
    }


def run_teach(run: DocumentRun, spec: dict[str, Any], show: bool) -> dict[str, Any]:
    teachback = run.platform.teachback
    tally: Counter[str] = Counter()
    for item in spec.get("teach", []):
        try:
            reference = teachback.reference(item["topic"], "intermediate", [run.info.id])
        except LearnplatError as error:
            tally["no reference"] += 1
            if show:
                print(f"\n  [no reference] {item['topic']}: {error.message}")
            continue
        scores = {
            kind: teachback.grader.grade(reference, item[kind], "intermediate")
            for kind in ("good", "thin", "wrong")
        }
        good, thin, wrong = (scores[k].score for k in ("good", "thin", "wrong"))
        tally["triples"] += 1
        tally["good > thin > wrong"] += good > thin > wrong
        tally["wrong < thin"] += wrong < thin
        tally["wrong flagged"] += any("reference says" in f for f in scores["wrong"].feedback)
        if show:
            print(f"\n  teach {item['topic']!r}: good {good}, thin {thin}, wrong {wrong}")
            for line in scores["wrong"].feedback[:4]:
                print(f"    wrong's feedback: {line[:160]}")
    return dict(tally)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--skip", default="")
    parser.add_argument("--name", default="real_docs")
    parser.add_argument(
        "--whole-library",
        action="store_true",
        help="ask with every document in the library, as `learnplat ask` does without --doc "
        "(every document is ingested first; the answer must come from the question's document)",
    )
    parser.add_argument(
        "--words-only",
        action="store_true",
        help="as installed without learnplat[semantic]: no ranking or grading by meaning",
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    specs = [json.loads(path.read_text()) for path in sorted(SETS.glob("*.json"))]
    specs = [
        s for s in specs if not args.only or {s["document"], Path(s["document"]).stem} & set(args.only)
    ]
    per_doc: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tiers = {"semantic_search": False, "semantic_grading": False} if args.words_only else {}
        settings = load_settings({"data_dir": Path(tmp), "user": "bench", **tiers})
        with Session.open(settings) as platform:
            if args.whole_library:
                for spec in specs:
                    try:
                        platform.library.ingest(args.corpus / spec["document"])
                    except Exception:  # reported (as failing to ingest) below
                        continue
            for spec in specs:
                name = spec["document"]
                try:
                    document = platform.library.ingest(args.corpus / spec["document"]).document
                except Exception as error:  # a bug in extraction is a figure here, not a stop
                    per_doc[name] = {"ingest": f"failed: {error!r}"[:200]}
                    print(f"{name}: ingest failed: {error!r}")
                    continue
                assert document is not None
                run = DocumentRun(platform, document.id)
                if args.show:
                    print(f"\n=== {name} (#{run.info.id}, {run.info.words} words) ===")
                row: dict[str, Any] = {"words": run.info.words}
                if "ask" not in skip:
                    row["ask"] = run_ask(run, spec, args.show, args.whole_library)
                if "quiz" not in skip:
                    row["quiz"] = run_quiz(run, args.show)
                if "lessons" not in skip:
                    row["lessons"] = run_lessons(run, spec, args.show)
                if "teach" not in skip:
                    row["teach"] = run_teach(run, spec, args.show)
                per_doc[name] = row
    elapsed = time.perf_counter() - started
    rows, overall = summarise(per_doc)
    report(args.name, rows, {"documents": per_doc, "overall": overall, "seconds": elapsed})
    return 0


def _sum(per_doc: dict[str, dict[str, Any]], part: str, key: str) -> int:
    return sum((row.get(part) or {}).get(key, 0) for row in per_doc.values())


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "-"


def summarise(per_doc: dict[str, dict[str, Any]]) -> tuple[list[tuple[str, str]], dict]:
    rows: list[tuple[str, str]] = []
    for name, row in per_doc.items():
        if "ingest" in row:
            rows.append((name, row["ingest"]))
            continue
        parts = []
        ask = row.get("ask")
        if ask:
            parts.append(f"ask {ask.get('correct', 0)}/{ask['questions']}")
            parts.append(f"false-nc {ask.get('false not covered', 0)}")
            parts.append(f"oos {ask.get('out of scope honest', 0)}/{ask.get('out of scope', 0)}")
        quiz = row.get("quiz")
        if quiz:
            parts.append(f"quiz {quiz['served'] - quiz['failing']}/{quiz['served']} ok")
        lessons = row.get("lessons")
        if lessons:
            sizes = "/".join(str(n) for n in lessons["words"].values())
            parts.append(
                f"lessons {lessons.get('with defects', 0)}/{lessons.get('lessons', 0)} defective"
                f" ({lessons['defects']} defects, {lessons['not rising']} not rising,"
                f" {lessons.get('empty', 0)} empty, words {sizes})"
            )
        teach = row.get("teach")
        if teach:
            parts.append(
                f"teach {teach.get('good > thin > wrong', 0)}/{teach.get('triples', 0)} ordered,"
                f" {teach.get('wrong < thin', 0)} wrong<thin"
            )
        rows.append((name, ", ".join(parts)))
    questions = _sum(per_doc, "ask", "questions")
    overall = {
        "ask correct": _sum(per_doc, "ask", "correct"),
        "ask partly": _sum(per_doc, "ask", "partly"),
        "ask questions": questions,
        "false not covered": _sum(per_doc, "ask", "false not covered"),
        "not covered": _sum(per_doc, "ask", "not covered"),
        "not covered naming a word in the notes": _sum(
            per_doc, "ask", "not covered naming a word the notes contain"
        ),
        "out of scope honest": _sum(per_doc, "ask", "out of scope honest"),
        "out of scope": _sum(per_doc, "ask", "out of scope"),
        "quiz served": _sum(per_doc, "quiz", "served"),
        "quiz failing": _sum(per_doc, "quiz", "failing"),
        "quiz documents under 8": sum(
            1 for row in per_doc.values() if row.get("quiz") and row["quiz"]["served"] < 8
        ),
        "lessons": _sum(per_doc, "lessons", "lessons"),
        "lessons with defects": _sum(per_doc, "lessons", "with defects"),
        "lesson defects": _sum(per_doc, "lessons", "defects"),
        "lessons refused": _sum(per_doc, "lessons", "refused"),
        "lesson levels not rising": _sum(per_doc, "lessons", "not rising"),
        "lessons empty (chat)": _sum(per_doc, "lessons", "empty"),
        "lesson sets too small to differ": _sum(per_doc, "lessons", "too few sentences to differ"),
        "teach triples": _sum(per_doc, "teach", "triples"),
        "teach ordered": _sum(per_doc, "teach", "good > thin > wrong"),
        "teach wrong < thin": _sum(per_doc, "teach", "wrong < thin"),
        "teach wrong flagged": _sum(per_doc, "teach", "wrong flagged"),
        "ingest failed": sum(1 for row in per_doc.values() if "ingest" in row),
    }
    reasons: Counter[str] = Counter()
    for row in per_doc.values():
        reasons.update((row.get("lessons") or {}).get("reasons", {}))
    overall["lesson defect reasons"] = dict(reasons.most_common())
    o = overall
    rows += [
        ("— overall —", ""),
        ("ask correct + right page", _pct(o["ask correct"], questions)),
        ("ask partly", _pct(o["ask partly"], questions)),
        ("false 'not covered'", str(o["false not covered"])),
        ("'not covered' naming a word in the notes", str(o["not covered naming a word in the notes"])),
        ("out of scope answered 'not covered'", _pct(o["out of scope honest"], o["out of scope"])),
        ("quiz questions passing the rules", _pct(o["quiz served"] - o["quiz failing"], o["quiz served"])),
        ("quiz documents (500+ words) under 8", str(o["quiz documents under 8"])),
        ("lessons with a defect", _pct(o["lessons with defects"], o["lessons"])),
        ("lesson defects", f"{o['lesson defects']} {dict(reasons.most_common(8))}"),
        ("lessons refused", str(o["lessons refused"])),
        ("lesson sets not rising in grade/length", str(o["lesson levels not rising"])),
        ("chat lessons with nothing from the notes", str(o["lessons empty (chat)"])),
        ("lesson sets on under 3 sentences (cannot rise)", str(o["lesson sets too small to differ"])),
        ("teach good > thin > wrong", _pct(o["teach ordered"], o["teach triples"])),
        ("teach wrong < thin", _pct(o["teach wrong < thin"], o["teach triples"])),
        ("teach wrong flagged", _pct(o["teach wrong flagged"], o["teach triples"])),
        ("documents failing to ingest", str(o["ingest failed"])),
    ]
    return rows, overall


if __name__ == "__main__":
    sys.exit(main())
