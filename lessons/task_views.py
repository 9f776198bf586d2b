"""Hands-on tasks: each in a cluster of its own, graded on that cluster's state.

The task page embeds the visitor's task sandbox (built from the task's preset and setup).
"Check my cluster" grades a copy: the sandbox's command log replayed up to its current
simulated time (the engine is deterministic, so a replay is a copy), handed to the goal
check as a factory of fresh copies; the live cluster is never touched by the grader.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cluster_sim import sandboxes
from cluster_sim.live.hub import hub
from cluster_sim.live.session import LoggedCommand, rebuild
from cluster_sim.views import cluster_context, too_many

from . import grading
from .clusters import own_cluster
from .learner import alearner_key
from .models import QuizAttempt
from .quiz_adapter import as_grading_dict
from .quiz_views import add_solution, question_or_404, question_state


def task_sandbox_name(slug: str, question_id: str) -> str:
    return f"{slug}#{question_id}"[:64]


def task_state(learner: str | None, lesson, question) -> dict:
    """As a quiz question's state; the task's templates link by the lesson itself."""
    return {**question_state(learner, lesson.slug, question), "lesson": lesson}


@require_GET
async def task_page(request, slug: str, question_id: str):
    lesson, question = question_or_404(slug, question_id, task=True)
    record = await own_cluster(request, task_sandbox_name(slug, question_id), question.cluster)
    if record is None:
        return too_many(request)
    learner = await alearner_key(request)
    live = await hub.live(record.id)
    context = await cluster_context(live, record)
    context.update(await database_sync_to_async(task_state)(learner, lesson, question))
    context["reset_to"] = "the task's starting cluster"
    return render(request, "lessons/task.html", context)


# A check replays the learner's cluster (once per node for a node-loss goal): CPU-heavy. It
# runs on its own thread, one check at a time per process, so live sandboxes keep their
# engine threads; a visitor has one check in flight per task, and a busy grader says so.
GRADER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grader")
MAX_CHECKS_AT_ONCE = 4
CHECKING: set[tuple[str, str]] = set()
CHECK_BUSY = "The grader is busy with other checks right now: try again in a few seconds."


async def _grade_copy(record, question):
    live = await hub.live(record.id)
    if live is None:
        raise Http404("No such task cluster")
    async with live.lock:  # the log and the clock of the same moment
        epoch, next_seq, clock = live.epoch, live.next_seq, live.cluster.now_ms
    commands = await database_sync_to_async(sandboxes.log_of)(record.id, epoch, next_seq)
    log = [LoggedCommand(c.at_ms, c.line, c.stdin) for c in commands]
    args = (record.preset, record.seed, record.initial_profile)

    def copy():
        return rebuild(*args, log, clock, record.setup)

    copy.original = lambda: rebuild(*args, [], 0, record.setup)  # the task's starting cluster
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(GRADER, grading.grade, as_grading_dict(question), copy)


@require_POST
async def check_task(request, slug: str, question_id: str):
    lesson, question = question_or_404(slug, question_id, task=True)
    key = request.session.session_key
    name = task_sandbox_name(slug, question_id)
    record = await database_sync_to_async(sandboxes.find_lesson_sandbox)(key, name) if key else None
    if record is None:
        raise Http404("Open the task first")
    learner = await alearner_key(request)
    if request.POST.get("show") == "solution":
        state = await database_sync_to_async(task_state)(learner, lesson, question)
        add_solution(state, question)
        return render(request, "lessons/partials/task_result.html", state)
    busy = (key, name)
    if busy in CHECKING or len(CHECKING) >= MAX_CHECKS_AT_ONCE:
        state = await database_sync_to_async(task_state)(learner, lesson, question)
        state.update(feedback=CHECK_BUSY, valid=False, correct=False)
        return render(request, "lessons/partials/task_result.html", state, status=429)
    CHECKING.add(busy)
    try:
        grade = await _grade_copy(record, question)
    finally:
        CHECKING.discard(busy)
    if grade.valid:
        await database_sync_to_async(QuizAttempt.objects.create)(
            learner=learner, lesson=slug, question=question.id, answer=[], correct=grade.correct
        )
    state = await database_sync_to_async(task_state)(learner, lesson, question)
    state.update(feedback=grade.feedback, correct=grade.correct, valid=grade.valid)
    return render(request, "lessons/partials/task_result.html", state)
