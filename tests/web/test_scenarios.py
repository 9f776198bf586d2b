"""A numeric question's scenario, run for the learner after an attempt: every command with
its output, and the number the check shows, which is the question's answer."""

import html

import pytest

from lessons.course_cache import course
from lessons.scenario_run import run_scenario

pytestmark = pytest.mark.django_db(transaction=True)


def verified_numeric():
    for lesson in course().lessons:
        for question in lesson.quiz.questions:
            if question.type == "numeric" and question.check:
                return lesson, question
    raise AssertionError("the course has no numeric question with a scenario")


def test_the_scenario_runs_only_after_an_attempt(client):
    lesson, question = verified_numeric()
    url = f"/learn/{lesson.slug}/quiz/{question.id}/"
    before = client.post(url + "scenario/").content.decode()
    assert "Answer first" in before and "$ " not in before
    page = client.post(url, {"answer": str(question.answer + 1)}).content.decode()
    assert "Run the scenario and see" in page
    after = client.post(url + "scenario/").content.decode()
    for line in (*question.run, question.check):
        assert f"$ {line}" in html.unescape(after)
    assert f"shows <strong>{question.answer:g}</strong>" in after


def test_the_scenario_is_what_the_solution_bots_verified():
    lesson, question = verified_numeric()
    run = run_scenario(lesson.slug, question.id)
    assert abs(run.shown - question.answer) <= question.tolerance
    assert [line for line, _ in run.transcript] == [*question.run, question.check]
    assert run_scenario(lesson.slug, question.id) is run  # deterministic: run once


def test_questions_without_a_scenario_have_none(client):
    lesson, question = next(
        (lesson, q)
        for lesson in course().lessons
        for q in lesson.quiz.questions
        if q.type == "single"
    )
    response = client.post(f"/learn/{lesson.slug}/quiz/{question.id}/scenario/")
    assert response.status_code == 404
    assert client.post(f"/learn/{lesson.slug}/quiz/nope/scenario/").status_code == 404
    assert client.get(f"/learn/{lesson.slug}/quiz/{question.id}/scenario/").status_code == 405
