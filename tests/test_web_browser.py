"""The web mode in a real browser: Debian's Chromium, driven by Playwright, against a real
``learnplat serve`` (gunicorn, two workers) on 127.0.0.1 with a LEARNPLAT_HOME of its own.

One flow, as two people would use it: sign up, upload notes, search them and open the cited
page; learn (a chat lesson streamed in, then a visual one with its concept map); play a round
of challenges by keyboard and by mouse; teach back and get a grade; then another account
upvotes that explanation and the Teach Back board moves. Every page must run under our
Content-Security-Policy (script-src/style-src 'self': no inline script, style or handler) and
without a script error.

It is one test, not several sharing module state: pytest-xdist (``-n auto``) hands a module's
tests to different workers, and each worker would start a server of its own, empty.

Full-page screenshots of each page go to the module's tmp dir (run with ``-s`` to see where),
for a person to look at.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import require_program

pytestmark = pytest.mark.system

REPO = Path(__file__).resolve().parents[1]
SAMPLE_PDF = REPO / "data" / "samples" / "cellular-respiration.pdf"
# This machine's network is closed: Chromium's background traffic would only fill the logs
# with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 20
WAIT_MS = 10_000  # each auto-waiting assertion; a lesson gets twice that
LESSON_MS = 20_000
PASSWORD = "correct horse battery"
EXPLANATION = (
    "Photosynthesis is how plants, algae and some bacteria turn light energy into chemical "
    "energy. In the chloroplasts, chlorophyll in the thylakoid membranes absorbs sunlight. "
    "The light reactions split water, release oxygen and make ATP and NADPH. Then the Calvin "
    "cycle in the stroma uses that ATP and NADPH to fix carbon dioxide into sugar, with the "
    "enzyme RuBisCO doing the carbon fixation. The glucose made this way feeds the plant."
)


# the server and the browser -------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``learnplat serve`` on a free port, in a home of its own; its URL."""
    require_program("chromium")  # no browser: no point starting the server
    require_program("espeak-ng")  # the audio lesson is spoken in the page
    home = tmp_path_factory.mktemp("serve-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNPLAT_")}
    env["LEARNPLAT_HOME"] = str(home)
    port = free_port()
    log = home.parent / f"{home.name}.log"
    command = [sys.executable, "-m", "learnplat", "serve", "--port", str(port), "--workers", "2"]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"learnplat serve exited with {process.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/login", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:  # URLError too: refused while gunicorn starts
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"learnplat serve did not answer on {url} within {START_TIMEOUT_S} s:\n"
                    f"{log.read_text()}"
                )
            time.sleep(0.1)
        yield url
    finally:
        stop(process)
        # Shown with the test's output when it fails: what the server logged meanwhile.
        print(f"learnplat serve ended with {process.returncode}; its log:\n{log.read_text()}")


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    path = require_program("chromium")
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


@dataclass
class Tab:
    """One person: a browser context of their own (cookies), its page, and what went wrong."""

    page: Page
    shots: Path
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def check_clean(self) -> None:
        """Nothing the Content-Security-Policy blocked, no script error, no failed request."""
        blocked = [m for m in self.console_errors if "Content Security Policy" in m]
        assert not blocked, blocked
        assert not self.page_errors, self.page_errors
        # Nor any other error in the console: a failed request (a 404, a 500) shows there.
        assert not self.console_errors, self.console_errors


def open_tab(browser: Browser, server: str, shots: Path) -> Tab:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    tab = Tab(page, shots)
    page.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.page_errors.append(f"{page.url}: {e}"))
    return tab


# the steps ------------------------------------------------------------------------------
def sign_up(tab: Tab, name: str) -> None:
    page = tab.page
    page.goto("/signup")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/library$"))
    expect(page.locator("header .me")).to_have_text(name)


