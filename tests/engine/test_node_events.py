"""Node events: who records them and when.

Checked against the upstream source (kubernetes.io/docs/reference/kubectl/generated/
kubectl_cordon and kubernetes.io/docs/concepts/architecture/nodes/ show neither wording):
- the kubelet's recordNodeSchedulableEvent and recordNodeStatusEvent (pkg/kubelet/
  kubelet_node_status.go): `Node NAME status is now: NodeNotSchedulable` / NodeSchedulable,
  run from its node status sync every nodeStatusUpdateFrequency (10 s);
- the kubelet's ReadyCondition setter (pkg/kubelet/nodestatus/setters.go): NodeReady when
  its Ready condition changes to True, nothing when the condition did not exist before;
- the node lifecycle controller's monitorNodeHealth (pkg/controller/nodelifecycle): it
  records RegisteredNode and RemovingNode when it first lists a node or no longer does
  (controllerutil.RecordNodeEvent: `Node NAME event: ...`), and NodeNotReady, never NodeReady.
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.timefmt import parse_rfc3339


def node_events(runner, name, reason=None):
    return [
        e
        for e in runner.cluster.store.list("Event", "default")
        if e["involvedObject"]["kind"] == "Node"
        and e["involvedObject"]["name"] == name
        and (reason is None or e["reason"] == reason)
    ]


def session(nodes=("node-1",)):
    runner = ScriptRunner(Cluster(seed=0))
    for name in nodes:
        runner.run_line(f"sim node add {name}")
    return runner


def test_cordon_and_uncordon_are_recorded_by_the_kubelet_at_its_next_status_sync():
    runner = session()
    runner.run_line("sim advance 13s")
    runner.run_line("kubectl cordon node-1")
    assert node_events(runner, "node-1", "NodeNotSchedulable") == []
    runner.run_line("sim advance 7s")  # the kubelet's status syncs run at 10 s, 20 s, ...
    [cordoned] = node_events(runner, "node-1", "NodeNotSchedulable")
    assert cordoned["message"] == "Node node-1 status is now: NodeNotSchedulable"
    assert cordoned["source"] == {"component": "kubelet", "host": "node-1"}
    assert parse_rfc3339(cordoned["firstTimestamp"]) == runner.cluster.now_ms
    runner.run_line("kubectl uncordon node-1")
    runner.run_line("sim advance 10s")
    [uncordoned] = node_events(runner, "node-1", "NodeSchedulable")
    assert uncordoned["message"] == "Node node-1 status is now: NodeSchedulable"
    described = runner.run_line("kubectl describe node node-1")
    assert "  Normal  NodeNotSchedulable       10s   kubelet          Node node-1 status" in (
        described
    )


def test_a_cordon_undone_before_the_kubelet_looks_records_nothing():
    runner = session()
    runner.run_line("kubectl cordon node-1")
    runner.run_line("kubectl uncordon node-1")
    runner.run_line("sim advance 30s")
    assert node_events(runner, "node-1", "NodeNotSchedulable") == []
    assert node_events(runner, "node-1", "NodeSchedulable") == []


def test_registered_node_comes_once_from_the_node_controllers_next_pass():
    runner = session()
    assert node_events(runner, "node-1", "RegisteredNode") == []
    runner.run_line("sim advance 5s")  # --node-monitor-period 5 s
    [registered] = node_events(runner, "node-1", "RegisteredNode")
    assert registered["message"] == "Node node-1 event: Registered Node node-1 in Controller"
    assert registered["source"] == {"component": "node-controller"}
    assert node_events(runner, "node-1", "NodeReady") == []  # registered Ready: no transition
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 70s")
    runner.run_line("sim node restore node-1")
    runner.run_line("sim advance 30s")
    [registered] = node_events(runner, "node-1", "RegisteredNode")
    assert registered["count"] == 1


def test_node_ready_after_a_reboot_comes_from_the_kubelet():
    runner = session()
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 70s")
    [not_ready] = node_events(runner, "node-1", "NodeNotReady")
    assert not_ready["source"] == {"component": "node-controller"}
    runner.run_line("sim node restore node-1")
    runner.run_line("sim advance 10s")
    [ready] = node_events(runner, "node-1", "NodeReady")
    assert ready["message"] == "Node node-1 status is now: NodeReady"
    assert ready["source"] == {"component": "kubelet", "host": "node-1"}
    # the pressure conditions went Unknown -> False again: the kubelet says so once more
    memory = node_events(runner, "node-1", "NodeHasSufficientMemory")
    assert len(memory) == 2  # a new kubelet process: a new event, not a repeat


def test_a_kubelet_back_before_the_controller_noticed_records_no_condition_events():
    runner = session()
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 10s")
    runner.run_line("sim node restore node-1")
    runner.run_line("sim advance 10s")
    assert node_events(runner, "node-1", "NodeReady") == []
    assert len(node_events(runner, "node-1", "NodeHasSufficientMemory")) == 1
    assert len(node_events(runner, "node-1", "Starting")) == 2


def test_a_cordoned_node_that_reboots_says_so_again():
    """lastNodeUnschedulable starts false in a new kubelet process."""
    runner = session()
    runner.run_line("kubectl cordon node-1")
    runner.run_line("sim advance 10s")
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 10s")
    runner.run_line("sim node restore node-1")
    runner.run_line("sim advance 10s")
    assert len(node_events(runner, "node-1", "NodeNotSchedulable")) == 2


def test_removing_a_node_is_recorded_by_the_node_controller():
    runner = session(nodes=("node-1", "node-2"))
    runner.run_line("sim advance 5s")
    runner.run_line("sim node remove node-2")
    runner.run_line("sim advance 5s")
    [removing] = node_events(runner, "node-2", "RemovingNode")
    assert removing["message"] == "Node node-2 event: Removing Node node-2 from Controller"
    assert removing["source"] == {"component": "node-controller"}
