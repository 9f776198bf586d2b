"""A "predict, then run" block's answer: the server keeps the learner's first prediction and
only then sends the answer, so the answer is not in the page before the learner commits."""

from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from .content_model import NumericAnswer, PredictBlock
from .course_cache import course
from .learner import learner_key
from .models import Prediction

MAX_GUESS_CHARS = 200


def answer_text(block: PredictBlock) -> str:
    if isinstance(block.answer, NumericAnswer):
        return f"{block.answer.value:g}"
    return next(c.text for c in block.choices if c.id == block.answer.choice)


def guess_text(block: PredictBlock, guess: str) -> str | None:
    """What the learner predicted, in words; None when it is not a prediction this block takes."""
    guess = guess.strip()
    if block.choices:
        return next((c.text for c in block.choices if c.id == guess), None)
    try:
        number = float(guess)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return f"{number:g}"


def _matches(block: PredictBlock, guess: str) -> bool:
    if not isinstance(block.answer, NumericAnswer):
        return guess == answer_text(block)
    try:  # numerically: a guess kept as typed ("2.0") before guesses were normalised
        return float(guess) == block.answer.value
    except ValueError:
        return False


def answer_state(block: PredictBlock, guess: str) -> dict:
    """What the answer fragment shows: the answer, the prediction and whether they agree."""
    return {
        "block": block,
        "answer": answer_text(block),
        "guess": guess,
        "matched": _matches(block, guess),
    }


def _predict_block(slug: str, block_id: str) -> PredictBlock:
    try:
        lesson = course().lesson(slug)
    except KeyError:
        raise Http404("No such lesson") from None
    block = next((p for p in lesson.predicts if p.id == block_id), None)
    if block is None:
        raise Http404("No such prediction in this lesson")
    return block


@require_POST
def commit(request, slug: str, block_id: str):
    """Keep the first prediction (later ones, made after seeing, are not kept) and answer."""
    block = _predict_block(slug, block_id)
    guess = guess_text(block, request.POST.get("guess", "")[:MAX_GUESS_CHARS])
    if guess is None:
        wanted = "one of the choices" if block.choices else "a number"
        return HttpResponse(f"error: a prediction here is {wanted}", status=400)
    learner = learner_key(request)
    try:
        kept, _ = Prediction.objects.get_or_create(
            learner=learner, lesson=slug, block=block.id, defaults={"guess": guess}
        )
    except IntegrityError:  # two tabs committed at once: the other one's is the first
        kept = Prediction.objects.get(learner=learner, lesson=slug, block=block.id)
    return render(request, "lessons/partials/predict_answer.html", answer_state(block, kept.guess))
