"""Course pages: the course map and a lesson beside its own live cluster. Thin: the
lesson comes from the content loader, the cluster from the playground's live layer."""

import json

from channels.db import database_sync_to_async
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cluster_sim.live.hub import hub
from cluster_sim.views import cluster_context, too_many

from .clusters import own_cluster
from .content_model import ApplyBlock, MarkdownBlock, PredictBlock, TryBlock
from .course_cache import course
from .learner import alearner_key, learner_key
from .predict_views import answer_state
from .progress import course_progress, last_step, predictions
from .quiz_views import question_state
from .task_views import task_state

BLOCK_KINDS = {
    MarkdownBlock: "markdown",
    TryBlock: "try",
    ApplyBlock: "apply",
    PredictBlock: "predict",
}


def _lesson_or_404(slug: str):
    try:
        return course().lesson(slug)
    except KeyError:
        raise Http404("No such lesson") from None


def _block(block, step: int, committed: dict[str, str]) -> dict:
    """What a block's template needs; command lists go into data- attributes as JSON.
    `step` numbers the blocks: the page reports the steps a learner runs (progress)."""
    kind = BLOCK_KINDS[type(block)]
    item = {"kind": kind, "block": block, "step": step}
    if kind == "try":
        item["commands"] = json.dumps(list(block.lines))
    elif kind == "predict":
        item["commands"] = json.dumps(list(block.run))
        guess = committed.get(block.id)
        # the answer is in the page only once the learner has committed to a prediction
        item["answer"] = answer_state(block, guess) if guess is not None else None
    return item


def _question_states(learner: str, lesson) -> list[dict]:
    """Each question's state; a hands-on task links to its own page and cluster."""
    return [
        task_state(learner, lesson, question)
        if question.type == "task"
        else question_state(learner, lesson.slug, question)
        for question in lesson.quiz.questions
    ]


@require_GET
def course_map(request):
    status = course_progress(learner_key(request, create=False))
    lessons = [(lesson, status[lesson.slug]) for lesson in course().lessons]
    return render(request, "lessons/course.html", {"lessons": lessons})


@require_GET
async def lesson_page(request, slug: str):
    lesson = _lesson_or_404(slug)
    record = await own_cluster(request, slug, lesson.cluster, paused=True)
    if record is None:
        return too_many(request)
    key = await alearner_key(request)
    committed = await database_sync_to_async(predictions)(key, slug)
    live = await hub.live(record.id)
    context = await cluster_context(live, record)
    lessons = course().lessons
    index = lessons.index(lesson)
    context.update(
        lesson=lesson,
        blocks=[
            _block(block, step, committed) for step, block in enumerate(lesson.body_blocks, start=1)
        ],
        resume_at=await database_sync_to_async(last_step)(key, slug),
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        reset_to="the lesson's starting cluster",
        questions=await database_sync_to_async(_question_states)(key, lesson),
    )
    return render(request, "lessons/lesson.html", context)


@require_GET
def diagram(request, slug: str, name: str):
    lesson = _lesson_or_404(slug)
    try:
        found = lesson.diagram(name)
    except StopIteration:
        raise Http404("No such diagram") from None
    response = FileResponse(found.path.open("rb"), content_type="image/svg+xml")
    # The loader refuses scripts in SVGs; this keeps an SVG opened on its own inert anyway.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
