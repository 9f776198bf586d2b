"""A "predict, then run" block: the answer reaches the page only after the learner commits,
the first prediction is the one kept, and bad predictions are refused in words."""

import re

import pytest

from lessons.content_model import NumericAnswer
from lessons.course_cache import course
from lessons.models import Prediction
from lessons.predict_views import answer_text

pytestmark = pytest.mark.django_db(transaction=True)


def predicts(numeric: bool):
    for lesson in course().lessons:
        for block in lesson.predicts:
            if isinstance(block.answer, NumericAnswer) == numeric:
                return lesson, block
    raise AssertionError("the course has no such prediction")


def commit(client, lesson, block, guess):
    return client.post(f"/learn/{lesson.slug}/predict/{block.id}/", {"guess": guess})


def section_of(page: str, block) -> str:
    match = re.search(rf'data-predict="{block.id}".*?</section>', page, re.S)
    assert match, f"no predict block {block.id} in the page"
    return match.group(0)


def test_the_answer_is_not_in_the_page_before_the_learner_commits(client):
    lesson, block = predicts(numeric=False)
    before = section_of(client.get(f"/learn/{lesson.slug}/").content.decode(), block)
    assert "Answer:" not in before and block.explanation[:40] not in before
    right = block.answer.choice
    response = commit(client, lesson, block, right)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Answer: {answer_text(block)}" in text.replace("&#x27;", "'")
    assert "(right)" in text
    after = section_of(client.get(f"/learn/{lesson.slug}/").content.decode(), block)
    assert "Answer:" in after and "Run it again" in after and "disabled" in after


def test_a_wrong_numeric_prediction_is_kept_and_said_to_be_wrong(client):
    lesson, block = predicts(numeric=True)
    wrong = block.answer.value + 1
    text = commit(client, lesson, block, str(wrong)).content.decode()
    assert f"You predicted: {wrong:g}" in text and "not this time" in text
    assert Prediction.objects.get().guess == f"{wrong:g}"


def test_only_the_first_prediction_is_kept(client):
    lesson, block = predicts(numeric=True)
    commit(client, lesson, block, "6")
    text = commit(client, lesson, block, str(block.answer.value)).content.decode()  # after seeing
    assert list(Prediction.objects.values_list("guess", flat=True)) == ["6"]
    assert "You predicted: 6" in text


@pytest.mark.parametrize("guess", ["", "six", "nan", "inf", "1e999", "0x10", "1,5"])
def test_a_prediction_that_is_not_a_number_is_refused_in_words(client, guess):
    lesson, block = predicts(numeric=True)
    response = commit(client, lesson, block, guess)
    assert response.status_code == 400
    assert response.content.decode() == "error: a prediction here is a number"
    assert Prediction.objects.count() == 0


def test_a_choice_that_is_not_offered_is_refused(client):
    lesson, block = predicts(numeric=False)
    response = commit(client, lesson, block, "zz")
    assert response.status_code == 400
    assert "one of the choices" in response.content.decode()


def test_unknown_lessons_and_blocks_are_not_found(client):
    lesson, block = predicts(numeric=True)
    assert client.post(f"/learn/{lesson.slug}/predict/nope/", {"guess": "1"}).status_code == 404
    assert client.post(f"/learn/99-none/predict/{block.id}/", {"guess": "1"}).status_code == 404
    assert client.get(f"/learn/{lesson.slug}/predict/{block.id}/").status_code == 405


def test_a_guess_kept_as_typed_before_normalising_still_matches(client):
    lesson, block = predicts(numeric=True)
    commit(client, lesson, block, "1")  # makes the session; then the old row is rewritten
    Prediction.objects.update(guess=f"{float(block.answer.value)!r}")  # e.g. "2.0"
    page = client.get(f"/learn/{lesson.slug}/").content.decode()
    assert "(right)" in section_of(page, block)
