"""The live playground in a real Chromium over real WebSockets: the paths a learner takes.

Each test opens its own context, hence its own session and its own sandbox (three empty
4-CPU workers). Tests that watch the simulated clock switch to the fast profile and 20x.
Keyboard and axe checks are in test_playground_a11y.py, screenshots in
test_playground_screenshots.py; the shared helpers in conftest.py.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.conftest import (
    ARTIFACTS,
    BAD_DEPLOYMENT,
    BAD_REPLICAS_LINE,
    WEB_DEPLOYMENT,
    _watch_for_problems,
    apply_yaml,
    console_output,
    create_running_deployment,
    go_fast,
    pod_chips,
    pods_by_node,
    run_in_console,
    show_tab,
    wait_until_live,
)

pytestmark = pytest.mark.e2e


# --- 1. the YAML editor --------------------------------------------------------------------------


def test_apply_from_the_editor_runs_the_pods_on_node_cards(open_playground):
    page = open_playground()
    go_fast(page)

    apply_yaml(page, WEB_DEPLOYMENT)

    expect(page.locator("#editor-result")).to_contain_text("deployment.apps/web created")
    expect(page.locator("#editor-result")).not_to_have_class(re.compile(r"\bfailed\b"))
    pods = pod_chips(page, "web")
    expect(pods).to_have_count(3)
    for index in range(3):
        expect(pods.nth(index).locator(".pod-status")).to_have_text("Running")
        expect(pods.nth(index)).to_have_class(re.compile(r"\bst-running\b"))
    expect(page.locator("#cluster-summary")).to_contain_text("3 pods: 3 Running")


# --- 2. killing a node ---------------------------------------------------------------------------


def test_killing_a_node_makes_it_notready_and_replaces_its_pods(open_playground):
    page = open_playground()
    go_fast(page)
    create_running_deployment(page, "web", 3)
    placement = pods_by_node(page)
    victim_id = placement[min(placement)]  # the node of the first pod by name
    victim = victim_id.removeprefix("node-")
    doomed = sorted(pod for pod, node in placement.items() if node == victim_id)

    page.locator(f"#{victim_id}-btn").click()
    why = page.locator("#why-panel")
    expect(why.get_by_role("heading", name=f"Node {victim}")).to_be_focused()
    why.get_by_role("button", name="Kill (switch off)").click()

    answer = page.locator("#console-output .console-entry").last
    expect(answer).to_contain_text(f"$ sim node kill {victim}")
    expect(answer).to_contain_text(f"node/{victim} powered off")
    node = page.locator(f"#{victim_id}")
    expect(node.locator(".marker-off")).to_have_text("powered off (simulated)")
    expect(node.locator(".node-status .status")).to_have_text("NotReady")
    # After the (fast) 30 s NoExecute toleration the pods are evicted; the ReplicaSet
    # replaces them on the nodes that still run.
    survivors = f"#nodes article.node:not(#{victim_id})"
    expect(page.locator(survivors)).to_have_count(2)
    replacements = pod_chips(page, "web", scope=survivors)
    expect(replacements).to_have_count(3)
    expect(replacements.filter(has_text="Running")).to_have_count(3)
    new_names = {pod for pod, node in pods_by_node(page).items() if node != victim_id}
    assert not new_names & set(doomed), (doomed, new_names)
    # The evicted pods stay Terminating on the dead node: no kubelet confirms their end.
    for name in doomed:
        chip = page.locator(f"#{victim_id} .pod", has_text=name)
        expect(chip.locator(".pod-status")).to_have_text("Terminating")
    # The node's panel follows the cluster once focus has left it (it never redraws
    # under the keyboard): Kill is now disabled, Restore enabled.
    page.locator("#nodes-heading").click()
    expect(why.get_by_role("button", name="Restore")).to_be_enabled()
    expect(why.get_by_role("button", name="Kill (switch off)")).to_be_disabled()


# --- 3. errors at their line ---------------------------------------------------------------------


def test_a_failing_manifest_marks_its_line_in_the_editor(open_playground):
    page = open_playground()

    apply_yaml(page, BAD_DEPLOYMENT)

    result = page.locator("#editor-result")
    expect(result).to_have_class(re.compile(r"\bfailed\b"))
    expect(result.locator(".diagnostics li")).to_have_count(1)
    expect(result.locator(".diagnostics li")).to_contain_text(
        f"line {BAD_REPLICAS_LINE}: Error from server (BadRequest)"
    )
    expect(result.locator(".diagnostics li")).to_contain_text("spec.replicas of type int32")
    # The gutter marks that line and only that line: the marker sits in the gutter row
    # whose line number is BAD_REPLICAS_LINE (same vertical position).
    marker = page.locator(".cm-lint-marker-error")
    expect(marker).to_have_count(1)
    underline = page.locator(".cm-lintRange-error")
    expect(underline).to_have_count(1)
    expect(underline).to_have_text("replicas: three")
    marked = page.evaluate(
        """() => {
            const mark = document.querySelector('.cm-lint-marker-error').getBoundingClientRect();
            const middle = mark.top + mark.height / 2;
            const row = [...document.querySelectorAll('.cm-lineNumbers .cm-gutterElement')]
                .filter((el) => el.style.visibility !== 'hidden' && /^\\d+$/.test(el.textContent))
                .find((el) => {
                    const box = el.getBoundingClientRect();
                    return box.top <= middle && middle < box.bottom;
                });
            return row ? Number(row.textContent) : null;
        }"""
    )
    assert marked == BAD_REPLICAS_LINE, f"the lint marker is on line {marked}"
    # Nothing was created.
    expect(page.locator("#nodes .pod")).to_have_count(0)


# --- 4. the console ------------------------------------------------------------------------------


def test_console_answers_recalls_clears_and_helps(open_playground):
    page = open_playground()
    console = page.locator("#console-input")

    run_in_console(page, "kubectl create deployment api --image=nginx --replicas=2")
    output = console_output(page, "kubectl get pods")
    assert re.match(r"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n", output), output
    assert len(re.findall(r"^api-\S+\s+0/1|^api-\S+\s+1/1", output, re.M)) == 2, output

    console.press("ArrowUp")
    expect(console).to_have_value("kubectl get pods")
    console.press("ArrowUp")
    expect(console).to_have_value("kubectl create deployment api --image=nginx --replicas=2")
    console.press("ArrowDown")
    expect(console).to_have_value("kubectl get pods")

    console.fill("clear")
    console.press("Enter")
    expect(page.locator("#console-output > *")).to_have_count(0)
    expect(console).to_have_value("")

    help_text = console_output(page, "help")
    assert "kubectl get pods -o wide" in help_text
    assert "sim node kill NAME" in help_text
    expect(page.locator("#console-output .console-entry")).to_have_count(1)


# --- 5. Why is a pod Pending? --------------------------------------------------------------------


def test_why_panel_explains_a_pod_no_node_can_fit(open_playground):
    page = open_playground()
    run_in_console(page, "kubectl create deployment big --image=nginx")
    output = console_output(page, "kubectl set resources deployment big --requests=cpu=64")
    assert output == "deployment.apps/big resource requirements updated"

    lane = page.locator("#pods-unscheduled")
    pending = pod_chips(page, "big", scope="#pods-unscheduled")
    expect(pending).to_have_count(1)
    expect(pending.locator(".pod-status")).to_have_text("Pending")
    reason = "0/3 nodes are available: 3 Insufficient cpu."
    expect(pending.locator(".pod-reason")).to_contain_text(reason)
    expect(lane.locator(".pod")).to_have_count(1)

    pending.click()

    why = page.locator("#why-panel")
    expect(page.locator("#tab-why")).to_have_attribute("aria-selected", "true")
    expect(why.locator("h3").first).to_contain_text("Pending")
    expect(why.locator(".why-sched-message")).to_contain_text("Unschedulable")
    expect(why.locator(".why-sched-message")).to_contain_text("Insufficient cpu")
    rejected = why.locator("table.why-rejected tbody tr")
    expect(rejected).to_have_count(3)
    for row in rejected.all():
        expect(row.locator("td").nth(0)).to_have_text("NodeResourcesFit")
        expect(row.locator("td").nth(1)).to_have_text("Insufficient cpu")


def lane_placeholder(page: Page) -> str:
    """What the empty Unscheduled lane says (CSS generated content), or "none"."""
    return page.evaluate(
        "() => getComputedStyle(document.getElementById('pods-unscheduled'), '::after').content"
    )


def test_unscheduled_lane_says_when_it_is_empty_again(open_playground):
    page = open_playground()
    assert lane_placeholder(page) == '"No Pending pods."'
    run_in_console(page, "kubectl create deployment big --image=nginx --replicas=0")
    run_in_console(page, "kubectl set resources deployment big --requests=cpu=64")
    run_in_console(page, "kubectl scale deployment big --replicas=2")
    expect(pod_chips(page, "big", scope="#pods-unscheduled")).to_have_count(2)
    assert lane_placeholder(page) == "none"
    # The lane as a page load draws it (several pods at once), then emptied by live updates.
    page.reload()
    wait_until_live(page)
    expect(pod_chips(page, "big", scope="#pods-unscheduled")).to_have_count(2)

    run_in_console(page, "kubectl delete deployment big")

    expect(page.locator("#pods-unscheduled .pod")).to_have_count(0)
    assert lane_placeholder(page) == '"No Pending pods."'


# --- 6. time controls ----------------------------------------------------------------------------

_UNITS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}


def seconds(clock_text: str) -> int:
    """'1h2m3s' -> 3723: the clock prints Go-style durations in whole seconds."""
    parts = re.findall(r"(\d+)([dhms])", clock_text)
    assert parts and "".join(n + u for n, u in parts) == clock_text, clock_text
    return sum(int(n) * _UNITS[u] for n, u in parts)


def test_time_controls_pause_step_speed_and_play(open_playground):
    page = open_playground()
    clock = page.locator("#sim-clock")
    time_text = clock.locator(".clock-time")

    page.locator('[data-time="pause"]').click()
    expect(clock).to_have_attribute("data-paused", "true")
    expect(clock.locator(".clock-state")).to_have_text("paused")
    expect(page.locator("#play-pause")).to_have_text("Play")
    frozen = time_text.inner_text()
    page.wait_for_timeout(1_500)  # measuring that nothing changes: a sleep is the point
    expect(time_text).to_have_text(frozen)

    page.locator('[data-time="step"]').click()
    expect(time_text).not_to_have_text(frozen)
    assert seconds(time_text.inner_text()) == seconds(frozen) + 1
    expect(clock).to_have_attribute("data-paused", "true")

    page.locator('button.speed[data-speed="5"]').click()
    expect(clock).to_have_attribute("data-speed", "5")
    expect(page.locator('button.speed[data-speed="5"]')).to_have_attribute("aria-pressed", "true")
    for other in ("1", "20"):
        expect(page.locator(f'button.speed[data-speed="{other}"]')).to_have_attribute(
            "aria-pressed", "false"
        )

    stepped = time_text.inner_text()
    page.locator('[data-time="play"]').click()
    expect(clock).to_have_attribute("data-paused", "false")
    expect(clock.locator(".clock-state")).to_have_text("running at 5×")
    expect(page.locator("#play-pause")).to_have_text("Pause")
    expect(time_text).not_to_have_text(stepped)
    assert seconds(time_text.inner_text()) > seconds(stepped)


# --- 7 and 8. state kept on reload, and shared by two tabs ---------------------------------------


def test_reload_keeps_the_pods_on_their_nodes(open_playground):
    page = open_playground()
    go_fast(page)
    create_running_deployment(page, "web", 3)
    run_in_console(page, "kubectl scale deployment web --replicas=5")
    expect(pod_chips(page, "web").filter(has_text="Running")).to_have_count(5)
    page.locator('[data-time="pause"]').click()
    expect(page.locator("#sim-clock")).to_have_attribute("data-paused", "true")
    before = pods_by_node(page)
    clock = page.locator("#sim-clock .clock-time").inner_text()

    page.reload()
    wait_until_live(page)

    assert pods_by_node(page) == before
    expect(page.locator("#sim-clock .clock-time")).to_have_text(clock)
    expect(page.locator("#sim-clock")).to_have_attribute("data-profile", "fast")
    expect(page.locator("#sim-clock")).to_have_attribute("data-speed", "20")


def test_two_tabs_of_one_visitor_stay_in_sync(open_playground):
    first = open_playground()
    second = first.context.new_page()
    problems: list[str] = []
    _watch_for_problems(second, problems)
    second.goto(first.url)
    wait_until_live(second)

    run_in_console(first, "kubectl run solo --image=nginx")

    expect(second.locator("#nodes .pod", has_text="solo")).to_have_count(1)
    # The answer went to the tab that asked, not to the other one.
    expect(second.locator("#console-output .console-entry")).to_have_count(0)

    run_in_console(second, "kubectl delete pod solo --wait=false")
    expect(first.locator("#nodes .pod", has_text="solo")).to_have_count(0)
    assert not problems, problems


# --- 9. a sandbox is private ---------------------------------------------------------------------


@pytest.mark.allow_console_errors  # the 404 and the refused socket are logged by Chromium
def test_another_visitor_gets_a_404_for_someone_elses_sandbox(open_playground, open_page):
    owner = open_playground()
    stranger = open_page(None)

    response = stranger.goto(owner.url)

    assert response is not None and response.status == 404
    expect(stranger.locator("#playground")).to_have_count(0)
    # The WebSocket is refused too: closed with 4403 before any update is sent (the page
    # explains that code; htmx does not retry it).
    sandbox = owner.url.rstrip("/").rsplit("/", 1)[-1]
    outcome = stranger.evaluate(
        """(path) => new Promise((resolve) => {
            let messages = 0;
            const socket = new WebSocket(location.origin.replace('http', 'ws') + path);
            socket.onmessage = () => { messages += 1; };
            socket.onclose = (event) => resolve({code: event.code, messages});
        })""",
        f"/ws/playground/{sandbox}/",
    )
    assert outcome == {"code": 4403, "messages": 0}
    # The owner's page is unaffected.
    expect(owner.locator("#connection")).to_have_class(re.compile(r"\bconn-live\b"))


def test_charts_follow_traffic_and_the_autoscaler(open_playground):
    page = open_playground()
    show_tab(page, "charts")
    expect(page.locator("#charts-panel")).to_contain_text("No charts yet")
    from cluster_sim.live.charts import EXAMPLE

    for line in (*EXAMPLE, "sim advance 3m"):  # what the empty tab suggests, then time
        run_in_console(page, line)
    show_tab(page, "charts")
    charts = page.locator("#charts-panel figure.chart")
    expect(charts).to_have_count(3)
    expect(charts.first).to_contain_text("Load on service/web")
    expect(charts.nth(2)).to_contain_text("Replicas of horizontalpodautoscaler/web")
    charts.first.get_by_text("The numbers").click()
    expect(charts.first.locator("table")).to_be_visible()
    assert_no_serious_violations(page)
    page.locator("#panel-charts").screenshot(path=ARTIFACTS / "screenshots" / "charts.png")
