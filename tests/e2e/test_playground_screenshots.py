"""Full-page screenshots of the playground at desktop and phone sizes, for people to look at.

They land in test-artifacts/screenshots/. The assertions only check that each view shows
what it should; judging overlaps, overflow and colours is a person's job.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    pod_chips,
    run_in_console,
    settle,
    wait_until_live,
)

pytestmark = pytest.mark.e2e


# --- 12. screenshots -----------------------------------------------------------------------------

SCREENSHOTS = ARTIFACTS / "screenshots"


def new_sandbox_from_preset(page: Page, preset: str) -> None:
    """The "New sandbox from a preset" form (a POST to /playground/new/)."""
    page.locator("details.pg-more > summary").click()
    page.locator(f'input[name="preset"][value="{preset}"]').check()
    with page.expect_navigation():
        page.locator(".preset-form").get_by_role("button", name="Create").click()
    wait_until_live(page)


def photograph(page: Page, open_page, name: str, console_line: str = "") -> Page:
    """Save `name`-desktop.png from `page` (a desktop page), then `name`-phone.png from the
    same sandbox opened on a phone by the same visitor (their session cookie), which is
    quicker than building the scene twice. `console_line` runs first on each page (the
    console shows only its own tab's answers). Returns the phone page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if console_line:
        run_in_console(page, console_line)
    page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=True)
    phone = open_page(page.url, storage_state=page.context.storage_state(), **PHONE)
    wait_until_live(phone)
    if console_line:
        run_in_console(phone, console_line)
    phone.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
    return phone


def test_screenshot_running_deployment(open_playground, open_page):
    page = open_playground(**DESKTOP)
    run_in_console(page, "kubectl create deployment web --image=nginx --replicas=5")
    settle(page)
    expect(pod_chips(page, "web").filter(has_text="Running")).to_have_count(5)

    phone = photograph(page, open_page, "deployment", "kubectl get pods -o wide")

    expect(pod_chips(phone, "web").filter(has_text="Running")).to_have_count(5)


def test_screenshot_ml_preset(open_playground, open_page):
    page = open_playground(**DESKTOP)
    new_sandbox_from_preset(page, "ml-recsys")
    expect(page.locator(".pg-preset")).to_have_text("the ML recommendation system")
    expect(page.locator("#node-gpu-1 .marker-taint")).to_contain_text("nvidia.com/gpu")
    settle(page)
    expect(pod_chips(page, "ui").filter(has_text="Running").first).to_be_visible()

    phone = photograph(page, open_page, "ml-recsys", "kubectl get pods")

    expect(phone.locator(".pg-preset")).to_have_text("the ML recommendation system")


def test_screenshot_100_node_heat_map(open_playground, open_page):
    page = open_playground(**DESKTOP)
    new_sandbox_from_preset(page, "nodes-100")
    expect(page.locator("#nodes")).to_have_class(re.compile(r"\bcompact\b"))
    expect(page.locator("#nodes button.cell")).to_have_count(100)
    expect(page.locator("#cluster-summary")).to_contain_text("100 nodes (100 Ready)")
    settle(page)
    expect(page.locator("#cluster-summary")).to_contain_text("240 pods: 240 Running")

    phone = photograph(page, open_page, "nodes-100")

    expect(phone.locator("#nodes.compact button.cell")).to_have_count(100)
