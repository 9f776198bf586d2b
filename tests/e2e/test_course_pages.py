"""Every lesson and every hands-on task page, in a real browser: it goes live, axe-core
finds no serious or critical violation at desktop and phone widths, nothing scrolls
sideways on a phone, and a screenshot of each is kept for a person to look at."""

import pytest
from playwright.sync_api import expect

from lessons.course_cache import course
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.conftest import ARTIFACTS, PHONE, wait_until_live

pytestmark = pytest.mark.e2e

LESSONS = [lesson.slug for lesson in course().lessons]
TASKS = [
    (lesson.slug, question.id)
    for lesson in course().lessons
    for question in lesson.quiz.questions
    if question.type == "task"
]


def assert_fits_a_phone(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], f"{page.url} scrolls sideways ({width}px)"


@pytest.mark.parametrize("slug", LESSONS)
def test_a_lesson_page_is_live_and_accessible(open_page, slug):
    lesson = course().lesson(slug)
    page = wait_until_live(open_page(f"/learn/{slug}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    expect(page.locator(".predict").first).to_be_visible()
    assert_no_serious_violations(page)
    page.screenshot(path=ARTIFACTS / "screenshots" / f"lesson-{slug}-desktop.png")
    phone = wait_until_live(open_page(f"/learn/{slug}/", **PHONE))
    assert_no_serious_violations(phone)
    assert_fits_a_phone(phone)
    phone.screenshot(path=ARTIFACTS / "screenshots" / f"lesson-{slug}-phone.png")


@pytest.mark.parametrize("slug, question_id", TASKS)
def test_a_task_page_is_live_and_accessible(open_page, slug, question_id):
    page = wait_until_live(open_page(f"/learn/{slug}/task/{question_id}/"))
    expect(page.get_by_role("button", name="Check my cluster")).to_be_visible()
    assert_no_serious_violations(page)
    phone = wait_until_live(open_page(f"/learn/{slug}/task/{question_id}/", **PHONE))
    assert_no_serious_violations(phone)
    assert_fits_a_phone(phone)
