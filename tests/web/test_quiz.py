"""The quiz over HTTP: graded on the server, every answer explained, hints after a wrong try,
the solution only after an attempt, bad input answered without counting as a try."""

import pytest

from lessons.course_cache import course
from lessons.models import QuizAttempt

pytestmark = pytest.mark.django_db


def find(kind: str):
    for lesson in course().lessons:
        for question in lesson.quiz.questions:
            if question.type == kind:
                return lesson, question
    raise AssertionError(f"the course has no {kind} question")


def url(lesson, question) -> str:
    return f"/learn/{lesson.slug}/quiz/{question.id}/"


def test_a_wrong_then_a_right_single_answer(client):
    lesson, question = find("single")
    wrong = next(c.id for c in question.choices if c.id != question.answer)
    first = client.post(url(lesson, question), {"answer": wrong}).content.decode()
    assert "Not quite." in first and "1 attempt" in first
    # the explanation is there but folded: open, it would hand over the answer before the retry
    assert "Why? (this gives the answer away)" in first and "<strong>Why:</strong>" not in first
    if question.hints:
        assert "Hint" in first
    second = client.post(url(lesson, question), {"answer": question.answer}).content.decode()
    assert "Right." in second and "answered" in second and "2 attempts" in second
    assert "<strong>Why:</strong>" in second
    assert list(QuizAttempt.objects.values_list("correct", flat=True)) == [False, True]


def test_the_solution_waits_for_an_attempt(client):
    lesson, question = find("multiple")
    refused = client.post(url(lesson, question), {"show": "solution"}).content.decode()
    assert "Make an attempt first" in refused and "Solution:" not in refused
    client.post(url(lesson, question), {"answer": [question.choices[0].id]})
    shown = client.post(url(lesson, question), {"show": "solution"}).content.decode()
    assert "Solution:" in shown and "Why:" in shown  # the solution comes with its explanation
    right = next(c.text for c in question.choices if c.id in question.answer)
    assert right.split()[0] in shown


def test_ordering_matching_and_numeric_answers_from_their_forms(client):
    lesson, ordering = find("ordering")
    positions = {f"position-{item}": str(n) for n, item in enumerate(ordering.answer, 1)}
    assert "Right." in client.post(url(lesson, ordering), positions).content.decode()
    lesson, matching = find("matching")
    pairs = {f"match-{left}": right for left, right in matching.answer.items()}
    assert "Right." in client.post(url(lesson, matching), pairs).content.decode()
    lesson, numeric = find("numeric")
    assert (
        "Right."
        in client.post(url(lesson, numeric), {"answer": f"{numeric.answer:g}"}).content.decode()
    )


def test_unreadable_answers_are_explained_and_not_counted(client):
    lesson, single = find("single")
    page = client.post(url(lesson, single), {"answer": "no-such-choice"}).content.decode()
    assert "Not quite." not in page and "Why:" not in page
    lesson, ordering = find("ordering")
    same = {f"position-{item.id}": "1" for item in ordering.items}
    page = client.post(url(lesson, ordering), same).content.decode()
    assert "Give each step a different position" in page
    huge = client.post(url(lesson, single), {"answer": "x" * 10_000}).content.decode()
    assert "too long" in huge
    assert QuizAttempt.objects.count() == 0


def test_tasks_and_unknown_questions_are_not_form_answers(client):
    lesson, task = find("task")
    assert client.post(url(lesson, task), {"answer": "x"}).status_code == 404
    assert client.post(f"/learn/{lesson.slug}/quiz/nope/", {"answer": "x"}).status_code == 404
    assert client.get(url(*find("single"))).status_code == 405


def test_each_visitor_sees_their_own_attempts(client):
    from django.test import Client

    lesson, question = find("single")
    client.post(url(lesson, question), {"answer": question.answer})
    page = Client().get(f"/learn/{lesson.slug}/").content.decode()
    assert f'id="q-{question.id}" class="question"' in page  # not marked solved for a stranger
    mine = client.get(f"/learn/{lesson.slug}/").content.decode()
    assert f'id="q-{question.id}" class="question solved"' in mine
