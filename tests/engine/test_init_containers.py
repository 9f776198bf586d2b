"""The kubelet runs init containers and native sidecars.

Checked against kubernetes.io/docs/concepts/workloads/pods/init-containers/ (the myapp-pod
example, "Init:0/2", run in order, restart on failure unless restartPolicy Never),
/docs/concepts/workloads/pods/sidecar-containers/ (restartPolicy Always init containers:
started in order, the next one once the sidecar started, restarted when they exit, stopped
after the app containers, in reverse order), /docs/concepts/workloads/pods/pod-lifecycle/
(phases, the Initialized condition), and upstream: kuberuntime_container.go
computeInitContainerActions, kubelet_pods.go getPhase, status/generate.go
GeneratePodInitializedCondition, prober_manager.go UpdatePodStatus (a succeeded init
container is ready), kubectl's printPod (Init:N/M, Init:Error, Init:CrashLoopBackOff,
PodInitializing) and logs.go (`-l`, the "Defaulted container" note).
"""

import pytest

from cluster_sim.engine import podutil
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.scheduler.resources import pod_requests
from cluster_sim.engine.script import ScriptRunner

MYAPP_POD = """apiVersion: v1
kind: Pod
metadata:
  name: myapp-pod
  labels:
    app.kubernetes.io/name: MyApp
spec:
  containers:
  - name: myapp-container
    image: busybox:1.28
    command: ['sh', '-c', 'echo The app is running! && sleep 3600']
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done"]
  - name: init-mydb
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for mydb; sleep 2; done"]
"""


def service(name: str, target_port: int) -> str:
    return (
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  ports:\n"
        f"  - protocol: TCP\n    port: 80\n    targetPort: {target_port}\n"
    )


def session(profile="realistic") -> ScriptRunner:
    runner = ScriptRunner(Cluster(seed=1, profile=profile))
    runner.run_line("sim node add node-1")
    return runner


def get_pod(runner, name: str) -> dict:
    return runner.cluster.api.get("Pod", "default", name)


def row(runner, name: str) -> list[str]:
    """READY, STATUS and RESTARTS of `kubectl get pod NAME`."""
    lines = runner.run_line(f"kubectl get pod {name}").splitlines()
    return lines[1].split()[1:4]


def statuses(pod: dict, field: str = "initContainerStatuses") -> dict[str, dict]:
    return {s["name"]: s for s in pod["status"].get(field) or ()}


def events(runner, name: str, reason: str | None = None) -> list[dict]:
    found = [
        e
        for e in runner.cluster.store.list("Event", "default")
        if e["involvedObject"]["name"] == name and (reason is None or e["reason"] == reason)
    ]
    return sorted(found, key=lambda e: e["metadata"]["name"])  # creation order


def init_pod(name: str, policy: str, init_command: str, app_command: str = "sleep 3600") -> str:
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  restartPolicy: {policy}
  initContainers:
  - name: setup
    image: busybox:1.36
    command: ["sh", "-c", "{init_command}"]
  containers:
  - name: app
    image: busybox:1.36
    command: ["sh", "-c", "{app_command}"]
