"""A visitor's progress through the course, from what the server has kept: steps run,
predictions committed, quiz answers."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_POST

from .content_model import MarkdownBlock
from .course_cache import course
from .models import LessonProgress, Prediction, QuizAttempt

MAX_GUESS_CHARS = 200


def course_progress(session_key: str | None) -> dict[str, dict]:
    """slug -> {"answered": right answers, "questions": count, "started": bool, "done": bool}."""
    solved: dict[str, set[str]] = {}
    started: set[str] = set()
    if session_key:
        for lesson, question in QuizAttempt.objects.filter(
            owner_session=session_key, correct=True
        ).values_list("lesson", "question"):
            solved.setdefault(lesson, set()).add(question)
        started = set(
            LessonProgress.objects.filter(owner_session=session_key).values_list(
                "lesson", flat=True
            )
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


def predictions(session_key: str | None, slug: str) -> dict[str, str]:
    """block id -> the prediction this visitor committed."""
    if not session_key:
        return {}
    return dict(
        Prediction.objects.filter(owner_session=session_key, lesson=slug).values_list(
            "block", "guess"
        )
    )


def last_step(session_key: str | None, slug: str) -> int:
    if not session_key:
        return 0
    found = LessonProgress.objects.filter(owner_session=session_key, lesson=slug).first()
    return found.last_step if found else 0


@require_POST
def record_step(request, slug: str):
    """The page reports each step the learner runs (and a prediction, before its answer)."""
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
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    progress, _ = LessonProgress.objects.get_or_create(owner_session=key, lesson=slug)
    if int(step) > progress.last_step:  # the furthest step reached: going back to re-run one
        progress.last_step = int(step)  # does not move "continue" back
        progress.save(update_fields=["last_step", "updated_at"])
    block = request.POST.get("predict", "")
    if block:
        if block not in {p.id for p in lesson.predicts}:
            return HttpResponse("no such prediction in this lesson", status=400)
        guess = request.POST.get("guess", "")[:MAX_GUESS_CHARS]
        # the first prediction is the honest one: later ones (after seeing) are not kept
        Prediction.objects.get_or_create(
            owner_session=key, lesson=slug, block=block, defaults={"guess": guess}
        )
    return HttpResponse(status=204)
