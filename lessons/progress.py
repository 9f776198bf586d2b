"""A learner's progress through the course, from what the server has kept: steps run,
predictions committed, quiz answers."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_POST

from .content_model import MarkdownBlock
from .course_cache import course
from .learner import learner_key
from .models import LessonProgress, Prediction, QuizAttempt


def course_progress(learner: str | None) -> dict[str, dict]:
    """slug -> {"answered": right answers, "questions": count, "started": bool, "done": bool}."""
    solved: dict[str, set[str]] = {}
    started: set[str] = set()
    if learner:
        for lesson, question in QuizAttempt.objects.filter(
            learner=learner, correct=True
        ).values_list("lesson", "question"):
            solved.setdefault(lesson, set()).add(question)
        started = set(
            LessonProgress.objects.filter(learner=learner).values_list("lesson", flat=True)
        )
    progress = {}
    for lesson in course().lessons:
        questions = {q.id for q in lesson.quiz.questions}
        answered = len(solved.get(lesson.slug, set()) & questions)
        progress[lesson.slug] = {
            "answered": answered,
            "questions": len(questions),
            "started": lesson.slug in started or answered > 0,
            "done": answered == len(questions) and bool(questions),
        }
    return progress


def predictions(learner: str | None, slug: str) -> dict[str, str]:
    """block id -> the prediction this visitor committed."""
    if not learner:
        return {}
    return dict(
        Prediction.objects.filter(learner=learner, lesson=slug).values_list("block", "guess")
    )


def last_step(learner: str | None, slug: str) -> int:
    if not learner:
        return 0
    found = LessonProgress.objects.filter(learner=learner, lesson=slug).first()
    return found.last_step if found else 0


@require_POST
def record_step(request, slug: str):
    """The page reports each step the learner runs (predictions: `predict_views.commit`)."""
    try:
        lesson = course().lesson(slug)
    except KeyError:
        raise Http404("No such lesson") from None
    step = request.POST.get("step", "")
    blocks = lesson.body_blocks
    if not step.isdigit() or not 1 <= int(step) <= len(blocks):
        return HttpResponse("step must be one of the lesson's steps", status=400)
    if isinstance(blocks[int(step) - 1], MarkdownBlock):
        return HttpResponse("only try, apply and predict steps are reported", status=400)
    progress, _ = LessonProgress.objects.get_or_create(learner=learner_key(request), lesson=slug)
    if int(step) > progress.last_step:  # the furthest step reached: going back to re-run one
        progress.last_step = int(step)  # does not move "continue" back
        progress.save(update_fields=["last_step", "updated_at"])
    return HttpResponse(status=204)
