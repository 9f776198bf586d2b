"""PlaygroundView: the deltas a browser applies must leave it showing what a fresh page shows.

The browser is modelled by tests/web/oob_dom.py, which applies htmx's out-of-band swaps.
A learner's session of random actions (Hypothesis) runs against a real engine cluster; after
every step the live DOM has no swap without a target, and at the end it equals the DOM a
reload would build.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_sim.engine.script import ScriptRunner
from cluster_sim.live.view import MAX_EVENTS, PlaygroundView
from cluster_sim.live.workload_cards import WORKLOAD_KINDS
from cluster_sim.presets import build_cluster

from .oob_dom import OobDom, parse

REGIONS = ["nodes", "pods-unscheduled", "lane-more", "events-list", "sim-clock", "cluster-summary"]
REGIONS += [f"wl-{resource}s" for resource in WORKLOAD_KINDS.values()]
UNORDERED = ("nodes", "pods-", "events-list", "wl-")


def skeleton() -> str:
    return "".join(f'<div id="{region}"></div>' for region in REGIONS)


def browser_after_load(view: PlaygroundView) -> OobDom:
    dom = OobDom(skeleton())
    dom.apply(view.full_as_oob())
    assert dom.missing == []
    return dom


def canonical(element) -> tuple:
    """An element as nested tuples, the children of list-like containers sorted: a delta
    appends a new pod where a fresh render sorts it in."""
    attrs = tuple(sorted((k, v) for k, v in element.attrs.items() if k != "hx-swap-oob"))
    children = [c if isinstance(c, str) else canonical(c) for c in element.children]
    if element.attrs.get("id", "").startswith(UNORDERED):
        children.sort(key=repr)
    return element.tag, attrs, tuple(children)


def regions_of(dom: OobDom) -> dict:
    return {region: canonical(dom.element(region)) for region in REGIONS if region != "sim-clock"}


def assert_live_equals_reload(runner: ScriptRunner, view: PlaygroundView, dom: OobDom) -> None:
    fresh = browser_after_load(PlaygroundView(runner.cluster, view.controls))
    live, reloaded = regions_of(dom), regions_of(fresh)
    for region in live:
        assert live[region] == reloaded[region], f"#{region} differs from a reload"


def test_a_deployment_coming_up_matches_a_reload_at_every_step():
    cluster, runner = build_cluster("empty-3", seed=3, profile="fast")
    view = PlaygroundView(cluster)
    dom = browser_after_load(view)
    runner.run_line("kubectl create deployment web --image=nginx --replicas=5")
    runner.run_line("kubectl expose deployment web --port=80")
    for _ in range(40):
        dom.apply(view.delta())
        assert dom.missing == []
        assert_live_equals_reload(runner, view, dom)
        cluster.advance(500)
    pods = dom.element("nodes")
    assert repr(pods).count("'Running'") == 5


ACTIONS = st.sampled_from(
    [
        "kubectl create deployment web --image=nginx --replicas=4",
        "kubectl scale deployment web --replicas=7",
        "kubectl scale deployment web --replicas=1",
        "kubectl delete pod -l app=web --wait=false",
        "kubectl expose deployment web --port=80",
        "sim traffic web --rps 200",
        "sim traffic web --rps 0",
        "kubectl autoscale deployment web --cpu=50% --min=1 --max=6",
        "kubectl create deployment big --image=nginx",
        "kubectl set resources deployment big --requests=cpu=64",
        "kubectl run crash --image=busybox -- false",
        "kubectl create job once --image=busybox -- true",
        "sim node kill worker-2",
        "sim node restore worker-2",
        "kubectl cordon worker-1",
        "kubectl uncordon worker-1",
        "kubectl drain worker-3 --ignore-daemonsets --delete-emptydir-data",
        "sim node add extra --cpu 2 --memory 4Gi",
        "sim node remove extra",
        "kubectl delete deployment web",
        "kubectl set image deployment/web nginx=nginx:1.29",
        "kubectl set image deployment/web nginx=nginx:doesnotexist",
    ]
)
STEPS = st.lists(
    st.tuples(ACTIONS, st.integers(min_value=0, max_value=40_000)), min_size=3, max_size=8
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, seed=st.integers(min_value=0, max_value=2**16))
def test_a_random_session_leaves_the_browser_showing_what_a_reload_shows(steps, seed):
    cluster, runner = build_cluster("empty-3", seed=seed, profile="fast")
    view = PlaygroundView(cluster)
    dom = browser_after_load(view)
    for line, wait_ms in steps:
        runner.run_line(line)
        dom.apply(view.delta())
        cluster.advance(wait_ms)
        dom.apply(view.delta())
        assert dom.missing == [], f"a swap had no target after {line!r}"
        events = dom.element("events-list")
        assert len([c for c in events.children if not isinstance(c, str)]) <= MAX_EVENTS
    assert_live_equals_reload(runner, view, dom)


def test_nothing_changed_sends_only_nothing():
    cluster, runner = build_cluster("empty-3", seed=1, profile="fast")
    view = PlaygroundView(cluster)
    view.full()
    cluster.advance(60_000)
    view.delta()
    assert view.delta() == ""  # same instant, nothing new: not even the clock


def test_a_step_that_changes_one_pod_sends_at_most_2_kb():
    cluster, runner = build_cluster("empty-3", seed=1, profile="fast")
    runner.run_line("kubectl create deployment web --image=nginx --replicas=6")
    cluster.advance(120_000)
    view = PlaygroundView(cluster)
    view.full()
    runner.run_line("kubectl run solo --image=nginx")  # a bare pod: no controller objects
    sizes = []
    while (due := cluster.next_event_ms()) is not None and due <= cluster.now_ms + 30_000:
        cluster.advance(due - cluster.now_ms)
        delta = view.delta()
        if "pod-" in delta:
            sizes.append(len(delta.encode()))
    assert len(sizes) >= 2  # scheduled, then running (the steps that changed the pod)
    assert max(sizes) <= 2048, sizes


def test_fragments_start_with_their_id_so_they_can_be_marked_out_of_band():
    cluster, runner = build_cluster("mixed", seed=1, profile="fast")
    runner.run_line("kubectl expose deployment web --port=80")
    cluster.advance(30_000)
    view = PlaygroundView(cluster)
    full = view.full_as_oob()
    for top in parse(full).children:
        assert "id" in top.attrs and top.attrs.get("hx-swap-oob") == "true"


@pytest.mark.parametrize("preset", ["empty-3", "ml-recsys", "mixed"])
def test_a_learner_sized_full_view_is_under_60_kb(preset):
    cluster, runner = build_cluster(preset, seed=1, profile="fast")
    cluster.advance(300_000)
    assert len(PlaygroundView(cluster).full_as_oob().encode()) <= 60 * 1024


def test_a_hundred_nodes_switch_to_the_compact_grid_and_back():
    cluster, runner = build_cluster("nodes-100", seed=1, profile="fast")
    view = PlaygroundView(cluster)
    dom = browser_after_load(view)
    assert view.compact
    cells = [c for c in dom.element("nodes").children if not isinstance(c, str)]
    assert len(cells) == 100 and all(c.attrs["class"].startswith("cell") for c in cells)
    assert all("aria-label" in c.attrs for c in cells)  # the status is in text, too
    cluster.advance(120_000)
    dom.apply(view.delta())
    runner.run_line("sim node kill node-7")
    cluster.advance(60_000)
    dom.apply(view.delta())
    assert dom.missing == []
    assert "NotReady" in dom.element("node-node-7").attrs["aria-label"]
    assert_live_equals_reload(runner, view, dom)
    for number in range(41, 101):
        runner.run_line(f"sim node remove node-{number}")
    dom.apply(view.delta())
    assert not view.compact and dom.missing == []
    assert_live_equals_reload(runner, view, dom)


def unschedulable(replicas: int) -> str:
    """A Deployment whose pods no node can hold (50 CPUs each): all of them stay Pending."""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: huge}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: huge}}}}
  template:
    metadata: {{labels: {{app: huge}}}}
    spec:
      containers:
      - {{name: c, image: nginx, resources: {{requests: {{cpu: "50"}}}}}}
"""