"""


# --- the init-containers page's example ---------------------------------------------------


def test_myapp_pod_stays_initializing_until_its_services_exist():
    runner = session()
    runner.run_line("kubectl apply -f -", MYAPP_POD)
    runner.run_line("sim advance 30s")
    assert row(runner, "myapp-pod") == ["0/1", "Init:0/2", "0"]
    pod = get_pod(runner, "myapp-pod")
    assert pod["status"]["phase"] == "Pending"
    initialized = podutil.condition(pod, "Initialized")
    assert (initialized["status"], initialized["reason"], initialized["message"]) == (
        "False",
        "ContainersNotInitialized",
        "containers with incomplete status: [init-myservice init-mydb]",
    )
    ready = podutil.condition(pod, "Ready")
    assert ready["message"] == "containers with unready status: [myapp-container]"
    first, second = pod["status"]["initContainerStatuses"]
    assert first["name"] == "init-myservice" and "running" in first["state"]
    assert (first["started"], first["ready"], first["restartCount"]) == (True, False, 0)
    assert second["state"] == {"waiting": {"reason": "PodInitializing"}}
    assert second["started"] is False and "containerID" not in second
    [app] = pod["status"]["containerStatuses"]
    assert app["state"] == {"waiting": {"reason": "PodInitializing"}}
    logs = runner.run_line("kubectl logs myapp-pod -c init-myservice")
    assert "nslookup: can't resolve 'myservice.default.svc.cluster.local'" in logs
    assert "waiting for myservice" in logs
    waiting = runner.run_line("kubectl logs myapp-pod")
    assert waiting.splitlines()[-1] == (
        'Error from server (BadRequest): container "myapp-container" in pod "myapp-pod" is '
        "waiting to start: PodInitializing"
    )

    # the first Service lets the first init container finish; the second one waits for mydb
    runner.run_line("kubectl apply -f -", service("myservice", 9376))
    runner.run_line("sim advance 10s")
    assert row(runner, "myapp-pod") == ["0/1", "Init:1/2", "0"]
    pod = get_pod(runner, "myapp-pod")
    done = statuses(pod)["init-myservice"]
    assert done["state"]["terminated"]["reason"] == "Completed"
    assert (done["ready"], done["started"]) == (True, False)  # UpdatePodStatus
    assert podutil.condition(pod, "Initialized")["message"] == (
        "containers with incomplete status: [init-mydb]"
    )

    runner.run_line("kubectl apply -f -", service("mydb", 9377))
    runner.run_line("sim advance 10s")
    assert row(runner, "myapp-pod") == ["1/1", "Running", "0"]
    pod = get_pod(runner, "myapp-pod")
    assert pod["status"]["phase"] == "Running"
    initialized = podutil.condition(pod, "Initialized")
    assert initialized["status"] == "True" and "reason" not in initialized
    assert all(s["ready"] for s in pod["status"]["initContainerStatuses"])
    assert runner.run_line("kubectl logs myapp-pod").splitlines() == [
        'Defaulted container "myapp-container" out of: myapp-container, '
        "init-myservice (init), init-mydb (init)",
        "The app is running!",
    ]


def test_init_containers_start_one_after_the_other_with_their_own_events():
    runner = session()
    runner.run_line("kubectl apply -f -", service("myservice", 9376))
    runner.run_line("kubectl apply -f -", service("mydb", 9377))
    runner.run_line("kubectl apply -f -", MYAPP_POD)
    runner.run_line("sim advance 30s")
    started = events(runner, "myapp-pod", "Started")
    assert [e["message"] for e in started] == [
        "Started container init-myservice",
        "Started container init-mydb",
        "Started container myapp-container",
    ]
    pod = get_pod(runner, "myapp-pod")
    first, second = pod["status"]["initContainerStatuses"]
    # each one started after the one before it finished
    assert first["state"]["terminated"]["finishedAt"] <= second["state"]["terminated"]["startedAt"]
    app_started = pod["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
    assert second["state"]["terminated"]["finishedAt"] <= app_started
    paths = {
        (e["reason"], e["involvedObject"].get("fieldPath"))
        for e in events(runner, "myapp-pod")
        if e["reason"] in ("Pulling", "Pulled", "Created", "Started")
    }
    assert {
        ("Pulling", "spec.initContainers{init-myservice}"),
        ("Pulled", "spec.initContainers{init-myservice}"),
        ("Created", "spec.initContainers{init-mydb}"),
        ("Started", "spec.initContainers{init-mydb}"),
        ("Started", "spec.containers{myapp-container}"),
    } <= paths


def test_status_shows_pod_initializing_between_the_last_init_container_and_the_app():
    runner = session()
    pod = init_pod("slow-app", "Always", "true").replace(
        '    image: busybox:1.36\n    command: ["sh", "-c", "sleep 3600"]',
        "    image: nginx:1.25",  # a bigger image: the app's pull takes a while
    )
    runner.run_line("kubectl apply -f -", pod)
    seen = set()
    for _ in range(40):
        runner.run_line("sim advance 250ms")
        seen.add(row(runner, "slow-app")[1])
    assert {"Init:0/1", "PodInitializing", "Running"} <= seen


# --- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["Always", "OnFailure"])
def test_a_failing_init_container_is_restarted_with_the_crash_back_off(policy):
    runner = session()
    runner.run_line("kubectl apply -f -", init_pod("retry", policy, "sleep 2; exit 1"))
    runner.run_line("sim advance 4s")
    # exited, restarted at once (no back-off yet), exits again: then the back-off
    assert row(runner, "retry")[1] in ("Init:Error", "Init:0/1")
    runner.run_line("sim advance 3s")
    assert row(runner, "retry") == ["0/1", "Init:CrashLoopBackOff", "1"]  # "1 (1s ago)"
    runner.run_line("sim advance 60s")
    pod = get_pod(runner, "retry")
    assert pod["status"]["phase"] == "Pending"
    setup = statuses(pod)["setup"]
    assert setup["restartCount"] >= 3
    assert setup["lastState"]["terminated"]["exitCode"] == 1
    assert statuses(pod, "containerStatuses")["app"]["state"] == {
        "waiting": {"reason": "PodInitializing"}
    }
    back_off = events(runner, "retry", "BackOff")
    assert back_off[0]["message"].startswith("Back-off restarting failed container setup in pod")
    assert back_off[0]["involvedObject"]["fieldPath"] == "spec.initContainers{setup}"
    assert not events(runner, "retry", "Started")[-1]["message"].endswith(" app")


def test_a_failing_init_container_fails_a_pod_whose_restart_policy_is_never():
    runner = session()
    runner.run_line("kubectl apply -f -", init_pod("once", "Never", "sleep 2; exit 3"))
    runner.run_line("sim advance 30s")
    assert row(runner, "once") == ["0/1", "Init:Error", "0"]
    pod = get_pod(runner, "once")
    assert pod["status"]["phase"] == "Failed"
    terminated = statuses(pod)["setup"]["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (3, "Error")
    assert statuses(pod)["setup"]["restartCount"] == 0
    assert podutil.condition(pod, "Initialized")["message"] == (
        "containers with incomplete status: [setup]"
    )
    assert [e["message"] for e in events(runner, "once", "Started")] == ["Started container setup"]


def test_an_init_container_that_succeeds_under_restart_policy_always_is_not_rerun():
    runner = session()
    runner.run_line("kubectl apply -f -", init_pod("ok", "Always", "echo ready"))
    runner.run_line("sim advance 30s")
    assert row(runner, "ok") == ["1/1", "Running", "0"]
    assert statuses(get_pod(runner, "ok"))["setup"]["restartCount"] == 0
    assert runner.run_line("kubectl logs ok -c setup") == "ready"


# --- native sidecars ---------------------------------------------------------------------------

SIDECAR_POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  restartPolicy: {policy}
  terminationGracePeriodSeconds: {grace}
  initContainers:
  - name: logshipper
    image: alpine:3.19
    restartPolicy: Always
    command: ['sh', '-c', '{sidecar}']
    volumeMounts: [{{name: data, mountPath: /opt}}]
  containers:
  - name: app
    image: alpine:3.19
    command: ['sh', '-c', '{app}']
    volumeMounts: [{{name: data, mountPath: /opt}}]
  volumes: [{{name: data, emptyDir: {{}}}}]
"""