def upload_and_search(tab: Tab) -> None:
    page = tab.page
    expect(page.get_by_text("No documents yet")).to_be_visible()
    page.locator("#upload input[type=file]").set_input_files(SAMPLE_PDF)
    page.get_by_role("button", name="Upload").click()
    # The script uploads, then reloads: the document is listed, and the page says so.
    row = page.locator("table.docs tbody tr")
    expect(row).to_have_count(1, timeout=LESSON_MS)
    expect(row).to_contain_text("cellular-respiration.pdf")
    expect(page.locator("#messages")).to_have_text(re.compile(r"^Added Cellular respiration"))
    tab.shot("library")

    page.get_by_label("Search").fill("ATP")
    page.get_by_role("button", name="Search").click()
    hit = page.locator("ol.hits li").first
    expect(hit.locator(".snippet")).to_contain_text("ATP")
    link = hit.get_by_role("link")
    cited = link.inner_text()  # "Cellular respiration: study notes, page 3"
    tab.shot("library-search")
    link.click()
    expect(page).to_have_url(re.compile(r"/library/\d+/pages/\d+\?mark=ATP$"))
    number = re.search(r"/pages/(\d+)", page.url)
    assert number and cited.endswith(f"page {number.group(1)}"), (cited, page.url)
    expect(page.locator(".page-text mark").first).to_have_text("ATP")  # found, marked
    tab.shot("library-page")


# Notes each length the streamed text has as it grows (through the devtools protocol, which
# the page's CSP does not govern).
STREAM_WATCH = """() => {
  const stream = document.getElementById("lesson-stream");
  window.streamedLengths = [];
  new MutationObserver(() => {
    if (stream.textContent) window.streamedLengths.push(stream.textContent.length);
  }).observe(stream, { childList: true, characterData: true, subtree: true });
}"""


