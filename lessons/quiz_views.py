"""The quiz: a question posted, graded on the server, kept, and shown again with its feedback,
hints earned so far and, after an attempt, the solution on request. Every answer gets the
explanation, but after a wrong try it stays folded ("gives the answer away"): shown open,
it would hand over the answer and the retry would teach nothing."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from . import grading
from .course_cache import course
from .learner import learner_key
from .models import QuizAttempt
from .quiz_adapter import answer_from_form, as_grading_dict

MAX_ANSWER_CHARS = 4_000  # every form field together; no real answer is near this
MAX_ATTEMPTS_KEPT = 200  # per visitor and question: beyond this, answers are graded, not kept


def question_state(learner: str | None, lesson_slug: str, question) -> dict:
    """What the question's template shows for this visitor now."""
    mine = QuizAttempt.objects.filter(
        learner=learner or "", lesson=lesson_slug, question=question.id
    )
    attempts = mine.count()
    solved = mine.filter(correct=True).exists()
    failed = attempts - mine.filter(correct=True).count()
    data = as_grading_dict(question)
    return {
        "question": question,
        "lesson": lesson_slug,
        "attempts": attempts,
        "solved": solved,
        "hints": grading.hints_revealed(data, failed),
        "explanation": question.explanation if attempts else "",
        "explanation_open": solved,
    }


def add_solution(state: dict, question) -> None:
    """The solution into a question's state, or why not yet (no attempt so far)."""
    solution = grading.solution_for(as_grading_dict(question), state["attempts"])
    state.update(solution=solution or "", solution_refused=solution is None)
    if solution is not None:
        state.update(explanation=question.explanation, explanation_open=True)


def question_or_404(slug: str, question_id: str, *, task: bool = False):
    """(lesson, question); a task is asked for from its own page (graded on a cluster of its
    own), any other question from the quiz's form: the wrong kind is a 404 too."""
    wanted = "task" if task else "question"
    try:
        lesson = course().lesson(slug)
        question = lesson.quiz.question(question_id)
    except (KeyError, StopIteration):
        raise Http404(f"No such {wanted}") from None
    if (question.type == "task") != task:
        raise Http404(f"No such {wanted}")
    return lesson, question


@require_POST
def answer(request, slug: str, question_id: str):
    lesson, question = question_or_404(slug, question_id)
    key = learner_key(request)
    feedback, valid, correct = "", True, None
    if request.POST.get("show") == "solution":
        state = question_state(key, slug, question)
        add_solution(state, question)
        return render(request, "lessons/partials/question.html", state)
    size = sum(len(value) for values in request.POST.lists() for value in values[1])
    if size > MAX_ANSWER_CHARS:
        feedback, valid = "That answer is too long to be one of the choices.", False
    else:
        try:
            given = answer_from_form(question, request.POST)
        except ValueError as error:
            feedback, valid = str(error), False
        else:
            grade = grading.grade(as_grading_dict(question), given)
            feedback, valid, correct = grade.feedback, grade.valid, grade.correct
            kept = QuizAttempt.objects.filter(learner=key, lesson=slug, question=question.id)
            if grade.valid and kept.count() < MAX_ATTEMPTS_KEPT:
                QuizAttempt.objects.create(
                    learner=key,
                    lesson=slug,
                    question=question.id,
                    answer=given,
                    correct=grade.correct,
                )
    state = question_state(key, slug, question)
    state.update(feedback=feedback, valid=valid, correct=correct, picked=_picked(request.POST))
    return render(request, "lessons/partials/question.html", state)


def _picked(form) -> dict:
    """What the learner chose, to show it again beside the feedback on it."""
    return {
        "answer": form.get("answer", ""),
        "answers": form.getlist("answer"),
        "positions": {k[9:]: v for k, v in form.items() if k.startswith("position-")},
        "matches": {k[6:]: v for k, v in form.items() if k.startswith("match-")},
    }
