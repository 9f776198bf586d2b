"""kube-scheduler's filters, scores and messages, on a control plane with no kubelets."""

import random

from cluster_sim.engine.apiserver import APIServer
from cluster_sim.engine.context import Context
from cluster_sim.engine.events import EventRecorder
from cluster_sim.engine.nodes import node_manifest, ready_conditions
from cluster_sim.engine.profiles import REALISTIC
from cluster_sim.engine.scheduler import Scheduler
from cluster_sim.engine.scheduler.scheduler import num_feasible_nodes_to_find
from cluster_sim.engine.store import Store
from cluster_sim.engine.timeline import Timeline


def control_plane():
    store, timeline, rng = Store(), Timeline(), random.Random(0)
    api = APIServer(store, timeline, rng)
    ctx = Context(store, api, timeline, EventRecorder(api, timeline), rng, REALISTIC)
    api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}})
    scheduler = Scheduler(ctx, image_info=lambda image: None)
    return ctx, scheduler


def add_node(ctx, name, **options):
    node = node_manifest(name, **options)
    node["status"]["conditions"] = ready_conditions("2026-01-05T09:00:00Z")
    return ctx.api.create(node)


def add_pod(ctx, name, cpu=None, **spec):
    container = {"name": "app", "image": "nginx"}
    if cpu:
        container["resources"] = {"requests": {"cpu": cpu}}
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [container], **spec},
    }
    return ctx.api.create(pod)


def test_failed_scheduling_message_has_upstreams_shape():
    ctx, scheduler = control_plane()
    add_node(ctx, "node-1", cpu="1")
    add_node(ctx, "node-2", cpu="1")
    cordoned = add_node(ctx, "node-3", cpu="8")
    cordoned["spec"]["unschedulable"] = True
    ctx.api.touch(cordoned)
    pod = add_pod(ctx, "big", cpu="2")
    scheduler.run()
    record = scheduler.records[pod["metadata"]["uid"]]
    assert record.chosen_node is None
    assert record.message == (
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. "
        "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod."
    )
    assert record.rejected["node-3"] == ("NodeUnschedulable", ("node(s) were unschedulable",))
    events = [e for e in ctx.store.list("Event", "default") if e["reason"] == "FailedScheduling"]
    assert events and events[0]["type"] == "Warning"
    condition = pod["status"]["conditions"][0]
    assert (condition["type"], condition["status"], condition["reason"]) == (
        "PodScheduled",
        "False",
        "Unschedulable",
    )


def test_pending_pod_is_retried_when_a_node_joins():
    ctx, scheduler = control_plane()
    add_node(ctx, "small", cpu="1")
    pod = add_pod(ctx, "big", cpu="2")
    scheduler.run()
    assert pod["spec"].get("nodeName") is None
    add_node(ctx, "large", cpu="4")
    # the failed pod waits out its 1 s back-off in the back-off queue, then is retried
    assert not scheduler.has_work()
    timer = ctx.timeline.pop_due(1_000)
    assert timer is not None and timer.due_ms == 1_000
    timer.callback(*timer.args)
    assert scheduler.has_work()
    scheduler.run()
    assert pod["spec"]["nodeName"] == "large"
    scheduled = [e for e in ctx.store.list("Event", "default") if e["reason"] == "Scheduled"]
    assert scheduled[0]["message"] == "Successfully assigned default/big to large"


def test_backoff_doubles_to_ten_seconds_and_changes_retry_each_pod_once_per_backoff():
    """Upstream's scheduling queue: podInitialBackoffDuration 1 s, podMaxBackoffDuration 10 s;
    cluster events move unschedulable pods to the back-off queue, not straight back."""
    ctx, scheduler = control_plane()
    add_node(ctx, "small", cpu="1")
    pod = add_pod(ctx, "big", cpu="2")
    attempts = []
    original = scheduler.schedule_one

    def counted(p):
        attempts.append(ctx.timeline.now_ms)
        return original(p)

    scheduler.schedule_one = counted
    scheduler.run()
    for second in range(1, 40):
        ctx.timeline.now_ms = second * 1000 - 500
        add_node(ctx, f"tiny-{second}", cpu="1")  # a change that does not help
        while (timer := ctx.timeline.pop_due(second * 1000)) is not None:
            timer.callback(*timer.args)
        ctx.timeline.now_ms = second * 1000
        if scheduler.has_work():
            scheduler.run()
    # failures at 0 s, then after back-offs of 1, 2, 4, 8, 10, 10 s ...
    assert attempts[:7] == [0, 1_000, 3_000, 7_000, 15_000, 25_000, 35_000]
    assert pod["spec"].get("nodeName") is None


def test_taints_node_selector_and_pod_count_filters():
    ctx, scheduler = control_plane()
    add_node(ctx, "gpu", taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}])
    add_node(ctx, "tiny", pods=1)
    add_node(ctx, "labelled", labels={"disk": "ssd"})
    add_pod(ctx, "filler", nodeName="tiny")
    pod = add_pod(ctx, "picky", nodeSelector={"disk": "hdd"})
    scheduler.run()
    record = scheduler.records[pod["metadata"]["uid"]]
    assert record.rejected == {
        "gpu": ("TaintToleration", ("node(s) had untolerated taint {gpu: true}",)),
        "labelled": ("NodeAffinity", ("node(s) didn't match Pod's node affinity/selector",)),
        # filters run in upstream's order and stop at the first failure
        "tiny": ("NodeAffinity", ("node(s) didn't match Pod's node affinity/selector",)),
    }
    crowded = add_pod(ctx, "crowded", nodeSelector={"kubernetes.io/hostname": "tiny"})
    scheduler.run()
    assert scheduler.records[crowded["metadata"]["uid"]].rejected["tiny"] == (
        "NodeResourcesFit",
        ("Too many pods",),
    )


def test_least_allocated_prefers_the_emptier_node_and_records_scores():
    ctx, scheduler = control_plane()
    add_node(ctx, "busy", cpu="4")
    add_node(ctx, "idle", cpu="4")
    add_pod(ctx, "hog", cpu="3", nodeName="busy")
    pod = add_pod(ctx, "web", cpu="500m")
    scheduler.run()
    record = scheduler.records[pod["metadata"]["uid"]]
    assert record.chosen_node == "idle"
    idle, busy = record.node_scores("idle"), record.node_scores("busy")
    assert idle["NodeResourcesFit"] > busy["NodeResourcesFit"]
    assert set(idle) >= {
        "TaintToleration",
        "NodeResourcesBalancedAllocation",
        "total",
    }


def test_tolerated_taint_allows_scheduling():
    ctx, scheduler = control_plane()
    add_node(ctx, "gpu", taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}])
    pod = add_pod(
        ctx,
        "trainer",
        tolerations=[{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}],
    )
    scheduler.run()
    assert pod["spec"]["nodeName"] == "gpu"


def test_sampling_follows_upstreams_num_feasible_nodes_to_find():
    assert num_feasible_nodes_to_find(50) == 50
    assert num_feasible_nodes_to_find(1000) == 420  # (50 - 1000/125)% of 1000
    assert num_feasible_nodes_to_find(5000) == 500  # 10 %
    assert num_feasible_nodes_to_find(100_000) == 5000  # floor of 5 %
