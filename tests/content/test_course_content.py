"""The real course in lessons/content/: it loads, and the solution bots replay it cleanly.

The bots' own behaviour is pinned on the good fixture lesson (tests/content/fixtures), so
they are known to catch a wrong answer, a failing command and an unsolved task even while
the course is small.
"""

import dataclasses
from pathlib import Path

import pytest

from lessons.content_model import ApplyBlock, NumericAnswer, PredictBlock, TryBlock

# Imported at the top, not lazily: without the goal registry the bots cannot grade a
# single task, and that must fail the suite loudly (a collection error), never skip.
from lessons.goals import GOAL_CHECKS
from lessons.loader import CONTENT_DIR, load_course, load_lesson
from lessons.solution_bots import error_in, number_shown, run_bots

LESSON_DIRS = sorted(
    path for path in CONTENT_DIR.iterdir() if path.is_dir() and not path.name.startswith((".", "_"))
)
GOOD = Path(__file__).parent / "fixtures" / "good" / "01-first-steps"


def test_the_course_loads_and_validates():
    course = load_course()
    assert [lesson.slug for lesson in course.lessons] == [path.name for path in LESSON_DIRS]


@pytest.mark.parametrize("lesson_dir", LESSON_DIRS, ids=[path.name for path in LESSON_DIRS])
def test_solution_bots(lesson_dir):
    failures = run_bots(load_lesson(lesson_dir), GOAL_CHECKS)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("lesson_dir", LESSON_DIRS, ids=[path.name for path in LESSON_DIRS])
def test_every_lesson_is_tried_live_and_predicted(lesson_dir):
    """Issue 5: each lesson has try-it steps on its cluster and a predict-then-run moment."""
    blocks = load_lesson(lesson_dir).body_blocks
    assert any(isinstance(block, TryBlock | ApplyBlock) for block in blocks)
    assert any(isinstance(block, PredictBlock) for block in blocks)


# --- the bots themselves, on the good fixture ---------------------------------------------


@pytest.fixture(scope="module")
def good():
    return load_lesson(GOOD)


def test_bots_pass_a_correct_lesson(good):
    assert run_bots(good, GOAL_CHECKS) == []


def _with_blocks(lesson, change):
    return dataclasses.replace(lesson, body_blocks=tuple(change(b) for b in lesson.body_blocks))


def test_bots_catch_a_wrong_predicted_number(good):
    def wrong(block):
        if isinstance(block, PredictBlock) and isinstance(block.answer, NumericAnswer):
            return dataclasses.replace(block, answer=NumericAnswer(3))
        return block

    (failure,) = run_bots(_with_blocks(good, wrong), GOAL_CHECKS)
    assert failure == (
        "01-first-steps: predict 'pods-after-kill': answer 3, "
        "but `kubectl get pods --no-headers` shows 4"
    )


def test_bots_catch_a_failing_command(good):
    def typo(block):
        if isinstance(block, TryBlock):
            return TryBlock(("kubectl get pod nope",))
        return block

    failures = run_bots(_with_blocks(good, typo), GOAL_CHECKS)
    assert failures[0].startswith(
        "01-first-steps: try block (block 2): `kubectl get pod nope` printed 'Error from server'"
    )


def test_bots_catch_a_wrong_numeric_answer_and_an_unsolved_task(good):
    questions = tuple(
        dataclasses.replace(q, answer=2)
        if q.type == "numeric"
        else dataclasses.replace(q, solution=("kubectl create deployment web --image=nginx",))
        if q.type == "task"
        else q
        for q in good.quiz.questions
    )
    lesson = dataclasses.replace(good, quiz=dataclasses.replace(good.quiz, questions=questions))
    numeric, task = run_bots(lesson, GOAL_CHECKS)
    assert numeric == (
        "01-first-steps: question 'ready-pods': answer 2 (± 0), "
        "but `kubectl get pods --no-headers` shows 3"
    )
    assert task.startswith(
        "01-first-steps: task 'make-web': goal deployment_available failed: "
        'Deployment "web" is not available as asked'
    )


def test_what_counts_as_an_error_and_as_a_number():
    assert error_in('Error from server (NotFound): pods "x" not found') == "Error from server"
    assert error_in("bash: ls: command not found") == "command not found"
    assert error_in('error: unknown command "foo" for "kubectl"') == "error:"
    assert error_in("web   Deployment/web   <unknown>/50%   1   5   1   5s") is None
    assert number_shown("No resources found in default namespace.\n") == 0
    assert number_shown("pod/a\npod/b\n") == 2
    assert number_shown("7\n") == 7
