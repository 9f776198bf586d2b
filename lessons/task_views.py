"""Hands-on tasks: each in a cluster of its own, graded on that cluster's state.

The task page embeds the visitor's task sandbox (built from the task's preset and setup).
"Check my cluster" grades a copy: the sandbox's command log replayed up to its current
simulated time (the engine is deterministic, so a replay is a copy), handed to the goal
check as a factory of fresh copies; the live cluster is never touched by the grader.
"""

from channels.db import database_sync_to_async
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cluster_sim import actions, sandboxes
from cluster_sim.live.hub import hub
from cluster_sim.live.session import LoggedCommand, rebuild
from cluster_sim.views import cluster_context, creation_allowed, too_many

from . import grading
from .course_cache import course
from .models import QuizAttempt
from .quiz_adapter import as_grading_dict


def _task(slug: str, question_id: str):
    try:
        lesson = course().lesson(slug)
        question = lesson.quiz.question(question_id)
    except (KeyError, StopIteration):
        raise Http404("No such task") from None
    if question.type != "task":
        raise Http404("No such task")
    return lesson, question


def task_sandbox_name(slug: str, question_id: str) -> str:
    return f"{slug}#{question_id}"[:64]


def task_state(session_key: str | None, lesson, question) -> dict:
    attempts = list(
        QuizAttempt.objects.filter(
            owner_session=session_key or "", lesson=lesson.slug, question=question.id
        )
    )
    failed = sum(1 for a in attempts if not a.correct)
    return {
        "lesson": lesson,
        "question": question,
        "attempts": len(attempts),
        "solved": any(a.correct for a in attempts),
        "hints": grading.hints_revealed(as_grading_dict(question), failed),
        "explanation": question.explanation if attempts else "",
    }


@require_GET
async def task_page(request, slug: str, question_id: str):
    lesson, question = _task(slug, question_id)
    if request.session.session_key is None:
        await request.session.asave()
    key = request.session.session_key
    name = task_sandbox_name(slug, question_id)
    record = await database_sync_to_async(sandboxes.find_lesson_sandbox)(key, name)
    if record is None:
        if not await database_sync_to_async(creation_allowed)(request):
            return too_many(request)
        spec = question.cluster
        record = await database_sync_to_async(sandboxes.lesson_sandbox)(
            key, name, spec.preset, spec.profile, spec.setup
        )
    live = await hub.live(record.id)
    context = await cluster_context(live, record)
    context.update(await database_sync_to_async(task_state)(key, lesson, question))
    context["reset_to"] = "the task's starting cluster"
    return render(request, "lessons/task.html", context)


@require_POST
async def check_task(request, slug: str, question_id: str):
    lesson, question = _task(slug, question_id)
    key = request.session.session_key
    name = task_sandbox_name(slug, question_id)
    record = await database_sync_to_async(sandboxes.find_lesson_sandbox)(key, name) if key else None
    if record is None:
        raise Http404("Open the task first")
    if request.POST.get("show") == "solution":
        state = await database_sync_to_async(task_state)(key, lesson, question)
        solution = grading.solution_for(as_grading_dict(question), state["attempts"])
        state.update(solution=solution or "", solution_refused=solution is None)
        return render(request, "lessons/partials/task_result.html", state)
    live = await hub.live(record.id)
    loaded = await database_sync_to_async(sandboxes.load_sandbox)(record.id)
    _, commands = loaded
    log = [LoggedCommand(c.at_ms, c.line, c.stdin) for c in commands]
    clock = live.cluster.now_ms  # the copy is the cluster as the learner sees it now

    def copy():
        return rebuild(record.preset, record.seed, record.initial_profile, log, clock, record.setup)

    grade = await actions.in_engine_thread(grading.grade, as_grading_dict(question), copy)
    if grade.valid:
        await database_sync_to_async(QuizAttempt.objects.create)(
            owner_session=key, lesson=slug, question=question.id, answer=[], correct=grade.correct
        )
    state = await database_sync_to_async(task_state)(key, lesson, question)
    state.update(feedback=grade.feedback, correct=grade.correct, valid=grade.valid)
    return render(request, "lessons/partials/task_result.html", state)