def lane_ids(dom: OobDom) -> set[str]:
    lane = dom.element("pods-unscheduled")
    return {c.attrs["id"] for c in lane.children if not isinstance(c, str)}


def test_a_second_viewer_gets_the_lane_the_first_one_shows_and_both_stay_true():
    cluster, runner = build_cluster("empty-3", seed=2, profile="fast")
    view = PlaygroundView(cluster)
    first = browser_after_load(view)
    runner.run_line("kubectl apply -f -", unschedulable(70))
    for _ in range(30):  # the ReplicaSet creates its pods in slow-start batches
        cluster.advance(1_000)
        first.apply(view.delta())
    assert len(lane_ids(first)) == 50  # the first 50 to arrive; the rest counted
    second = OobDom(skeleton())
    second.apply(view.full_as_oob())  # a second tab opens now
    assert lane_ids(second) == lane_ids(first)
    runner.run_line("kubectl delete deployment huge")
    for _ in range(40):
        cluster.advance(1_000)
        update = view.delta()
        first.apply(update)
        second.apply(update)
    assert first.missing == [] and second.missing == []
    assert lane_ids(first) == lane_ids(second) == set()
    assert "more Pending" not in repr(first.element("lane-more"))


def test_pods_counted_as_more_are_drawn_when_the_lane_has_room_again():
    cluster, runner = build_cluster("empty-3", seed=2, profile="fast")
    view = PlaygroundView(cluster)
    dom = browser_after_load(view)
    runner.run_line("kubectl apply -f -", unschedulable(60))
    cluster.advance(30_000)
    dom.apply(view.delta())
    assert len(lane_ids(dom)) == 50 and "and 10 more" in repr(dom.element("lane-more"))
    runner.run_line("kubectl scale deployment huge --replicas=55")
    cluster.advance(30_000)
    dom.apply(view.delta())
    assert dom.missing == []
    pending = [p for p in cluster.store.list("Pod") if not p["spec"].get("nodeName")]
    pending = [p for p in pending if not p["metadata"].get("deletionTimestamp")]
    assert len(lane_ids(dom)) == min(50, len(pending))
    more = max(0, len(pending) - 50)
    assert (f"and {more} more" in repr(dom.element("lane-more"))) == bool(more)


def test_pods_of_a_removed_node_say_so_and_are_not_counted_running():
    cluster, runner = build_cluster("empty-3", seed=2, profile="fast")
    pinned = "apiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec:\n  nodeName: worker-1\n"
    pinned += "  containers: [{name: c, image: nginx}]\n"
    assert runner.run_line("kubectl apply -f -", pinned) == "pod/solo created"
    cluster.advance(30_000)
    view = PlaygroundView(cluster)
    dom = browser_after_load(view)
    runner.run_line("sim node remove worker-1")
    dom.apply(view.delta())
    lane = repr(dom.element("pods-unscheduled"))
    assert "solo" in lane and "worker-1, which no longer exists" in lane
    assert "0 Running" in repr(dom.element("cluster-summary"))
