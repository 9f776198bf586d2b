"""A numeric question verified by running its scenario, for the learner to see: the same
cluster and seed the solution bots use, the question's `run` lines, then its `check`, with
every command's output. Deterministic, so each scenario runs once per process."""

from dataclasses import dataclass
from functools import cache

from .content_model import NumericQuestion
from .course_cache import course
from .solution_bots import Replay, number_shown


@dataclass(frozen=True)
class ScenarioRun:
    transcript: tuple[tuple[str, str], ...]  # (command, its output), in order
    check: str
    shown: float  # the number the check shows (solution_bots.number_shown)
    counted: bool  # True when that number is the count of lines the check printed


@cache
def run_scenario(slug: str, question_id: str) -> ScenarioRun:
    question = course().lesson(slug).quiz.question(question_id)
    assert isinstance(question, NumericQuestion) and question.check
    replay = Replay(question.cluster, f"{slug}: question '{question_id}'")
    transcript = [(line, replay.run(line, "run")) for line in question.run]
    output = replay.run(question.check, "check")
    transcript.append((question.check, output))
    shown = number_shown(output)
    counted = output.strip() != f"{shown:g}"
    return ScenarioRun(tuple(transcript), question.check, shown, counted)