def sidecar_pod(
    name,
    policy="Always",
    sidecar="tail -F /opt/logs.txt",
    app="while true; do echo logging >> /opt/logs.txt; sleep 1; done",
    grace=30,
):
    return SIDECAR_POD.format(name=name, policy=policy, sidecar=sidecar, app=app, grace=grace)


def test_a_sidecar_starts_first_keeps_running_and_counts_in_ready():
    runner = session()
    runner.run_line("kubectl apply -f -", sidecar_pod("shipper"))
    runner.run_line("sim advance 30s")
    assert row(runner, "shipper") == ["2/2", "Running", "0"]
    pod = get_pod(runner, "shipper")
    sidecar = statuses(pod)["logshipper"]
    assert "running" in sidecar["state"]
    assert (sidecar["started"], sidecar["ready"]) == (True, True)
    assert podutil.condition(pod, "Initialized")["status"] == "True"
    assert podutil.condition(pod, "ContainersReady")["status"] == "True"
    assert [e["message"] for e in events(runner, "shipper", "Started")] == [
        "Started container logshipper",
        "Started container app",
    ]
    logs = runner.run_line("kubectl logs shipper -c logshipper").splitlines()
    assert logs[0] == "tail: can't open '/opt/logs.txt': No such file or directory"
    assert logs.count("logging") >= 20


def test_a_sidecar_that_exits_is_restarted_and_the_pod_stays_running():
    runner = session()
    runner.run_line("kubectl apply -f -", sidecar_pod("flaky", sidecar="sleep 5; exit 1"))
    runner.run_line("sim advance 20s")
    pod = get_pod(runner, "flaky")
    assert pod["status"]["phase"] == "Running"
    assert statuses(pod)["logshipper"]["restartCount"] >= 1
    assert statuses(pod, "containerStatuses")["app"]["restartCount"] == 0
    # the app's turn came once: a sidecar restart starts nothing else
    assert [e["message"] for e in events(runner, "flaky", "Started")].count(
        "Started container app"
    ) == 1
    # a sidecar waiting out its back-off makes the pod not Ready, with printPod's Init: reason
    runner.run_line("sim advance 20s")
    ready = podutil.condition(get_pod(runner, "flaky"), "Ready")
    assert ready["message"] == "containers with unready status: [logshipper]"
    assert row(runner, "flaky")[:2] == ["1/2", "Init:CrashLoopBackOff"]