def learn(tab: Tab) -> None:
    page = tab.page
    lesson = page.locator("#lesson")
    body = page.locator("#lesson-body")
    page.goto("/learn")
    page.get_by_label("Topic").fill("cellular respiration")  # the uploaded notes' topic
    page.get_by_label("Format").select_option("chat")
    page.evaluate(STREAM_WATCH)
    page.get_by_role("button", name="Teach me").click()
    expect(body.get_by_role("heading", level=1)).to_have_text(
        re.compile("cellular respiration", re.I), timeout=LESSON_MS
    )
    expect(lesson).to_have_attribute("aria-busy", "false")
    expect(page.locator("#lesson-stream")).to_be_empty()  # the raw text made way for the page
    # The text came in pieces, each longer than the last, before the lesson was rendered.
    streamed = page.evaluate("window.streamedLengths")
    assert len(streamed) >= 2 and streamed == sorted(streamed), streamed
    expect(body.get_by_role("heading", level=2).first).to_be_visible()
    expect(page.locator("#lesson-status")).to_have_text(re.compile("^beginner · chat"))
    expect(page).to_have_url(
        re.compile(r"/learn\?topic=cellular\+respiration&level=beginner&format=chat")
    )
    expect(page.get_by_role("link", name="Download lesson (Markdown)")).to_be_visible()
    # The sources once, as links to the cited pages; the follow-ups once, as buttons.
    expect(lesson.get_by_role("heading", name="Sources", exact=True)).to_have_count(1)
    expect(lesson.locator("ol.sources a").first).to_have_attribute("href", re.compile("^/library/"))
    expect(lesson.get_by_role("heading", name="You could ask next")).to_have_count(0)
    follow_up = lesson.locator("button.follow-up").first
    question = follow_up.inner_text()
    follow_up.click()
    answer = page.locator("#answers .answer").first
    expect(answer.get_by_role("heading")).to_have_text(question)
    expect(answer.locator(".snippet")).not_to_be_empty()
    tab.shot("learn-chat")

    page.get_by_label("Format").select_option("visual")
    page.get_by_role("button", name="Teach me").click()
    picture = lesson.locator("img.concept-map-img")
    expect(picture).to_be_visible(timeout=LESSON_MS)
    page.wait_for_function(
        "() => { const i = document.querySelector('#lesson img.concept-map-img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    expect(page.locator("#lesson-status")).to_have_text(re.compile("^beginner · visual"))
    expect(page.get_by_role("link", name="Download concept map (SVG)")).to_be_visible()
    # The picture sits under its heading, above the outline that says it in words.
    heading = lesson.get_by_role("heading", name="Concept map", exact=True)
    assert heading.evaluate("h => h.nextElementSibling.matches('img.concept-map-img')")
    expect(lesson.get_by_role("heading", name="Sources", exact=True)).to_have_count(1)
    tab.shot("learn-visual")

    # Audio: the narration spoken by espeak-ng, played in the page, its script shown once.
    page.get_by_label("Format").select_option("audio")
    page.get_by_role("button", name="Teach me").click()
    player = page.locator("audio#narration")
    expect(player).to_have_attribute("src", re.compile("narration.wav"), timeout=LESSON_MS)
    expect(page.locator("#narration-script li").first).not_to_be_empty()
    expect(body.locator("p", has_text=re.compile(r"^\[00:00\]"))).to_have_count(0)
    page.wait_for_function(
        "() => document.querySelector('audio#narration').readyState >= 1", timeout=LESSON_MS
    )
    duration = player.evaluate("a => a.duration")
    assert duration > 5, duration  # the browser read the WAV the server spoke
    # A narrator's line is lit as the audio reaches it (played muted, from 0).
    player.evaluate("a => { a.muted = true; a.currentTime = 0; return a.play(); }")
    expect(page.locator("#narration-script li.speaking")).to_have_count(1, timeout=WAIT_MS)
    tab.shot("learn-audio")


def bank_answers() -> dict[str, str]:
    from learnplat.services.challenge_bank import load_bank

    return {q.question: q.answer for q in load_bank()}


def play_round(tab: Tab, name: str) -> None:
    page = tab.page
    page.goto("/challenges")
    nobody = page.locator("#game-board-empty")
    expect(nobody).to_be_visible()
    page.get_by_role("spinbutton", name="Questions").fill("2")
    page.get_by_role("button", name="Start round").click()
    progress = page.locator("#round-progress")
    options = page.locator("#options button")
    result = page.locator("#answer-result")
    question = page.locator("#question")
    expect(progress).to_have_text("Question 1 of 2")
    expect(options).to_have_count(4)
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d+(\.\d)?$"))

    page.keyboard.press("1")  # keys 1-4 / A-D answer
    expect(result).to_contain_text(re.compile("^(Correct|Not quite)"))
    expect(options.first).to_be_disabled()
    expect(page.locator("#options button.correct")).to_have_count(1)
    tab.shot("challenges-mid-round")

    page.get_by_role("button", name=re.compile("^Next question")).click()
    expect(progress).to_have_text("Question 2 of 2")
    expect(result).to_be_empty()
    # The mouse answers, and right (the bank's answer): with points, ana is on the board.
    right = bank_answers()[question.inner_text()]
    options.filter(has_text=re.compile(rf"^\d\. {re.escape(right)}$")).click()
    expect(result).to_contain_text("Correct: +")
    page.keyboard.press("Enter")  # "See the round (Enter)"
    expect(question).to_have_text(re.compile(r"^Round over: [12] of 2 correct, [1-9]\d* points$"))
    expect(options).to_have_count(0)
    expect(page.locator("#round .countdown")).to_be_hidden()  # no clock, no keys: it is over
    expect(page.locator("#answer-keys")).to_be_hidden()
    points = re.search(r"\d+ points$", question.inner_text())
    assert points
    # The board and the stats, fetched again, say what the round said.
    expect(nobody).to_be_hidden()
    expect(page.locator("#game-board li.me")).to_have_text(f"{name} · {points.group()} · level 1")
    expect(page.locator("#my-stats")).to_contain_text(f" {points.group()} ")
    tab.shot("challenges-end")

    # Notes mode asks for a document instead of a category, and serves questions from it.
    mode = page.get_by_label("Mode")
    expect(page.locator("#field-doc")).to_be_hidden()
    mode.select_option("notes")
    expect(page.locator("#field-doc")).to_be_visible()
    expect(page.locator("#field-category")).to_be_hidden()
    page.get_by_role("spinbutton", name="Questions").fill("1")
    page.get_by_role("button", name="Start round").click()
    expect(progress).to_have_text("Question 1 of 1", timeout=LESSON_MS)
    expect(page.locator("#round-category")).to_contain_text("play")
    expect(options).to_have_count(4)


def teach_back(tab: Tab, name: str) -> int:
    """Teach photosynthesis; the author's points on the board after."""
    page = tab.page
    page.goto("/teach")
    expect(page.get_by_text("No explanations yet")).to_be_visible()
    page.get_by_label("Topic").fill("photosynthesis")
    page.get_by_label("Your explanation").fill(EXPLANATION)
    expect(page.locator("#word-count")).to_have_text(str(len(EXPLANATION.split())))
    page.get_by_role("button", name="Grade my explanation").click()
    grade = page.locator("#grade")
    expect(grade).to_be_in_viewport()  # the page opens at the grade, not the emptied form
    expect(grade.locator(".score")).to_have_text(re.compile(r"^\d+/10 · \d+ points"))
    score = int(grade.locator(".score strong").inner_text())
    assert 3 <= score <= 10, score  # a sound account of the whole process
    rubric = grade.locator(".bar-row")
    expect(rubric.first).to_be_visible()
    assert rubric.count() >= 3
    assert all(
        0 <= float(m.get_attribute("value") or -1) <= 1 for m in rubric.locator("meter").all()
    )
    expect(grade.locator("ul.feedback li").first).to_be_visible()
    mine = page.locator("ol.feed li", has_text=f"by {name}")
    expect(mine).to_contain_text(f"{score}/10")
    expect(mine).to_contain_text("yours")  # no button to upvote oneself
    expect(mine.locator("button.vote")).to_have_count(0)
    tab.shot("teach-graded")
    return board_points(tab, name, upvotes=0)


def board_points(tab: Tab, name: str, upvotes: int) -> int:
    row = tab.page.locator("#teach-board li", has_text=f"{name} · ")
    expect(row).to_have_text(re.compile(rf"^{name} · \d+ points · ▲ {upvotes}$"))
    return int(row.inner_text().split(" · ")[1].split()[0])


def upvote(tab: Tab, author: str, points_before: int) -> int:
    """Upvote the author's explanation; their points on the board after."""
    page = tab.page
    page.goto("/teach")
    vote = page.locator("ol.feed li", has_text=f"by {author}").get_by_role("button")
    assert board_points(tab, author, upvotes=0) == points_before
    expect(vote).to_have_attribute("aria-pressed", "false")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote.locator(".votes")).to_have_text("1")
    # The board was fetched again, without a reload: one more upvote, more points.
    points_after = board_points(tab, author, upvotes=1)
    assert points_after > points_before, (points_before, points_after)
    tab.shot("teach-upvoted")
    page.reload()  # and kept
    expect(vote).to_have_attribute("aria-pressed", "true")
    assert board_points(tab, author, upvotes=1) == points_after
    return points_after


