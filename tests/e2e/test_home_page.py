"""The home page in a real Chromium: content, keyboard access, phone layout, axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE

pytestmark = pytest.mark.e2e

HEADING = "Learn how distributed systems and Kubernetes really work"


def test_home_page_shows_heading_and_introduction(open_page):
    page = open_page("/")

    expect(page).to_have_title("ClusterLab")
    expect(page.get_by_role("heading", level=1, name=HEADING)).to_be_visible()
    expect(page.get_by_text("ClusterLab pairs short lessons")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="What is here today")).to_be_visible()
    # The stylesheet is served and applied (static files through the ASGI server).
    expect(page.locator(".brand")).to_have_css("color", "rgb(29, 78, 216)")

    page.screenshot(path=ARTIFACTS / "home-desktop.png", full_page=True)


def test_tab_reaches_the_skip_link_first_and_shows_it(open_page):
    page = open_page("/")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport(ratio=1)
    page.screenshot(path=ARTIFACTS / "home-skip-link-focused.png")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_visible()


def test_phone_layout_has_no_horizontal_scroll(open_page):
    page = open_page("/", **PHONE)

    width = PHONE["viewport"]["width"]
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    too_wide = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > width + 0.5)
            .filter((el) => el.getBoundingClientRect().left >= 0)
            .slice(0, 5)
            .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}">`
                         + ` right=${Math.round(el.getBoundingClientRect().right)}`)""",
        width,
    )
    assert scroll_width <= width, (
        f"the page is {scroll_width} px wide on a {width} px phone; widest elements: {too_wide}"
    )
    expect(page.get_by_role("heading", level=1, name=HEADING)).to_be_in_viewport()

    page.screenshot(path=ARTIFACTS / "home-phone.png", full_page=True)


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_home_page_has_no_serious_accessibility_problems(open_page, device):
    page = open_page("/", **device)
    assert_no_serious_violations(page)

    # The focused skip link is a state of its own (colours, contrast): check it too.
    page.keyboard.press("Tab")
    assert_no_serious_violations(page)
