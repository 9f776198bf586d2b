"""Browser tests: a real Daphne server, a real Chromium, real HTTP and WebSockets.

- `server_url` (session): migrates a fresh SQLite file, starts Daphne on a free port as
  a subprocess, yields its base URL, and stops it at the end of the session.
- `browser` (package): one headless Chromium (Debian's, through Playwright), for all of
  tests/e2e; it is closed before any other package's async tests run (see below).
- `open_page` (per test): opens pages, each in a fresh browser context. When the test
  fails it saves a screenshot and the HTML of every page to test-artifacts/failures/,
  and it fails the test if a page logged a JavaScript error or a failed request.
- `open_playground` (per test): a fresh visitor's own sandbox, socket live; with it, the
  helpers the playground tests share (console, editor, clock, pod chips).

These tests are plain sync functions: Playwright's sync API refuses to run inside an
asyncio loop, and the tests never touch the Django database in-process (the server
has its own), so they need neither pytest-asyncio nor pytest-django's test DB.
See CONTRIBUTING.md.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Response,
    expect,
    sync_playwright,
)

from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.server import REPO, DaphneServer

ARTIFACTS = REPO / "test-artifacts"
FAILURES = ARTIFACTS / "failures"
SERVER_LOG = ARTIFACTS / "e2e-server.log"


DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_console_errors: the test expects pages to log errors (e.g. a dropped socket)",
    )


# --- the server ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (no trailing slash) of a real Daphne serving clusterlab over ASGI.

    Daphne serves HTTP and WebSockets (ws://host:port/...) through clusterlab.asgi;
    see tests/e2e/asgi.py for the one addition (static files, as runserver does).
    """
    ARTIFACTS.mkdir(exist_ok=True)
    server = DaphneServer(tmp_path_factory.mktemp("e2e-server") / "db.sqlite3", SERVER_LOG)
    server.migrate()
    try:
        yield server.start()
    finally:
        server.stop()


# --- the browser -----------------------------------------------------------------------


# Package scope, not session: while a sync Playwright is alive, Playwright marks its
# asyncio loop as running in this thread between calls (by design, see
# playwright/_impl/_greenlets.py), and every pytest-asyncio test run meanwhile fails
# with "Runner.run() cannot be called from a running event loop". Pytest runs a
# package's tests together, so the browser starts once and is gone before the async
# tests of other packages run.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. `make test` installs it; or run "
            "`bash scripts/e2e_setup.sh` (or set CLUSTERLAB_CHROMIUM to a Chromium binary)."
        )
    shutil.rmtree(FAILURES, ignore_errors=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


_call_report = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_call_report] = report
    return report


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")


def _watch_for_problems(page: Page, problems: list[str]) -> None:
    """Collect what a user's console would show as broken: JS errors, failed requests."""

    def on_console(msg: ConsoleMessage) -> None:
        # "Failed to load resource" repeats a failed response, reported with its URL below.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(f"console.error: {msg.text} ({msg.location.get('url')})")

    def on_response(response: Response) -> None:
        # Chromium asks for /favicon.ico on its own (the page does not); only the first
        # context of a session does, so counting it would make the check order-dependent.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"uncaught exception: {exc}"))
    page.on("response", on_response)
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url} ({req.failure})"))