def progress(tab: Tab, teach_points: int) -> None:
    page = tab.page
    page.goto("/progress")
    figures = page.locator("dl.figures")
    expect(figures.first.locator("dt:text-is('Answered') + dd")).to_have_text(re.compile(r"^2 \("))
    expect(figures.nth(1).locator("dt:text-is('Points') + dd")).to_have_text(str(teach_points))
    expect(figures.nth(1).locator("dt:text-is('Upvotes') + dd")).to_have_text("1 received, 0 given")
    expect(page.locator("main section.card > svg")).to_have_count(3)
    tab.shot("progress")


# the flow -------------------------------------------------------------------------------
def test_two_people_learn_play_and_teach_in_the_browser(
    browser: Browser, server: str, shots: Path
) -> None:
    ana = open_tab(browser, server, shots)
    sign_up(ana, "ana")
    upload_and_search(ana)
    ana.check_clean()
    learn(ana)
    ana.check_clean()
    play_round(ana, "ana")
    ana.check_clean()
    points = teach_back(ana, "ana")
    ana.check_clean()

    ben = open_tab(browser, server, shots)
    sign_up(ben, "ben")
    points = upvote(ben, "ana", points)
    ben.check_clean()

    ana.page.goto("/teach")  # ana sees the vote, and her points, too
    expect(ana.page.locator("ol.feed li", has_text="by ana").locator(".votes")).to_have_text("1")
    assert board_points(ana, "ana", upvotes=1) == points
    progress(ana, points)
    ana.check_clean()