def test_the_next_container_waits_for_the_sidecars_startup_probe():
    runner = session()
    pod = sidecar_pod("probed", sidecar="sleep 3600").replace(
        "    volumeMounts: [{name: data, mountPath: /opt}]\n  containers:",
        "    startupProbe:\n      exec: {command: ['true']}\n      initialDelaySeconds: 10\n"
        "    volumeMounts: [{name: data, mountPath: /opt}]\n  containers:",
    )
    runner.run_line("kubectl apply -f -", pod)
    runner.run_line("sim advance 8s")
    assert row(runner, "probed") == ["0/2", "Init:0/1", "0"]
    assert statuses(get_pod(runner, "probed"))["logshipper"]["started"] is False
    runner.run_line("sim advance 10s")
    assert row(runner, "probed") == ["2/2", "Running", "0"]
    sidecar_started, app_started = [
        e["firstTimestamp"] for e in events(runner, "probed", "Started")
    ]
    assert app_started >= sidecar_started


def test_sidecars_do_not_keep_a_finished_pod_alive():
    """The sidecar-containers page's Job example: once the app container exits for good, the
    kubelet stops the sidecar (`tail` as PID 1 ignores SIGTERM, so after the grace period)
    and the pod succeeds; its terminated sidecar does not count for the phase."""
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        sidecar_pod("batch", policy="Never", app="echo logging > /opt/logs.txt; sleep 3", grace=10),
    )
    runner.run_line("sim advance 8s")
    pod = get_pod(runner, "batch")
    assert "terminated" in statuses(pod, "containerStatuses")["app"]["state"]
    assert pod["status"]["phase"] == "Running"  # its sidecar still runs
    [killing] = events(runner, "batch", "Killing")
    assert killing["message"] == "Stopping container logshipper"
    assert killing["involvedObject"]["fieldPath"] == "spec.initContainers{logshipper}"
    runner.run_line("sim advance 15s")
    pod = get_pod(runner, "batch")
    assert pod["status"]["phase"] == "Succeeded"
    assert row(runner, "batch") == ["0/2", "Completed", "0"]
    sidecar = statuses(pod)["logshipper"]
    assert sidecar["restartCount"] == 0
    assert sidecar["state"]["terminated"]["exitCode"] == 137
    initialized = podutil.condition(pod, "Initialized")
    assert (initialized["status"], initialized.get("reason")) == ("True", "PodCompleted")


def test_a_job_with_a_sidecar_completes():
    runner = session()
    job = """apiVersion: batch/v1
kind: Job
metadata:
  name: myjob
spec:
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 5
      initContainers:
      - name: logshipper
        image: alpine:3.19
        restartPolicy: Always
        command: ['sh', '-c', 'tail -F /opt/logs.txt']
        volumeMounts: [{name: data, mountPath: /opt}]
      containers:
      - name: myjob
        image: alpine:3.19
        command: ['sh', '-c', 'echo "logging" > /opt/logs.txt']
        volumeMounts: [{name: data, mountPath: /opt}]
      volumes: [{name: data, emptyDir: {}}]
"""
    runner.run_line("kubectl apply -f -", job)
    runner.run_line("sim advance 30s")
    listed = runner.run_line("kubectl get job myjob").splitlines()[1].split()
    assert listed[1:3] == ["Complete", "1/1"]


def test_deletion_stops_the_sidecars_after_the_app_containers():
    runner = session()
    pod = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  terminationGracePeriodSeconds: 20
  initContainers:
  - name: proxy
    image: nginx:1.25
    restartPolicy: Always
  - name: agent
    image: busybox:1.36
    restartPolicy: Always
    command: ['sleep', '3600']
  containers:
  - name: app
    image: nginx:1.25