@pytest.fixture
def open_page(
    browser: Browser, server_url: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """`open_page(path="/", **context_options)` opens `path` in a fresh context.

    Context options are Playwright's new_context() arguments; the default is DESKTOP.
    Pass path=None to get a blank page.
    """
    opened: list[tuple[Page, list[str]]] = []

    def _open(path: str | None = "/", **context_options) -> Page:
        context = browser.new_context(base_url=server_url, **{**DESKTOP, **context_options})
        context.set_default_timeout(10_000)
        page = context.new_page()
        problems: list[str] = []
        _watch_for_problems(page, problems)
        opened.append((page, problems))
        if path is not None:
            response = page.goto(path)
            assert response is not None and response.ok, (
                f"GET {path}: {response and response.status}"
            )
        return page

    yield _open

    report = request.node.stash.get(_call_report, None)
    try:
        if report is not None and report.failed:
            FAILURES.mkdir(parents=True, exist_ok=True)
            name = _artifact_name(request.node.nodeid)
            for index, (page, _) in enumerate(opened):
                stem = FAILURES / f"{name}-{index}"
                try:
                    page.screenshot(path=f"{stem}.png", full_page=True)
                    Path(f"{stem}.html").write_text(page.content(), "utf-8")
                except Exception as exc:  # the page may be gone; keep the real failure
                    print(f"could not save {stem}.png: {exc}", file=sys.stderr)
        elif (
            report is not None
            and report.passed
            and not request.node.get_closest_marker("allow_console_errors")
        ):
            problems = [p for _, page_problems in opened for p in page_problems]
            assert not problems, "the page logged errors:\n  " + "\n  ".join(problems)
    finally:
        for page, _ in opened:
            page.context.close()


# --- the playground ---------------------------------------------------------------------


def wait_until_live(page: Page) -> Page:
    """The playground's WebSocket is open: commands typed now reach the server."""
    expect(page.locator("#connection.conn-live")).to_be_visible()
    return page


@pytest.fixture
def open_playground(open_page: Callable[..., Page]) -> Callable[..., Page]:
    """`open_playground(**context_options)`: a fresh visitor's own sandbox (3 empty
    workers), with its socket live. Each call is a new context, so a new session."""

    def _open(**context_options) -> Page:
        return wait_until_live(open_page("/playground/", **context_options))

    return _open


def show_tab(page: Page, name: str) -> None:
    tab = page.locator(f"#tab-{name}")
    if tab.get_attribute("aria-selected") != "true":
        tab.click()
    expect(page.locator(f"#panel-{name}")).to_be_visible()


def run_in_console(page: Page, line: str) -> Locator:
    """Type `line` in the console, press Enter, wait for its answer; return that entry.

    Answers come only to the socket that asked, in order, so the next entry is ours.
    """
    show_tab(page, "console")
    entries = page.locator("#console-output .console-entry")
    before = entries.count()
    console = page.locator("#console-input")
    console.fill(line)
    console.press("Enter")
    entry = entries.nth(before)
    expect(entry.locator(".console-cmd")).to_have_text(f"$ {line}")
    return entry


def console_output(page: Page, line: str) -> str:
    entry = run_in_console(page, line)
    out = entry.locator(".console-out")
    return out.inner_text() if out.count() else ""


def go_fast(page: Page) -> None:
    """Fast timings and 20x speed: what a classroom demo uses, and what keeps tests short."""
    run_in_console(page, "sim profile fast")
    expect(page.locator("#sim-clock")).to_have_attribute("data-profile", "fast")
    page.locator('button.speed[data-speed="20"]').click()
    expect(page.locator("#sim-clock")).to_have_attribute("data-speed", "20")


def pod_chips(page: Page, workload: str, scope: str = "#nodes") -> Locator:
    """The pod chips under `scope` whose names start with `workload-`."""
    name = page.locator(".pod-name", has_text=re.compile(rf"^{re.escape(workload)}-"))
    return page.locator(f"{scope} .pod").filter(has=name)


def pods_by_node(page: Page) -> dict[str, str]:
    """{pod name: node card id} as the page draws them now."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#nodes article.node')]
            .flatMap((node) => [...node.querySelectorAll('.pod .pod-name')]
                .map((name) => [name.textContent, node.id])))"""
    )


WEB_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
"""
# The same Deployment with a string where kubectl wants an int32: line 6.
BAD_REPLICAS_LINE = 6
BAD_DEPLOYMENT = WEB_DEPLOYMENT.replace("replicas: 3", "replicas: three")


def open_editor(page: Page) -> None:
    show_tab(page, "editor")
    expect(page.locator("#panel-editor .cm-editor")).to_be_visible()


def set_editor_text(page: Page, text: str) -> None:
    # create() returns the page's existing editor for the textarea (it keeps one per textarea).
    page.evaluate(
        """(text) => {
            const editor = ClusterLabEditor.create(document.getElementById('yaml-input'));
            ClusterLabEditor.setText(editor, text);
        }""",
        text,
    )


def apply_yaml(page: Page, text: str) -> None:
    open_editor(page)
    set_editor_text(page, text)
    page.get_by_role("button", name="Apply").click()


def create_running_deployment(page: Page, name: str = "web", replicas: int = 3) -> None:
    """A Deployment whose pods all run (needs go_fast first to stay quick)."""
    output = console_output(
        page, f"kubectl create deployment {name} --image=nginx --replicas={replicas}"
    )
    assert output == f"deployment.apps/{name} created"
    expect(pod_chips(page, name).filter(has_text="Running")).to_have_count(replicas)


def pause(page: Page) -> None:
    page.locator('[data-time="pause"]').click()
    expect(page.locator("#sim-clock")).to_have_attribute("data-paused", "true")


def settle(page: Page, duration: str = "30s") -> None:
    """Pause, then move the simulated clock on in one step: a still scene to photograph."""
    pause(page)
    run_in_console(page, f"sim advance {duration}")
