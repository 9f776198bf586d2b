"""Container restarts the kubelet decides on: the crash back-off's reset, and a node's reboot.

Back-off: kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts
("After containers in a Pod run for 10 minutes without any problems, the kubelet resets
the restart backoff timer for that container"); the rule itself is the kubelet's
crashLoopBackOff.HasExpiredFunc (pkg/kubelet/kubelet.go: eventTime.Sub(lastUpdate) >
600*time.Second, eventTime being the container's finishedAt, lastUpdate the restart that
the last Backoff.Next allowed).

Reboot: containerd recovers a container whose task died with the machine as exited with
code 255, reason Unknown; computePodActions then finds the sandbox not ready and
SyncPod records SandboxChanged "Pod sandbox changed, it will be killed and re-created."
(pkg/kubelet/kuberuntime/kuberuntime_manager.go) before re-creating it and starting the
containers again, unless restartPolicy Never keeps the pod down.
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner


def session(profile="realistic"):
    runner = ScriptRunner(Cluster(seed=0, profile=profile))
    runner.run_line("sim node add node-1")
    return runner


def crasher(name, seconds, policy=""):
    restart = f"  restartPolicy: {policy}\n" if policy else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{restart}  containers:\n"
        f"  - name: app\n    image: busybox:1.36\n"
        f'    command: ["sh", "-c", "sleep {seconds}; exit 1"]\n'
    )


def back_offs(runner, name):
    return [
        e
        for e in runner.cluster.store.list("Event", "default")
        if e["involvedObject"]["name"] == name and e["reason"] == "BackOff"
    ]


def status(runner, name):
    return runner.cluster.api.get("Pod", "default", name)["status"]


def test_crash_back_off_resets_after_a_container_ran_ten_minutes():
    runner = session()
    runner.run_line("kubectl apply -f -", crasher("long", 660))
    runner.run_line("kubectl apply -f -", crasher("short", 540))
    runner.run_line("sim advance 23m")
    # long: crashed at ~11 min (restarted at once: no back-off yet) and at ~22 min, 660 s
    # after that restart: the back-off had expired, so again at once
    long = status(runner, "long")["containerStatuses"][0]
    assert long["restartCount"] == 2
    assert "running" in long["state"]
    assert back_offs(runner, "long") == []
    # short: its second crash came 540 s after the restart, inside the 600 s: back-off 10 s
    [event] = back_offs(runner, "short")
    assert event["message"].startswith("Back-off restarting failed container app in pod short_")


def test_fast_profile_resets_the_back_off_after_a_minute():
    """The fast profile scales the reset as it scales the maximum back-off (30 s for 5 min)."""
    runner = session(profile="fast")
    runner.run_line("kubectl apply -f -", crasher("long", 70))
    runner.run_line("sim advance 150s")
    assert status(runner, "long")["containerStatuses"][0]["restartCount"] == 2
    assert back_offs(runner, "long") == []


def test_a_rebooted_node_recreates_the_sandbox_and_restarts_the_containers():
    runner = session()
    runner.run_line("kubectl create deployment web --image=nginx:1.25")
    runner.run_line("sim advance 30s")
    [pod] = runner.cluster.store.list("Pod", "default")
    name, old_ip = pod["metadata"]["name"], pod["status"]["podIP"]
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 70s")
    runner.run_line("sim node restore node-1")
    runner.run_line("sim advance 10s")
    now = status(runner, name)
    container = now["containerStatuses"][0]
    assert container["restartCount"] == 1
    assert "running" in container["state"]
    terminated = container["lastState"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (255, "Unknown")
    assert now["podIP"] != old_ip  # a new sandbox, a new IP
    events = [
        e
        for e in runner.cluster.store.list("Event", "default")
        if e["involvedObject"]["name"] == name and e["reason"] == "SandboxChanged"
    ]
    assert [e["message"] for e in events] == [
        "Pod sandbox changed, it will be killed and re-created."
    ]
    assert events[0]["source"] == {"component": "kubelet", "host": "node-1"}
    # a new kubelet process: its events are new ones, not repeats of the first start's
    started = [
        e
        for e in runner.cluster.store.list("Event", "default")
        if e["involvedObject"]["name"] == name and e["reason"] == "Started"
    ]
    assert [e["count"] for e in started] == [1, 1]
    listed = runner.run_line("kubectl get pods")
    assert "1/1     Running   1 (" in listed


def test_a_rebooted_node_does_not_restart_a_pod_whose_policy_is_never():
    runner = session()
    runner.run_line("kubectl apply -f -", crasher("once", 3600, policy="Never"))
    runner.run_line("sim advance 30s")
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 20s")
    runner.run_line("sim node restore node-1")
    runner.run_line("sim advance 20s")
    now = status(runner, "once")
    assert now["phase"] == "Failed"
    container = now["containerStatuses"][0]
    assert container["restartCount"] == 0
    assert container["state"]["terminated"]["exitCode"] == 255
    assert container["state"]["terminated"]["reason"] == "Unknown"
    assert not [
        e for e in runner.cluster.store.list("Event", "default") if e["reason"] == "SandboxChanged"
    ]


PINNED = """apiVersion: v1
kind: Pod
metadata:
  name: pinned
spec:
  nodeName: node-1
  containers:
  - name: app
    image: nginx:1.25
    resources:
      requests:
        cpu: 500m
"""


def test_a_booting_node_acts_on_nothing_until_its_kubelet_has_started():
    """A pod bound while the machine boots is started once the kubelet runs (no restart
    counted), and a pod deleted meanwhile frees its room for the scheduler: the kubelet
    deletes a pod it never ran from a timer, not inside the watch callback that told it,
    so no watcher is left holding the pod's last update after its deletion."""
    runner = ScriptRunner(Cluster(seed=0))
    runner.run_line("sim node add node-1 --cpu 1")
    runner.run_line("sim node kill node-1")
    runner.run_line("kubectl apply -f -", PINNED)
    runner.run_line("sim node restore node-1")
    runner.run_line("kubectl delete pod pinned --wait=false")
    web = PINNED.replace("pinned", "web").replace("  nodeName: node-1\n", "")
    runner.run_line("kubectl apply -f -", web.replace("500m", "1"))  # needs the whole node
    runner.run_line("sim advance 30s")
    [pod] = runner.cluster.store.list("Pod", "default")
    assert pod["metadata"]["name"] == "web"
    assert pod["status"]["phase"] == "Running"
    assert pod["status"]["containerStatuses"][0]["restartCount"] == 0
