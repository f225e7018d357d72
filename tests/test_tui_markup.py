"""Text from notes is shown in the TUI as written, never read as markup."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult

from learnplat.screens.learn_views import FollowUpList

HOSTILE = "What is [b]bold[/b] or [link=http://evil.example/]this[/link]?"


class _Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield FollowUpList(id="questions")


def test_suggested_questions_show_brackets_as_written() -> None:
    async def scenario() -> None:
        app = _Harness()
        async with app.run_test() as pilot:
            questions = app.query_one(FollowUpList)
            questions.show_questions([HOSTILE])
            await pilot.pause()
            shown = str(questions.get_option_at_index(0).prompt)
            assert shown == HOSTILE

    asyncio.run(scenario())
