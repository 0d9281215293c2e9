"""`blank`: a missing word or phrase, typed; accepted answers come from the bank.

Typed answers are matched forgivingly (`refresher.kinds.textmatch`): the words printed around
the blank may be repeated, plurals, one typo in a long word and numbers as words are accepted.
"""

from __future__ import annotations

from typing import Any

from refresher.core.errors import InputError
from refresher.core.model import Outcome, Question
from refresher.kinds import textmatch
from refresher.kinds.base import Kind
from refresher.kinds.fields import Fields, as_text


class BlankQuestion(Question):
    answers: tuple[str, ...] = ()  # accepted answers; the first is the one shown

    type = "blank"


def around_blank(prompt: str) -> tuple[str, str]:
    """The prompt's text before and after its first `____`, or the whole prompt before."""
    mark = textmatch.BLANK_MARK.search(prompt)
    if mark is None:
        return prompt, ""
    return prompt[: mark.start()], prompt[mark.end() :]


def graded(text: str, answers: tuple[str, ...], before: str, after: str) -> dict[str, Any]:
    """One typed answer against its accepted ones: ok, and what feedback needs to say."""
    found = textmatch.match(text, answers, before, after)
    out: dict[str, Any] = {"ok": found.ok, "nearest": found.nearest}
    if found.note:
        out["note"] = found.note
    if not found.ok:
        segments = textmatch.diff(text, found.nearest)
        if segments:
            out["diff"] = segments
    return out


class Blank(Kind, model=BlankQuestion, keys={"prompt", "answer"}, hint="the missing word(s)"):
    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        prompt = f.text("prompt")
        if not f.require("answer"):
            return None
        raw = f.item["answer"]
        if isinstance(raw, list):
            answers = f.texts(raw, "answer")
        else:
            one = as_text(raw)
            if not one:
                f.problem("answer", "'answer' must be text or a list of accepted texts")
                return None
            answers = (one,) if f.checked(one, "answer") else None
        if not answers or prompt is None:
            return None
        return BlankQuestion(prompt=prompt, answers=answers, **common)

    def grade(self, item: Any, text: str) -> Outcome:
        q: BlankQuestion = item.question
        if not textmatch.fold(text):
            raise InputError("type the missing word(s), or s to skip")
        result = graded(text, q.answers, *around_blank(q.prompt))
        detail: dict[str, Any] = {"accepted": list(q.answers)}
        if "note" in result:
            detail["note"] = result["note"]
        if "diff" in result:
            detail["diff"] = result["diff"]
        return Outcome(
            correct=result["ok"], given=text.strip(), expected=q.answers[0], detail=detail
        )

    def answer(self, item: Any) -> Any:
        return list(item.question.answers)

    def answer_text(self, item: Any) -> str:
        return item.question.answers[0]


KIND = Blank()
