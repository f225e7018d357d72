"""The everyday words a learner asks with, and the words notes say the same thing with.

A learner asks "Why should assessments happen so often?" of notes that say "assessments should
be frequent", and "How did triple time come about?" of a book where it "arose from the dance".
Each group below holds words that stand for one another in plain English across subjects; a
question's word brings the others of its groups into the search at a share of their weight
(``answer.PARAPHRASE_SHARE``), so the notes' wording counts without outweighing the learner's.
Only general words belong here: a subject's terms are matched as written.
"""

from __future__ import annotations

import re
from functools import cache

from .defining import root, stems_of
from .text import stem

# Each line one group; a phrase of several words is recognised in the question only.
_GROUPS = """
often, frequent, frequently, regularly, repeatedly, so often
keep, kept, hold, held, retain, store
cheap, inexpensive, commodity, affordable, low-cost
start, begin, began, begun, commence, initially
come about, came about, arise, arises, arose, arisen, originate, originated, emerge, emerged,
    came from, come from, get started, got started
pick, choose, chose, chosen, select, prefer, opt
raise, increase, rise, rose, grow, grew, higher, boost
lower, decrease, reduce, drop, decline, diminish
fast, quick, quickly, rapid, rapidly, speed
slow, slowly, sluggish
big, large, huge, enormous
small, little, tiny
show, demonstrate, prove
need, require, necessary
stop, prevent, halt
end, finish, terminate
one after the other, in a row, chaining, chain, chained, sequence, series
split, divide, partition
join, combine, merge
check, verify, validate
hard, difficult
easy, simple, straightforward
wrong, incorrect, mistaken
old, ancient
get, obtain, receive, acquire
find, discover, detect
change, alter, modify, vary
stay, remain, persist
enough, sufficient, adequate
whole, entire
copy, replica, duplicate, replicate
send, transmit
idea, notion, concept
fall flat, fail, fails, failed, ineffective
out of date, outdated, old-fashioned, obsolete
beginner, beginners, novice, novices, newcomer
"""


@cache
def _groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Each group's members, each as its words lower-cased."""
    groups = []
    for block in re.split(r"\n(?!\s)", _GROUPS.strip()):
        members = [" ".join(m.split()).lower() for m in block.split(",") if m.strip()]
        groups.append(tuple(tuple(member.split()) for member in members))
    return tuple(groups)


def paraphrases(question: str) -> dict[str, str]:
    """The stems of the words that say what the question's everyday words say, each with the
    member of the group it stands for; the question's own words are left out."""
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", question.lower())
    said = {stem(root(word)) for word in words}
    found: dict[str, str] = {}
    for group in _groups():
        if not any(_contains(words, member) for member in group):
            continue
        for member in group:
            if len(member) != 1:
                continue  # notes are matched word by word
            for item in stems_of(member[0]):
                if item not in said:
                    found.setdefault(item, member[0])
    return found


def _contains(words: list[str], member: tuple[str, ...]) -> bool:
    size = len(member)
    return any(tuple(words[i : i + size]) == member for i in range(len(words) - size + 1))


def everyday(word: str) -> bool:
    """A word of the groups: one a learner asks with ("pick"), which may mean something else in
    the notes ("picks up the job")."""
    lowered = word.lower()
    return any((lowered,) in group for group in _groups())
