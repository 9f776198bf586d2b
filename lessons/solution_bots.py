"""Solution bots: replay a lesson as a learner would and report what went wrong.

- The page walk builds the lesson's embedded cluster (preset, seed 1, profile, then the
  setup lines) and runs every try line, apply block and predict `run`, in page order,
  without pausing: time moves only through `sim advance`. A numeric predict with a
  `check` is compared with what the check prints at that point.
- A numeric quiz question with `run` is verified on a fresh copy of its cluster: run the
  lines, then read the number from `check` (see `number_shown`).
- A task question's reference `solution` is replayed on its cluster, and the goal check
  (lessons.goals.GOAL_CHECKS) must pass on it.

Any command that prints an error fails the bot (see `error_in`). Pure Python: runnable
without Django, from the test suite or a script.
"""

import re
from collections.abc import Callable, Mapping

from cluster_sim.presets import build_with_transcript

from .content_model import (
    ApplyBlock,
    ClusterSpec,
    Lesson,
    NumericAnswer,
    NumericQuestion,
    PredictBlock,
    TaskQuestion,
    TryBlock,
)

SEED = 1
# What kubectl, sim and the shell print when a command fails. `<unknown>` is not one: it
# is how kubectl shows a value not known yet (an HPA's target before its first sync).
ERROR_MARKERS = ("error:", "Error from server", "command not found", "unknown")
_NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")


def error_in(output: str) -> str | None:
    """The first error marker `output` contains, or None."""
    # kubectl's `<unknown>` placeholder, and the container runtime's words quoted in an
    # event ("rpc error: code = NotFound desc = …" after a failed pull), are not failures
    text = output.replace("<unknown>", "").replace("rpc error:", "")
    return next((marker for marker in ERROR_MARKERS if marker in text), None)


def number_shown(output: str) -> float:
    """The number a `check` command shows: its output when that is one number, else the
    count of lines it prints (use `--no-headers` or `-o name`); kubectl's `No resources
    found …` line counts as none."""
    text = output.strip()
    if _NUMBER.match(text):
        return float(text)
    return sum(
        1
        for line in text.splitlines()
        if line.strip() and not line.startswith("No resources found")
    )


class Replay:
    """A cluster built from a spec, and every failure met while running lines on it."""

    def __init__(self, spec: ClusterSpec, where: str):
        self.where = where
        self.failures: list[str] = []
        self.cluster, self.runner, transcript = build_with_transcript(
            spec.preset, SEED, spec.profile
        )
        if marker := error_in(transcript):
            self.failures.append(f"{where}: preset {spec.preset!r} printed {marker!r}")
        for line in spec.setup:
            self.run(line, "setup")

    def run(self, line: str, context: str, stdin: str | None = None) -> str:
        """A line (with `stdin`), or an item of a setup, run or solution list, which may
        carry its manifest in a heredoc."""
        output = (
            self.runner.run_line(line, stdin)
            if stdin is not None
            else self.runner.run_command(line)
        )
        if marker := error_in(output):
            self.failures.append(f"{self.where}: {context}: `{line}` printed {marker!r}:\n{output}")
        return output


def walk_page(lesson: Lesson) -> list[str]:
    """Follow the page top to bottom on one embedded cluster."""
    replay = Replay(lesson.cluster, lesson.slug)
    for index, block in enumerate(lesson.body_blocks, start=1):
        if isinstance(block, TryBlock):
            for line in block.lines:
                replay.run(line, f"try block (block {index})")
        elif isinstance(block, ApplyBlock):
            replay.run("kubectl apply -f -", f"apply block (block {index})", stdin=block.yaml)
        elif isinstance(block, PredictBlock):
            for line in block.run:
                replay.run(line, f"predict '{block.id}'")
            if block.check and isinstance(block.answer, NumericAnswer):
                shown = number_shown(replay.run(block.check, f"predict '{block.id}' check"))
                if shown != block.answer.value:
                    replay.failures.append(
                        f"{lesson.slug}: predict '{block.id}': answer {block.answer.value}, "
                        f"but `{block.check}` shows {shown:g}"
                    )
    return replay.failures


def verify_numeric(lesson: Lesson, question: NumericQuestion) -> list[str]:
    if question.check is None:
        return []
    replay = Replay(question.cluster, f"{lesson.slug}: question '{question.id}'")
    for line in question.run:
        replay.run(line, "run")
    shown = number_shown(replay.run(question.check, "check"))
    if abs(shown - question.answer) > question.tolerance:
        replay.failures.append(
            f"{replay.where}: answer {question.answer} (± {question.tolerance}), "
            f"but `{question.check}` shows {shown:g}"
        )
    return replay.failures


def verify_task(
    lesson: Lesson, question: TaskQuestion, goal_checks: Mapping[str, Callable]
) -> list[str]:
    where = f"{lesson.slug}: task '{question.id}'"
    replays: list[Replay] = []

    def solved_cluster():
        """A fresh copy of the task's cluster with the reference solution applied."""
        replay = Replay(question.cluster, where)
        for line in question.solution:
            replay.run(line, "solution")
        replays.append(replay)
        return replay.cluster, replay.runner

    def starting_cluster():
        """The task's cluster before the solution: what `same_object` checks compare with."""
        replay = Replay(question.cluster, where)
        return replay.cluster, replay.runner

    solved_cluster.original = starting_cluster
    result = goal_checks[question.goal.check](solved_cluster, **question.goal.params)
    failures = list(replays[0].failures) if replays else []  # copies replay alike
    if not result.passed:
        details = "".join(f"\n  {detail}" for detail in getattr(result, "details", ()))
        failures = [
            *failures,
            f"{where}: goal {question.goal.check} failed: {result.message}{details}",
        ]
    return failures


def run_bots(lesson: Lesson, goal_checks: Mapping[str, Callable]) -> list[str]:
    """Every failure of every bot for this lesson ([] when the lesson replays cleanly)."""
    failures = walk_page(lesson)
    for question in lesson.quiz.questions:
        if isinstance(question, NumericQuestion):
            failures += verify_numeric(lesson, question)
        elif isinstance(question, TaskQuestion):
            failures += verify_task(lesson, question, goal_checks)
    return failures
