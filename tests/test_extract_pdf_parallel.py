"""A long PDF is read by several processes at once: the same document as read by one, and read
anyway when a process cannot be had."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from learnplat.services.extract import Extracted, extract
from learnplat.services.extract import pdf as pdf_reader
from tests.corpus import make_long_pdf, real_document

pytestmark = pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2, reason="reading in parallel needs two cores"
)


def read(path: Path) -> Extracted:
    return extract(path.read_bytes(), path.name)


@pytest.fixture
def warnings_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The extraction log's warnings, though the CLI's log set-up (in another test of this
    process) stops them reaching the root logger."""
    logger = logging.getLogger("learnplat.extract")
    logger.addHandler(caplog.handler)
    with caplog.at_level(logging.WARNING, logger="learnplat.extract"):
        yield caplog
    logger.removeHandler(caplog.handler)


def read_in_one_process(path: Path, monkeypatch: pytest.MonkeyPatch) -> Extracted:
    with monkeypatch.context() as patch:
        patch.setattr(pdf_reader, "MAX_WORKERS", 1)
        return read(path)


def test_a_long_real_book_read_in_parallel_is_the_book_read_page_by_page(
    monkeypatch: pytest.MonkeyPatch, warnings_logged: pytest.LogCaptureFixture
) -> None:
    path = real_document("whitehead-introduction-to-mathematics.pdf")
    assert pdf_reader._workers_for(200) >= 2  # this book is read by two processes or more
    parallel = read(path)
    assert "in parallel failed" not in warnings_logged.text
    serial = read_in_one_process(path, monkeypatch)
    assert parallel == serial
    # Page labels, footnote marks and running heads survive the cut between the runs.
    assert {unit.number: unit.label for unit in parallel.units}[61] == "57"


def test_each_process_reads_its_own_run_of_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_long_pdf(tmp_path / "book.pdf", pages=130)
    monkeypatch.setattr(pdf_reader, "PAGES_PER_WORKER", 40)
    monkeypatch.setattr(pdf_reader, "_workers_for", lambda pages: 3)  # three runs on two cores
    parallel = read(path)
    serial = read_in_one_process(path, monkeypatch)
    assert parallel == serial
    assert [unit.number for unit in parallel.units] == list(range(1, 131))


def _die(*_args: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_that_dies_leaves_the_book_read_page_by_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warnings_logged: pytest.LogCaptureFixture
) -> None:
    path = make_long_pdf(tmp_path / "book.pdf", pages=120)
    serial = read_in_one_process(path, monkeypatch)
    # The forked worker runs this module as patched here: it kills itself, for real.
    monkeypatch.setattr(pdf_reader, "_read_run", _die)
    survived = read(path)
    assert "in parallel failed" in warnings_logged.text
    assert survived == serial
