"""The playground by keyboard alone, and axe-core's checks of its states (desktop, phone).

The home page's own axe checks (desktop and phone) are in test_home_page.py.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.conftest import (
    BAD_DEPLOYMENT,
    DESKTOP,
    PHONE,
    apply_yaml,
    pod_chips,
    run_in_console,
    settle,
    show_tab,
)

pytestmark = pytest.mark.e2e


# --- 10. keyboard --------------------------------------------------------------------------------

FOCUSED = """() => {
    const el = document.activeElement;
    return {
        id: el.id, tag: el.tagName.toLowerCase(), role: el.getAttribute('role') || '',
        cls: typeof el.className === 'string' ? el.className : '',
        why: el.dataset ? el.dataset.why || '' : '',
        editor: !!el.closest('.cm-editor'),
    };
}"""


def tab_through(page: Page, limit: int) -> list[dict]:
    """Focus stops from the top of the page, pressing Tab up to `limit` times."""
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    return stops


def test_keyboard_reaches_everything_and_never_traps(open_playground):
    page = open_playground()
    run_in_console(page, "kubectl run solo --image=nginx")
    expect(page.locator("#nodes .pod")).to_have_count(1)
    page.locator('[data-time="pause"]').click()  # no redraws while we walk the page
    expect(page.locator("#sim-clock")).to_have_attribute("data-paused", "true")

    stops = tab_through(page, 60)

    def first(match) -> int:
        found = [i for i, stop in enumerate(stops) if match(stop)]
        assert found, f"Tab never reached it; stops: {[(s['tag'], s['id']) for s in stops]}"
        return found[0]

    node_button = first(lambda s: s["why"] == "node")
    pod_chip = first(lambda s: s["why"] == "pod" and "pod" in s["cls"].split())
    console_tab = first(lambda s: s["id"] == "tab-console")
    console_input = first(lambda s: s["id"] == "console-input")
    assert node_button < pod_chip < console_tab < console_input  # reading order
    # Only the selected tab is a Tab stop (roving tabindex); the others are reached by arrows.
    assert not any(s["role"] == "tab" and s["id"] != "tab-console" for s in stops)

    tab = page.locator("#tab-console")
    tab.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-editor")).to_be_focused()
    expect(page.locator("#tab-editor")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-editor")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(tab).to_be_focused()
    expect(page.locator("#panel-console")).to_be_visible()
    page.keyboard.press("End")
    expect(page.locator("#tab-events")).to_be_focused()
    page.keyboard.press("ArrowRight")  # wraps around
    expect(tab).to_be_focused()

    chip = page.locator("#nodes .pod").first
    chip.focus()
    page.keyboard.press("Enter")
    why = page.locator("#why-panel")
    heading = why.get_by_role("heading", name=re.compile(r"Why is pod solo"))
    expect(heading).to_be_focused()
    expect(page.locator("#tab-why")).to_have_attribute("aria-selected", "true")

    # The editor takes Tab for indentation; Escape then Tab leaves it (no keyboard trap).
    show_tab(page, "editor")
    content = page.locator("#panel-editor .cm-content")
    content.click()
    page.keyboard.press("Tab")
    expect(content).to_be_focused()
    assert page.evaluate(
        "() => ClusterLabEditor.getText(ClusterLabEditor.create("
        "document.getElementById('yaml-input')))"
    ).startswith("  ")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not page.evaluate(FOCUSED)["editor"], "Escape, Tab did not leave the editor"
    page.keyboard.press("Shift+Tab")
    expect(content).to_be_focused()


# --- 11. accessibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_playground_has_no_serious_accessibility_problems(open_playground, device):
    page = open_playground(**device)
    run_in_console(page, "kubectl create deployment web --image=nginx --replicas=3")
    run_in_console(page, "kubectl create deployment big --image=nginx")
    run_in_console(page, "kubectl set resources deployment big --requests=cpu=64")
    settle(page)  # a still page: axe reads it in several passes
    expect(pod_chips(page, "web").filter(has_text="Running")).to_have_count(3)
    expect(pod_chips(page, "big", scope="#pods-unscheduled")).to_have_count(1)
    assert_no_serious_violations(page)

    pod_chips(page, "big", scope="#pods-unscheduled").click()
    expect(page.locator("#why-panel .why-scheduling")).to_be_visible()
    assert_no_serious_violations(page)

    apply_yaml(page, BAD_DEPLOYMENT)
    expect(page.locator(".cm-lint-marker-error")).to_have_count(1)
    assert_no_serious_violations(page)