"""
    runner.run_line("kubectl apply -f -", pod)
    runner.run_line("sim advance 20s")
    uid = get_pod(runner, "web")["metadata"]["uid"]
    runtime = runner.cluster.kubelets.get("node-1").pods[uid]
    proxy, agent, app = runtime.all_containers
    runner.run_line("kubectl delete pod web --wait=false")
    # killContainer announces every container at once; the sidecars then wait their turn
    assert sorted(e["message"] for e in events(runner, "web", "Killing")) == [
        "Stopping container agent",
        "Stopping container app",
        "Stopping container proxy",
    ]
    runner.run_line("sim advance 5s")
    # nginx stops on SIGTERM; `sleep` as PID 1 ignores it, and the proxy sidecar, defined
    # before it, waits for its turn: both are killed when the grace period ends
    assert app.process.exit_code == 0
    assert agent.process.exit_code is None and proxy.process.exit_code is None
    runner.run_line("sim advance 20s")
    assert runner.cluster.store.get("Pod", "default", "web") is None


# --- reboots, resources, cost ---------------------------------------------------------------


def test_a_rebooted_node_runs_the_init_containers_again():
    runner = session()
    runner.run_line("kubectl apply -f -", init_pod("boot", "Always", "echo init"))
    runner.run_line("sim advance 20s")
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 60s")
    runner.run_line("sim node restore node-1")
    runner.run_line("sim advance 20s")
    pod = get_pod(runner, "boot")
    assert row(runner, "boot")[:2] == ["1/1", "Running"]
    setup = statuses(pod)["setup"]
    assert setup["restartCount"] == 1
    assert setup["state"]["terminated"]["reason"] == "Completed"
    app = statuses(pod, "containerStatuses")["app"]
    assert app["restartCount"] == 1
    assert setup["state"]["terminated"]["finishedAt"] <= app["state"]["running"]["startedAt"]
    assert [e["message"] for e in events(runner, "boot", "Started")] == [
        "Started container setup",
        "Started container app",
        "Started container setup",
        "Started container app",
    ]


def test_pod_requests_count_sidecars_with_the_app_and_with_later_init_containers():
    """AggregateContainerRequests: sidecars add to the app containers' requests and to those
    of each init container that starts after them; the pod asks for the larger."""

    def container(cpu: str, sidecar: bool = False) -> dict:
        spec = {"name": cpu, "resources": {"requests": {"cpu": cpu}}}
        return {**spec, "restartPolicy": "Always"} if sidecar else spec

    spec = {
        "containers": [container("100m")],
        "initContainers": [container("200m", sidecar=True), container("500m")],
    }
    assert pod_requests(spec)["cpu"] == 700  # 200m sidecar + 500m init, above 300m
    spec["initContainers"][1] = container("50m")
    assert pod_requests(spec)["cpu"] == 300  # the 200m sidecar runs beside the 100m app


def test_pods_without_init_containers_carry_no_init_state():
    runner = session()
    runner.run_line("kubectl run plain --image=nginx:1.25")
    runner.run_line("sim advance 10s")
    uid = get_pod(runner, "plain")["metadata"]["uid"]
    runtime = runner.cluster.kubelets.get("node-1").pods[uid]
    assert "init_containers" not in vars(runtime) and "next_init" not in vars(runtime)
    assert all("init" not in vars(c) for c in runtime.containers)
    assert "initContainerStatuses" not in get_pod(runner, "plain")["status"]


def test_a_hostpath_file_mounts_the_nodes_machine_id():
    runner = session()
    pod = (
        init_pod("mid", "Always", "cat /etc/machine-id").replace(
            '    command: ["sh", "-c", "cat /etc/machine-id"]\n',
            '    command: ["sh", "-c", "cat /etc/machine-id"]\n'
            "    volumeMounts: [{name: id, mountPath: /etc/machine-id, readOnly: true}]\n",
        )
        + "  volumes: [{name: id, hostPath: {path: /etc/machine-id, type: File}}]\n"
    )
    runner.run_line("kubectl apply -f -", pod)
    runner.run_line("sim advance 10s")
    node = runner.cluster.api.get("Node", "", "node-1")
    assert runner.run_line("kubectl logs mid -c setup") == node["metadata"]["uid"].replace("-", "")


# --- kubectl logs -l ------------------------------------------------------------------------


def test_kubectl_logs_with_a_selector_reads_every_matching_pod():
    runner = session()
    for index in range(2):
        runner.run_line(
            "kubectl apply -f -",
            init_pod(f"w{index}", "Never", "true", f"seq 1 {12 + index}").replace(
                "metadata:\n", "metadata:\n  labels: {role: worker}\n"
            ),
        )
    runner.run_line("sim advance 20s")
    out = runner.run_line("kubectl logs -l role=worker").splitlines()
    note = 'Defaulted container "app" out of: app, setup (init)'
    assert out[:2] == [note, note]  # kubectl's stderr notes come before any log line
    # a selector defaults --tail to 10 lines per pod
    assert out[2:] == [str(n) for n in range(3, 13)] + [str(n) for n in range(4, 14)]
    assert runner.run_line("kubectl logs -l role=worker -c app --tail 1").splitlines() == [
        "12",
        "13",
    ]
    assert (
        runner.run_line("kubectl logs -l role=none") == "No resources found in default namespace."
    )
    assert runner.run_line("kubectl logs -l role=worker w0").startswith(
        "error: only a selector (-l) or a POD name is allowed"
    )
