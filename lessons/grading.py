"""Quiz grading, on the server: one learner answer against one question.

Questions are plain dicts shaped like quiz.yaml's entries (lessons/content/README.md),
already validated by the content loader. Answers come from learners and are not trusted:
whatever their type or size, `grade` returns a Grade, never raises. An answer that cannot
be read (`valid=False`) is not an attempt: it reveals neither the explanation nor a hint.
"""

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .goals import GOAL_CHECKS

log = logging.getLogger(__name__)

MAX_ID_LENGTH = 200  # no choice id in the content is near this; longer is not an answer
MAX_NUMBER_LENGTH = 40
MAX_ITEMS = 200  # more entries than any question offers cannot be a right answer


@dataclass(frozen=True)
class Grade:
    correct: bool
    feedback: str
    explanation: str = ""
    partial: float | None = None  # share of the answer that is right, where that means something
    valid: bool = True  # False: the answer could not be read, so it is not counted as an attempt


class Unreadable(Exception):
    """A learner answer that cannot be graded; its message says what to fix."""


def _ids(entries) -> list[str]:
    return [str(entry["id"]) for entry in entries or ()]


def _text(entries, entry_id: str) -> str:
    return next(
        (str(e.get("text", e["id"])) for e in entries or () if str(e["id"]) == entry_id), ""
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- reading learner input ---------------------------------------------------------------------


def _plural_of(what: str) -> str:
    return what.replace("item ", "items ", 1) if what.startswith("item ") else f"{what}s"


def _one_id(value, known: list[str], what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Unreadable(f"Choose one {what}.")
    value = value.strip()
    if len(value) > MAX_ID_LENGTH or value not in known:
        raise Unreadable(f"That is not one of this question's {_plural_of(what)}.")
    return value


def _id_list(value, known: list[str], what: str) -> list[str]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(
        value, (list, tuple, set, frozenset)
    ):
        raise Unreadable(f"Send a list of {what}s.")
    if len(value) > MAX_ITEMS:
        raise Unreadable(f"That is more {what}s than this question has.")
    ids = [_one_id(item, known, what) for item in value]
    if len(set(ids)) != len(ids):
        raise Unreadable(f"Each {what} may appear only once.")
    return ids


def _number(value) -> float:
    if isinstance(value, bool):  # a bool is an int in Python, never a learner's number
        raise Unreadable("Enter a number.")
    if isinstance(value, str):
        value = value.strip()
        if not value or len(value) > MAX_NUMBER_LENGTH:
            raise Unreadable("Enter a number.")
        try:
            value = float(value)
        except ValueError:
            raise Unreadable("Enter a number, like 3 or 2.5.") from None
    if not isinstance(value, (int, float)):
        raise Unreadable("Enter a number.")
    try:
        number = float(value)
    except OverflowError:
        raise Unreadable("That number is too large.") from None
    if not math.isfinite(number):
        raise Unreadable("Enter a finite number.")
    return number


# --- one grader per question type -----------------------------------------------------------


def _single(question: dict, answer) -> tuple[bool, str, float | None]:
    chosen = _one_id(answer, _ids(question.get("choices")), "choice")
    right = chosen == str(question["answer"])
    return right, "Correct." if right else "Not quite.", None


def _multiple(question: dict, answer) -> tuple[bool, str, float | None]:
    chosen = set(_id_list(answer, _ids(question.get("choices")), "choice"))
    if not chosen:
        raise Unreadable("Choose at least one answer.")
    expected = {str(item) for item in question["answer"]}
    hits, wrong, missing = len(chosen & expected), len(chosen - expected), len(expected - chosen)
    if not wrong and not missing:
        return True, "Correct: you chose exactly the right answers.", 1.0
    parts = [
        f"{hits} of your {_plural(len(chosen), 'choice')} {'is' if hits == 1 else 'are'} right"
    ]
    if wrong:
        parts.append(f"{_plural(wrong, 'choice')} should not be chosen")
    if missing:
        parts.append(
            f"{_plural(missing, 'right answer')} {'is' if missing == 1 else 'are'} missing"
        )
    return False, "; ".join(parts) + ".", max(hits - wrong, 0) / len(expected)


def _ordering(question: dict, answer) -> tuple[bool, str, float | None]:
    known = _ids(question.get("items"))
    order = _id_list(answer, known, "item")
    if len(order) != len(known):
        raise Unreadable(f"Put all {len(known)} items in order.")
    expected = [str(item) for item in question["answer"]]
    placed = sum(1 for got, want in zip(order, expected, strict=True) if got == want)
    if placed == len(expected):
        return True, "Correct: every step is in its place.", 1.0
    feedback = f"{placed} of {len(expected)} items are in the right place."
    return False, feedback, placed / len(expected)


def _matching(question: dict, answer) -> tuple[bool, str, float | None]:
    lefts, rights = _ids(question.get("left")), _ids(question.get("right"))
    if not isinstance(answer, Mapping):
        raise Unreadable("Pair each item on the left with one on the right.")
    if len(answer) > MAX_ITEMS:
        raise Unreadable("That is more pairs than this question has.")
    if not all(isinstance(side, str) for pair in answer.items() for side in pair):
        raise Unreadable("Pair each item on the left with one on the right.")
    pairs = {
        _one_id(left, lefts, "item on the left"): _one_id(right, rights, "item on the right")
        for left, right in answer.items()
    }
    if len(pairs) != len(lefts):
        raise Unreadable(f"Pair all {len(lefts)} items on the left.")
    expected = {str(left): str(right) for left, right in question["answer"].items()}
    one_to_one = len(set(expected.values())) == len(expected)
    if one_to_one and len(set(pairs.values())) != len(pairs):
        raise Unreadable("Use each item on the right at most once.")
    right_pairs = sum(1 for left, right in pairs.items() if expected.get(left) == right)
    if right_pairs == len(expected):
        return True, "Correct: every pair matches.", 1.0
    feedback = f"{right_pairs} of {len(expected)} pairs are right."
    return False, feedback, right_pairs / len(expected)


def _numeric_target(question: dict) -> tuple[float, float]:
    answer = question["answer"]
    value = answer["value"] if isinstance(answer, Mapping) else answer
    tolerance = question.get("tolerance")
    if tolerance is None and isinstance(answer, Mapping):
        tolerance = answer.get("tolerance")
    return float(value), float(tolerance or 0)


def _numeric(question: dict, answer) -> tuple[bool, str, float | None]:
    number = _number(answer)
    value, tolerance = _numeric_target(question)
    right = abs(number - value) <= tolerance
    return right, "Correct." if right else "Not quite.", None


def _task(question: dict, answer) -> tuple[bool, str, float | None]:
    """A task's answer is the learner's cluster, as a factory of fresh copies of it."""
    if not callable(answer):
        raise Unreadable("This task is graded on your cluster: run the check from its page.")
    goal = dict(question["goal"])
    check = GOAL_CHECKS[goal.pop("check")]
    result = check(answer, **goal)
    feedback = "\n".join([result.message, *result.details])
    return result.passed, feedback, None


GRADERS: dict[str, Callable[[dict, object], tuple[bool, str, float | None]]] = {
    "single": _single,
    "multiple": _multiple,
    "ordering": _ordering,
    "matching": _matching,
    "numeric": _numeric,
    "task": _task,
}


def grade(question: dict, answer) -> Grade:
    """Grade one answer. Wrong types, unknown ids, duplicates and oversized input give
    `Grade(False, <what to fix>, valid=False)`; a failing goal check gives a wrong answer."""
    grader = GRADERS.get(question.get("type"))
    if grader is None:
        return Grade(False, "This question cannot be graded.", valid=False)
    try:
        correct, feedback, partial = grader(question, answer)
    except Unreadable as problem:
        return Grade(False, str(problem), valid=False)
    except Exception:  # a broken question or goal check is ours to fix, not the learner's
        log.exception("grading failed for question %r", question.get("id"))
        return Grade(
            False,
            "ClusterLab could not grade this answer (a bug on our side, now logged); "
            "it does not count as an attempt.",
            valid=False,
        )
    return Grade(correct, feedback, str(question.get("explanation", "")), partial)


# --- hints and solutions --------------------------------------------------------------------


def _count(attempts) -> int:
    return attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else 0


def hints_revealed(question: dict, attempts_so_far) -> list[str]:
    """The hints shown after `attempts_so_far` failed attempts: one more per attempt."""
    hints = [str(hint) for hint in question.get("hints") or ()]
    return hints[: max(_count(attempts_so_far), 0)]


def hint(question: dict, attempts_so_far) -> str | None:
    """The newest hint the failed attempts so far have revealed; None before the first
    failed attempt or when the question has no hints (after the last, the last again)."""
    shown = hints_revealed(question, attempts_so_far)
    return shown[-1] if shown else None


def solution_for(question: dict, attempts) -> str | None:
    """The answer in words, only once the learner has made at least one attempt."""
    if _count(attempts) < 1:
        return None
    kind, answer = question.get("type"), question.get("answer")
    if kind == "single":
        return _text(question.get("choices"), str(answer))
    if kind == "multiple":
        return "\n".join(_text(question.get("choices"), str(item)) for item in answer)
    if kind == "ordering":
        items = question.get("items")
        return "\n".join(f"{n}. {_text(items, str(item))}" for n, item in enumerate(answer, 1))
    if kind == "matching":
        left, right = question.get("left"), question.get("right")
        return "\n".join(
            f"{_text(left, str(a))} → {_text(right, str(b))}" for a, b in answer.items()
        )
    if kind == "numeric":
        value, tolerance = _numeric_target(question)
        shown = f"{value:g}"
        return f"{shown} (± {tolerance:g})" if tolerance else shown
    if kind == "task":
        return "\n".join(str(line) for line in question.get("solution") or ()) or None
    return None
