"""A learner reads a lesson beside its own live cluster: an apply step changes that cluster,
a prediction is committed before the answer shows; the course map links the lessons."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.conftest import ARTIFACTS, PHONE, pod_chips, wait_until_live

pytestmark = pytest.mark.e2e

LESSON = "/learn/06-pods-replicasets-deployments/"


def test_a_lesson_step_changes_the_embedded_cluster_and_a_prediction_comes_first(open_page):
    page = wait_until_live(open_page(LESSON))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pods, ReplicaSets and Deployments")
    expect(page.locator("#sim-clock")).to_contain_text("paused")  # the steps move time
    apply = page.locator("[data-apply]").first
    apply.click()
    expect(page.locator("#editor-status")).to_have_text("Applied.")
    step = page.locator("[data-step]", has=apply)
    # the answer shows under the step too, where the learner clicked
    expect(step.locator(".step-output")).to_contain_text("deployment.apps/nginx-deployment created")
    page.locator("#play-pause").click()
    page.locator('button.speed[data-speed="20"]').click()
    expect(pod_chips(page, "nginx-deployment").filter(has_text="Running")).to_have_count(3)
    try_step = page.locator(".try", has=page.locator("[data-commands]")).first
    try_step.locator("[data-commands]").click()
    first_line = try_step.locator("code").inner_text().splitlines()[0]
    expect(try_step.locator(".step-output .console-cmd").first).to_have_text(f"$ {first_line}")

    predict = page.locator("[data-predict]").first
    commit = predict.locator("[data-predict-commit]")
    commit.click()  # no prediction yet: it asks for one instead of showing the answer
    expect(predict.locator(".predict-missing")).to_be_visible()
    expect(predict.locator(".predict-answer")).to_be_hidden()
    assert "Answer:" not in predict.inner_text()  # not in the page before the learner commits
    predict.locator(".predict-number").fill("6")
    commit.click()
    expect(predict.locator(".predict-answer")).to_be_visible()
    expect(predict.locator(".predict-answer")).to_contain_text("You predicted: 6")
    expect(predict.locator(".predict-answer")).to_be_focused()
    expect(predict.locator(".predict-number")).to_be_disabled()
    expect(commit).to_have_text("Run it again")
    # its commands ran in the lesson's cluster, and their answers are in its console
    expect(page.locator("#console-output .console-entry").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "screenshots" / "lesson-desktop.png", full_page=True)
    # progress is kept on the server: the lesson offers to resume, the course map says so
    page.reload()
    wait_until_live(page)
    expect(page.get_by_role("link", name="Continue where you left off")).to_be_visible()
    page.goto("/learn/")
    entry = page.locator(".course-map li", has_text="Pods, ReplicaSets and Deployments")
    expect(entry).to_contain_text("in progress")


def test_the_course_map_and_a_lesson_are_accessible(open_page):
    course = open_page("/learn/")
    links = course.locator(".course-map a")
    expect(links.first).to_be_visible()
    assert links.count() >= 4
    assert_no_serious_violations(course)
    lesson = wait_until_live(open_page(LESSON))
    assert_no_serious_violations(lesson)
    phone = wait_until_live(open_page(LESSON, **PHONE))
    assert_no_serious_violations(phone)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], (
        f"the lesson scrolls sideways on a phone ({width}px)"
    )
    phone.screenshot(path=ARTIFACTS / "screenshots" / "lesson-phone.png", full_page=True)


def test_a_quiz_question_wrong_then_right_and_still_answered_after_a_reload(open_page):
    from lessons.course_cache import course

    lesson = next(
        lesson for lesson in course().lessons if lesson.slug == LESSON.strip("/").split("/")[-1]
    )
    question = next(q for q in lesson.quiz.questions if q.type == "single")
    wrong = next(c for c in question.choices if c.id != question.answer)
    right = next(c for c in question.choices if c.id == question.answer)
    page = wait_until_live(open_page(LESSON))
    block = page.locator(f"#q-{question.id}")
    block.locator(f'input[value="{wrong.id}"]').check()
    block.get_by_role("button", name="Check").click()
    block = page.locator(f"#q-{question.id}")
    expect(block.locator(".q-feedback")).to_contain_text("Not quite.")
    expect(block.locator(f'input[value="{wrong.id}"]')).to_be_checked()  # the answer stays shown
    expect(block.locator(".q-result")).to_be_focused()  # focus goes to the feedback
    expect(block.locator(".q-explanation")).to_have_count(0)  # folded: it gives the answer away
    expect(block.locator(".q-explanation-folded")).not_to_have_attribute("open", "")
    block.locator(f'input[value="{right.id}"]').check()
    block.get_by_role("button", name="Try again").click()
    expect(page.locator(f"#q-{question.id} .q-feedback")).to_contain_text("Right.")
    expect(page.locator(f"#q-{question.id} .q-explanation")).to_be_visible()
    assert_no_serious_violations(page)
    page.reload()
    wait_until_live(page)
    expect(page.locator(f"#q-{question.id}")).to_have_class("question solved")


def test_a_hands_on_task_is_checked_from_its_page(open_page):
    from lessons.course_cache import course

    lesson = course().lesson("05-inside-kubernetes")
    task = next(q for q in lesson.quiz.questions if q.type == "task")
    page = wait_until_live(open_page(f"/learn/{lesson.slug}/task/{task.id}/"))
    page.get_by_role("button", name="Check my cluster").click()
    expect(page.locator("#task-result .q-feedback")).to_contain_text("Not yet.", timeout=20_000)
    expect(page.locator("#task-result .q-explanation-folded")).to_be_visible()  # folded
    assert_no_serious_violations(page)
    page.screenshot(path=ARTIFACTS / "screenshots" / "task-desktop.png", full_page=True)


def test_a_numeric_answer_is_verified_by_running_its_scenario(open_page):
    from lessons.course_cache import course

    lesson = course().lesson(LESSON.strip("/").split("/")[-1])
    question = next(q for q in lesson.quiz.questions if q.type == "numeric" and q.check)
    page = wait_until_live(open_page(LESSON))
    block = page.locator(f"#q-{question.id}")
    block.locator(".q-number").fill(f"{question.answer + 2:g}")
    block.get_by_role("button", name="Check").click()
    block = page.locator(f"#q-{question.id}")
    expect(block.locator(".q-feedback")).to_be_visible()
    block.get_by_role("button", name="Run the scenario and see").click()
    run = page.locator(f"#q-{question.id}-run")
    expect(run).to_contain_text(f"$ {question.check}", timeout=20_000)
    expect(run).to_contain_text(f"The last command shows {question.answer:g}")
    expect(run).to_be_focused()
    assert_no_serious_violations(page)
