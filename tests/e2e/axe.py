"""Accessibility checks with axe-core, injected into the page under test.

axe-core is pinned in package.json / package-lock.json and installed by
scripts/e2e_setup.sh (part of `make test`). It is evaluated through the DevTools
protocol rather than added as a <script> tag, so a strict Content-Security-Policy on
the app cannot block it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(
            f"{AXE_JS} is missing. `make test` installs it; or run `bash scripts/e2e_setup.sh`."
        )
    return AXE_JS.read_text("utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Run every axe-core rule on the page as it is now; return the violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source() + "\n;undefined")
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']}"
            f"\n    {violation['helpUrl']}"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", "\n          ")
            lines.append(f"      at {target}\n          {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"      ... and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


def assert_no_serious_violations(page: Page) -> None:
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe-core found {len(blocking)} serious or critical accessibility problems on "
        f"{page.url}:\n{format_violations(blocking)}"
    )
