"""A learner makes an account in the browser: the form is usable by keyboard and accessible,
what they did before comes with them, and signing out leaves a fresh visitor."""

import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.conftest import ARTIFACTS, PHONE, wait_until_live

pytestmark = pytest.mark.e2e

LESSON = "/learn/06-pods-replicasets-deployments/"


def test_a_learner_signs_up_and_keeps_what_they_did(open_page):
    page = wait_until_live(open_page(LESSON))
    page.locator("[data-apply]").first.click()
    expect(page.locator("#editor-status")).to_have_text("Applied.")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Create one").click()
    assert_no_serious_violations(page)
    name = f"learner{secrets.randbelow(10**9)}"
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label("Password confirmation").press_sequentially("a-long-pass-phrase-42")
    page.keyboard.press("Enter")
    # back where they were, signed in, with their progress
    expect(page).to_have_url(LESSON)
    expect(page.locator(".account")).to_contain_text(f"Signed in as {name}")
    wait_until_live(page)
    expect(page.get_by_role("link", name="Continue where you left off")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".account")).to_contain_text("Sign in")
    expect(page.locator(".course-map")).not_to_contain_text("in progress")


@pytest.mark.allow_console_errors  # the refused sign-in answers 400, as it should
def test_a_wrong_password_is_explained_in_an_accessible_form(open_page):
    page = open_page("/accounts/sign-in/", **PHONE)
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")
    assert_no_serious_violations(page)
    page.screenshot(path=ARTIFACTS / "screenshots" / "sign-in-phone.png", full_page=True)


def test_a_tab_left_open_still_works_after_signing_up_in_another(open_page):
    """Signing in rotates the CSRF token: the old tab reads the current one from the cookie."""
    lesson = wait_until_live(open_page(LESSON))
    other = lesson.context.new_page()
    other.goto("/accounts/sign-up/")
    name = f"learner{secrets.randbelow(10**9)}"
    other.get_by_label("Username").fill(name)
    other.get_by_label("Password", exact=True).fill("a-long-pass-phrase-42")
    other.get_by_label("Password confirmation").fill("a-long-pass-phrase-42")
    other.get_by_role("button", name="Create an account").click()
    expect(other.locator(".account")).to_contain_text(f"Signed in as {name}")
    predict = lesson.locator("[data-predict]").first
    predict.locator(".predict-number").fill("6")
    predict.locator("[data-predict-commit]").click()
    expect(predict.locator(".predict-answer")).to_contain_text("You predicted: 6")
