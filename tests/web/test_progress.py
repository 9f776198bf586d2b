"""Progress kept on the server: steps run and the course map's completion."""

import pytest

from lessons.course_cache import course
from lessons.models import LessonProgress

pytestmark = pytest.mark.django_db(transaction=True)


def a_lesson_with_a_prediction():
    return next(lesson for lesson in course().lessons if lesson.predicts)


def test_steps_are_kept_and_the_lesson_offers_to_resume(client):
    lesson = a_lesson_with_a_prediction()
    step = next(n for n, b in enumerate(lesson.body_blocks, 1) if b is lesson.predicts[0])
    url = f"/learn/{lesson.slug}/progress/"
    assert client.post(url, {"step": step}).status_code == 204
    assert LessonProgress.objects.get().last_step == step
    page = client.get(f"/learn/{lesson.slug}/").content.decode()
    assert f'href="#step-{step}">Continue where you left off' in page
    assert f'id="step-{step}"' in page


def test_bad_progress_reports_are_refused(client):
    lesson = a_lesson_with_a_prediction()
    url = f"/learn/{lesson.slug}/progress/"
    assert client.post(url, {"step": "0"}).status_code == 400
    assert client.post(url, {"step": str(len(lesson.body_blocks) + 1)}).status_code == 400
    assert client.post(url, {"step": "1"}).status_code == 400  # a Markdown block, not a step
    assert client.post("/learn/99-none/progress/", {"step": "1"}).status_code == 404
    assert LessonProgress.objects.count() == 0


def test_the_course_map_shows_what_is_started_and_what_is_done(client):
    lesson = course().lessons[0]
    before = client.get("/learn/").content.decode()
    assert "in progress" not in before and "done" not in before
    step = next(
        n for n, b in enumerate(lesson.body_blocks, 1) if type(b).__name__ != "MarkdownBlock"
    )
    assert client.post(f"/learn/{lesson.slug}/progress/", {"step": step}).status_code == 204
    assert "in progress" in client.get("/learn/").content.decode()
    from lessons.models import QuizAttempt

    for question in lesson.quiz.questions:  # every question answered right
        QuizAttempt.objects.create(
            learner=client.session.session_key,
            lesson=lesson.slug,
            question=question.id,
            answer=[],
            correct=True,
        )
    page = client.get("/learn/").content.decode()
    total = len(lesson.quiz.questions)
    assert (
        f"quiz {total} of {total}" in page and '<span class="status st-running">done</span>' in page
    )


def test_continue_points_at_the_furthest_step_reached(client):
    lesson = a_lesson_with_a_prediction()
    steps = [n for n, b in enumerate(lesson.body_blocks, 1) if type(b).__name__ != "MarkdownBlock"]
    url = f"/learn/{lesson.slug}/progress/"
    client.post(url, {"step": steps[-1]})
    client.post(url, {"step": steps[0]})  # re-running an early step
    assert LessonProgress.objects.get().last_step == steps[-1]
