"""kill -9 safety: what the playground acknowledged survives a crash of the server.

A separate Daphne on its own SQLite file (the session server must survive this test):
commands run through the page, each answered; the server is then killed with SIGKILL
(no shutdown code runs) and a new one started on the same port and database. The
reloaded page must show the same cluster: the sandbox is rebuilt by replaying its
logged commands at the simulated instants they ran.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ARTIFACTS,
    console_output,
    go_fast,
    pod_chips,
    pods_by_node,
    wait_until_live,
)
from tests.e2e.server import DaphneServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def crashable_server(tmp_path: Path) -> Iterator[DaphneServer]:
    server = DaphneServer(tmp_path / "db.sqlite3", ARTIFACTS / "e2e-restart-server-1.log")
    server.migrate()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def pod_names(page: Page) -> list[str]:
    output = console_output(page, "kubectl get pods -o name")
    return sorted(output.split())


def snapshot(page: Page) -> dict:
    """What must survive: the pods, the Deployment, the killed node, the clock."""
    return {
        "pods": pod_names(page),
        "deployment": console_output(page, "kubectl get deployment web"),
        "nodes": console_output(page, "kubectl get nodes"),
        "clock": page.locator("#sim-clock .clock-time").inner_text(),
    }


# Chromium logs the dropped socket and its failed reconnection attempts as errors.
@pytest.mark.allow_console_errors
def test_acknowledged_commands_survive_kill_9(crashable_server, open_page):
    page = open_page(None)
    page.goto(crashable_server.url + "/playground/")
    wait_until_live(page)
    go_fast(page)
    assert console_output(page, "kubectl create deployment web --image=nginx --replicas=2") == (
        "deployment.apps/web created"
    )
    assert console_output(page, "kubectl scale deployment web --replicas=4") == (
        "deployment.apps/web scaled"
    )
    expect(pod_chips(page, "web").filter(has_text="Running")).to_have_count(4)
    on_worker_1 = sum(node == "node-worker-1" for node in pods_by_node(page).values())
    assert "powered off" in console_output(page, "sim node kill worker-1")
    # Let the node lifecycle controller act: NotReady, then its pods evicted and replaced.
    expect(page.locator("#node-worker-1 .node-status .status")).to_have_text("NotReady")
    survivors = "#nodes article.node:not(#node-worker-1)"
    expect(pod_chips(page, "web", scope=survivors).filter(has_text="Running")).to_have_count(4)
    # Pause, so that no simulated time passes between the two snapshots. The socket
    # handles one message at a time, so the answer to the next command proves the
    # pause (and the clock it saved) has reached the database.
    page.locator('[data-time="pause"]').click()
    expect(page.locator("#sim-clock")).to_have_attribute("data-paused", "true")
    before = snapshot(page)
    # 4 Running, plus worker-1's evicted pods, Terminating there (no kubelet confirms)
    assert len(before["pods"]) == 4 + on_worker_1, before
    assert re.search(r"^web\s+4/4\s+4\s+4\s", before["deployment"], re.M), before["deployment"]
    assert re.search(r"^worker-1\s+NotReady", before["nodes"], re.M), before["nodes"]

    crashable_server.kill_hard()
    expect(page.locator("#connection")).not_to_have_class(re.compile(r"\bconn-live\b"))
    crashable_server.start(ARTIFACTS / "e2e-restart-server-2.log")  # same port, same database
    page.reload()
    wait_until_live(page)

    after = snapshot(page)
    assert after == before
    expect(page.locator("#sim-clock")).to_have_attribute("data-paused", "true")
    expect(page.locator("#node-worker-1 .marker-off")).to_have_text("powered off (simulated)")
    expect(pod_chips(page, "web", scope=survivors).filter(has_text="Running")).to_have_count(4)
