"""A kubelet's two heartbeats: its Lease, renewed every 10 s, and its node status, posted when
it changes or else every nodeStatusReportFrequency (5 min).

Checked against kubernetes.io/docs/concepts/architecture/nodes/#heartbeats ("The kubelet
updates the node's .status either when there is change in status or if there has been no
update for a configured interval. The default interval for .status updates to Nodes is 5
minutes ... The kubelet creates and then updates its Lease object every 10 seconds ... Lease
updates occur independently from updates to the Node's .status"), the kubelet's
delayAfterNodeStatusChange (pkg/kubelet/kubelet.go: a one-time delay, uniform over +-2.5 min,
added to the first report after a change or a kubelet restart), the lease controller
(component-helpers/apimachinery/lease/controller.go: holderIdentity, leaseDurationSeconds and
renewTime, no acquireTime) and kubectl's describeNode (the Lease section comes from the
kube-node-lease/<node> Lease; the conditions keep the kubelet's lastHeartbeatTime when the node
lifecycle controller marks them Unknown).
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.kubectl.describe import describe_node
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.timefmt import MINUTE, SECOND, describe_time, parse_rfc3339


def lease_lines(described: str) -> str:
    start = described.index("Lease:\n")
    return described[start : described.index("Conditions:\n")]


def describe(cluster: Cluster, node: str) -> str:
    """describe_node fed as kubectl feeds it: the Node, and the Lease from kube-node-lease."""
    obj = cluster.api.get("Node", "", node)
    return describe_node(obj, [], [], cluster.now_ms, lease=cluster.node_lease(node))


def heartbeats(cluster: Cluster, node: str) -> set[int]:
    """Every condition's lastHeartbeatTime, as a client reads the Node now."""
    conditions = cluster.api.get("Node", "", node)["status"]["conditions"]
    return {parse_rfc3339(c["lastHeartbeatTime"]) for c in conditions}


def test_describe_node_lease_renew_time_follows_the_10s_renewals():
    runner = ScriptRunner(Cluster())
    runner.run_line("sim node add node-1")
    runner.run_line("sim advance 1m35s")
    assert lease_lines(describe(runner.cluster, "node-1")) == (
        "Lease:\n"
        "  HolderIdentity:  node-1\n"
        "  AcquireTime:     <unset>\n"
        "  RenewTime:       Mon, 05 Jan 2026 09:01:30 +0000\n"
    )
    runner.run_line("sim advance 7s")
    assert "  RenewTime:       Mon, 05 Jan 2026 09:01:40 +0000\n" in describe(
        runner.cluster, "node-1"
    )
    lease = runner.cluster.node_lease("node-1")
    assert lease["metadata"]["namespace"] == "kube-node-lease"
    assert lease["spec"] == {
        "holderIdentity": "node-1",
        "leaseDurationSeconds": 40,
        "renewTime": "2026-01-05T09:01:40.000000Z",
    }
    # A dead kubelet renews nothing: the time stays at its last renewal.
    runner.run_line("sim advance 4s")
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 3m")
    assert "  RenewTime:       Mon, 05 Jan 2026 09:01:40 +0000\n" in describe(
        runner.cluster, "node-1"
    )


def test_kubectl_describe_node_shows_the_live_lease():
    runner = ScriptRunner(Cluster())
    runner.run_line("sim node add node-1")
    runner.run_line("sim advance 1m35s")
    assert "  RenewTime:       Mon, 05 Jan 2026 09:01:30 +0000\n" in runner.run_line(
        "kubectl describe node node-1"
    )


def test_fast_profile_renews_the_lease_every_2s():
    runner = ScriptRunner(Cluster(profile="fast"))
    runner.run_line("sim node add node-1")
    runner.run_line("sim advance 13s")
    assert runner.cluster.node_lease("node-1")["spec"]["renewTime"] == (
        "2026-01-05T09:00:12.000000Z"
    )


def test_condition_heartbeats_advance_in_5_minute_steps_not_with_the_lease():
    cluster = Cluster()
    cluster.add_node("node-1")  # no pods: nothing in its status changes after registration
    seen = []
    for _ in range(40 * 6):
        cluster.advance(10 * SECOND)
        [heartbeat] = heartbeats(cluster, "node-1")
        assert heartbeat <= cluster.now_ms
        seen.append(heartbeat)
    steps = sorted(set(seen))
    assert steps[0] == 0  # the status posted at registration
    # the first periodic report: 5 min after it, give or take the random delay, on a status sync
    assert 150 * SECOND <= steps[1] <= 450 * SECOND and steps[1] % (10 * SECOND) == 0
    # then every 5 min exactly
    assert [b - a for a, b in zip(steps[1:], steps[2:], strict=False)] == [5 * MINUTE] * (
        len(steps) - 2
    )
    assert len(steps) >= 8
    # while the Lease was renewed every 10 s
    assert cluster.node_lease("node-1")["spec"]["renewTime"] == "2026-01-05T09:40:00.000000Z"


def test_a_status_change_posts_at_once_and_unknown_conditions_keep_the_last_post():
    runner = ScriptRunner(Cluster())
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl create deployment web --image=nginx:1.25")
    runner.run_line("sim advance 30s")
    cluster = runner.cluster
    # the pulled image changed status.images: that status was posted, heartbeat and all
    [posted] = heartbeats(cluster, "node-1")
    assert 0 < posted < 30 * SECOND
    assert cluster.api.get("Node", "", "node-1")["status"]["images"]
    runner.run_line("sim advance 1m")
    assert heartbeats(cluster, "node-1") == {posted}
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 1m")
    described = describe(cluster, "node-1")
    assert "  RenewTime:       Mon, 05 Jan 2026 09:01:30 +0000\n" in described
    ready = next(
        c
        for c in cluster.api.get("Node", "", "node-1")["status"]["conditions"]
        if c["type"] == "Ready"
    )
    assert ready["status"] == "Unknown"
    # the node lifecycle controller keeps the kubelet's last heartbeat, not the lease's
    assert parse_rfc3339(ready["lastHeartbeatTime"]) == posted
    assert (
        f"  Ready            Unknown   {describe_time(posted)}   "
        f"{describe_time(parse_rfc3339(ready['lastTransitionTime']))}   NodeStatusUnknown"
    ) in described
    # a restarted kubelet posts its status and renews its lease from then on
    runner.run_line("sim node restore node-1")
    runner.run_line("sim advance 12s")
    back = cluster.now_ms - 7 * SECOND  # the kubelet is back 5 s after power-on
    assert heartbeats(cluster, "node-1") == {back}
    assert parse_rfc3339(cluster.node_lease("node-1")["spec"]["renewTime"]) == back
