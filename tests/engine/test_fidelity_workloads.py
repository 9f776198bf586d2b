"""Fidelity of workloads: probes, restarts, OOM kills, restart policies, Deployment strategies
and rollouts, extended resources and the fast profile.

Each test names the kubernetes.io page its expectations were checked against; wording that
the page does not show was checked against the upstream source named in the engine.
"""

from cluster_sim.engine import podutil
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.timefmt import SECOND, parse_rfc3339

LIVENESS_EXEC = """apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox:1.27.2
    args:
    - /bin/sh
    - -c
    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
    livenessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
"""

LIVENESS_HTTP = """apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args:
    - liveness
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3
"""

MEMORY_DEMO_2 = """apiVersion: v1
kind: Pod
metadata:
  name: memory-demo-2
  namespace: mem-example
spec:
  containers:
  - name: memory-demo-2-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "50Mi"
      limits:
        memory: "100Mi"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]
"""


def session(nodes=1, seed=0, profile="realistic", **node_options):
    runner = ScriptRunner(Cluster(seed=seed, profile=profile))
    options = " ".join(f"--{k} {v}" for k, v in node_options.items())
    for index in range(1, nodes + 1):
        runner.run_line(f"sim node add node-{index} {options}".strip())
    return runner


def pod(runner, name, namespace="default"):
    return runner.cluster.api.get("Pod", namespace, name)


def container_status(runner, name, namespace="default"):
    return pod(runner, name, namespace)["status"]["containerStatuses"][0]


def events(runner, name, reason, namespace="default"):
    return [
        e
        for e in runner.cluster.store.list("Event", namespace)
        if e["involvedObject"]["name"] == name and e["reason"] == reason
    ]


def bare_pod(name, command, restart_policy=None, image="busybox:1.36", extra=""):
    policy = f"  restartPolicy: {restart_policy}\n" if restart_policy else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{policy}"
        f"  containers:\n  - name: app\n    image: {image}\n    command: {command}\n{extra}"
    )


def test_liveness_exec_probe_docs_example():
    """kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    #define-a-liveness-command: no failure in the first 30 s; then Unhealthy (x3) with the
    output of `cat`, Killing "Container liveness failed liveness probe, will be restarted",
    and RESTARTS goes to 1. `sh` as PID 1 ignores SIGTERM, so the restart comes when the 30 s
    termination grace period ends (pkg/kubelet/kuberuntime killContainer)."""
    runner = session()
    runner.run_line("kubectl apply -f -", LIVENESS_EXEC)
    runner.run_line("sim advance 25s")
    assert events(runner, "liveness-exec", "Unhealthy") == []
    assert "Unhealthy" not in runner.run_line("kubectl describe pod liveness-exec")

    runner.run_line("sim advance 20s")
    unhealthy = events(runner, "liveness-exec", "Unhealthy")
    assert len(unhealthy) == 1 and unhealthy[0]["count"] == 3
    assert unhealthy[0]["type"] == "Warning"
    assert unhealthy[0]["message"].strip() == (
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"
    )
    [killing] = events(runner, "liveness-exec", "Killing")
    assert killing["type"] == "Normal"
    assert killing["message"] == "Container liveness failed liveness probe, will be restarted"
    described = runner.run_line("kubectl describe pod liveness-exec")
    assert "5s (x3 over 15s)" in described  # at 45 s: failures at 30, 35 and 40 s
    assert (
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"
        in described
    )
    # three failures 5 s apart, starting once the file is gone (30 s after the start)
    started = parse_rfc3339(
        container_status(runner, "liveness-exec")["state"]["running"]["startedAt"]
    )
    killed = parse_rfc3339(killing["firstTimestamp"])
    assert 39 * SECOND <= killed - started <= 42 * SECOND

    assert container_status(runner, "liveness-exec")["restartCount"] == 0
    runner.cluster.advance(killed + 29 * SECOND - runner.cluster.now_ms)
    assert container_status(runner, "liveness-exec")["restartCount"] == 0
    runner.run_line("sim advance 5s")  # event times have whole seconds; the restart shows ~1 s on
    status = container_status(runner, "liveness-exec")
    assert status["restartCount"] == 1
    assert status["lastState"]["terminated"]["exitCode"] == 137  # SIGKILL after the grace period
    assert status["lastState"]["terminated"]["reason"] == "Error"
    table = runner.run_line("kubectl get pod liveness-exec")
    assert "liveness-exec   1/1     Running   1 (" in table


def test_liveness_http_probe_docs_example():
    """kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    #define-a-liveness-http-request: /healthz answers 200 for 10 s then 500; probes start 3 s
    in and run every 3 s, so the container is killed after three failures and restarted."""
    runner = session()
    runner.run_line("kubectl apply -f -", LIVENESS_HTTP)
    runner.run_line("sim advance 12s")  # includes the image pull
    status = container_status(runner, "liveness-http")
    started = parse_rfc3339(status["state"]["running"]["startedAt"])
    assert events(runner, "liveness-http", "Unhealthy") == []
    runner.run_line("sim advance 15s")
    [unhealthy] = events(runner, "liveness-http", "Unhealthy")
    assert unhealthy["message"] == "Liveness probe failed: HTTP probe failed with statuscode: 500"
    assert unhealthy["count"] == 3
    first_failure = parse_rfc3339(unhealthy["firstTimestamp"])
    assert 10 * SECOND < first_failure - started <= 13 * SECOND
    assert events(runner, "liveness-http", "Killing")
    assert container_status(runner, "liveness-http")["restartCount"] == 1
    assert " 1 (" in runner.run_line("kubectl get pod liveness-http")


def test_liveness_failure_follows_the_restart_policy():
    """kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes: a container
    failing its liveness probe is killed and "subjected to its restart policy". With Never it
    stays dead and the event does not promise a restart (kuberuntime computePodActions); with
    OnFailure it is restarted even when it exits 0 on its stop signal (nginx does)."""
    runner = session()
    probe = (
        "    livenessProbe:\n      exec:\n        command: ['cat', '/nope']\n"
        "      periodSeconds: 1\n      failureThreshold: 1\n"
    )
    runner.run_line(
        "kubectl apply -f -",
        bare_pod("never", "['sleep', '3600']", "Never", extra=probe)
        + "  terminationGracePeriodSeconds: 2\n---\n"
        + bare_pod("onfailure", "['nginx', '-g', 'daemon off;']", "OnFailure", "nginx:1.25", probe),
    )
    runner.run_line("sim advance 15s")
    [killed] = events(runner, "never", "Killing")
    assert killed["message"] == "Container app failed liveness probe"
    assert pod(runner, "never")["status"]["phase"] == "Failed"
    status = container_status(runner, "never")
    assert status["restartCount"] == 0 and status["state"]["terminated"]["exitCode"] == 137
    [killing] = events(runner, "onfailure", "Killing")
    assert killing["message"] == "Container app failed liveness probe, will be restarted"
    status = container_status(runner, "onfailure")
    assert status["restartCount"] >= 1
    assert status["lastState"]["terminated"]["exitCode"] == 0
    assert pod(runner, "onfailure")["status"]["phase"] == "Running"


def test_probe_failure_messages_name_the_pod_ip_and_the_timeout():
    """kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    #configure-probes: the kubelet probes the pod IP; an exec probe longer than timeoutSeconds
    (default 1) fails. Wording: pkg/probe/http (net/http's dial error) and pkg/kubelet/prober
    (`command "..." timed out`)."""
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        "  - name: web\n    image: nginx:1.25\n    readinessProbe:\n      httpGet:\n"
        "        path: /healthz\n        port: 9999\n      periodSeconds: 2\n"
        "    livenessProbe:\n      exec:\n        command: ['sleep', '5']\n"
        "      periodSeconds: 20\n      failureThreshold: 100\n",
    )
    runner.run_line("sim advance 15s")
    ip = pod(runner, "web")["status"]["podIP"]
    messages = {e["message"] for e in events(runner, "web", "Unhealthy")}
    assert (
        f'Readiness probe failed: Get "http://{ip}:9999/healthz": dial tcp {ip}:9999: '
        "connect: connection refused"
    ) in messages
    assert 'Liveness probe failed: command "sleep 5" timed out' in messages
    assert not podutil.is_ready(pod(runner, "web"))


def test_startup_probe_holds_back_liveness_until_it_passes():
    """kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    #define-startup-probes: liveness and readiness probes start only once the startup probe
    succeeds; a startup probe that keeps failing gets the container killed and restarted."""
    runner = session()
    probe = "      exec:\n        command: ['cat', '/tmp/started']\n      periodSeconds: 5\n"
    runner.run_line(
        "kubectl apply -f -",
        bare_pod(
            "slow",
            "['sh', '-c', 'sleep 25; touch /tmp/started; sleep 3600']",
            extra=f"    startupProbe:\n{probe}      failureThreshold: 10\n"
            f"    livenessProbe:\n{probe}      failureThreshold: 1\n",
        )
        + "---\n"
        + bare_pod(
            "never",
            "['sleep', '3600']",
            extra=f"    startupProbe:\n{probe}      failureThreshold: 3\n",
        ),
    )
    runner.run_line("sim advance 12s")
    status = container_status(runner, "slow")
    assert "running" in status["state"] and status["started"] is False and status["ready"] is False
    runner.run_line("sim advance 28s")
    status = container_status(runner, "slow")
    assert status["started"] is True and status["ready"] is True
    assert status["restartCount"] == 0 and events(runner, "slow", "Killing") == []
    [unhealthy] = events(runner, "slow", "Unhealthy")
    assert unhealthy["message"].strip() == (
        "Startup probe failed: cat: can't open '/tmp/started': No such file or directory"
    )
    [killing] = events(runner, "never", "Killing")
    assert killing["message"] == "Container app failed startup probe, will be restarted"
    assert container_status(runner, "never")["started"] is False


def test_oom_killed_docs_example():
    """kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/
    #exceed-a-container-s-memory-limit: stress allocating 250M under a 100Mi limit is
    OOMKilled (exit code 137), shows STATUS OOMKilled, and is restarted again and again."""
    runner = session()
    runner.run_line("kubectl create namespace mem-example")
    runner.run_line("kubectl apply -f -", MEMORY_DEMO_2)
    runner.run_line("sim advance 2s")
    table = runner.run_line("kubectl get pod memory-demo-2 --namespace=mem-example")
    assert "memory-demo-2   0/1     OOMKilled   1" in table
    status = container_status(runner, "memory-demo-2", "mem-example")
    terminated = status["state"]["terminated"]
    assert (terminated["reason"], terminated["exitCode"]) == ("OOMKilled", 137)
    runner.run_line("sim advance 60s")
    status = container_status(runner, "memory-demo-2", "mem-example")
    assert status["restartCount"] >= 3
    assert status["lastState"]["terminated"]["reason"] == "OOMKilled"
    assert status["lastState"]["terminated"]["exitCode"] == 137
    # getPhase: a container that ran and is waiting to restart counts as stopped, and with
    # restartPolicy Always the pod is Running even though no instance was seen running
    assert pod(runner, "memory-demo-2", "mem-example")["status"]["phase"] == "Running"
    described = runner.run_line("kubectl describe pod memory-demo-2 --namespace=mem-example")
    assert "Reason:       OOMKilled\n      Exit Code:    137" in described
    assert "Status:           Running" in described


def test_restart_policy_never_and_on_failure():
    """kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy and #pod-phase:
    a container that exits 0 with restartPolicy Never/OnFailure leaves the pod Succeeded
    (STATUS Completed, READY 0/1); exit 1 with Never is Failed (STATUS Error); OnFailure
    restarts only what failed. A terminal pod is not Ready, reason PodCompleted
    (pkg/kubelet/status generate.go)."""
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        "\n---\n".join(
            [
                bare_pod("done", "['sh', '-c', 'sleep 5']", "Never"),
                bare_pod("failed", "['sh', '-c', 'sleep 5; exit 1']", "Never"),
                bare_pod("finished", "['sh', '-c', 'sleep 5']", "OnFailure"),
                bare_pod("retried", "['sh', '-c', 'sleep 5; exit 1']", "OnFailure"),
            ]
        ),
    )
    runner.run_line("sim advance 30s")
    rows = {
        line.split()[0]: line.split()[1:4]
        for line in runner.run_line("kubectl get pods").splitlines()[1:]
    }
    assert rows["done"] == ["0/1", "Completed", "0"]
    assert rows["failed"] == ["0/1", "Error", "0"]
    assert rows["finished"] == ["0/1", "Completed", "0"]
    assert rows["retried"][:2] == ["0/1", "CrashLoopBackOff"]
    assert pod(runner, "done")["status"]["phase"] == "Succeeded"
    assert pod(runner, "finished")["status"]["phase"] == "Succeeded"
    assert pod(runner, "failed")["status"]["phase"] == "Failed"
    assert pod(runner, "retried")["status"]["phase"] == "Running"
    assert container_status(runner, "done")["restartCount"] == 0
    assert container_status(runner, "failed")["state"]["terminated"]["exitCode"] == 1
    assert container_status(runner, "retried")["restartCount"] >= 2
    for name in ("done", "failed"):
        ready = podutil.condition(pod(runner, name), "Ready")
        assert (ready["status"], ready.get("reason")) == ("False", "PodCompleted")
        assert (
            podutil.condition(pod(runner, name), "PodReadyToStartContainers")["status"] == "False"
        )
    runner.run_line("sim advance 5m")  # nothing ever restarts a terminal pod
    assert container_status(runner, "done")["restartCount"] == 0
    assert pod(runner, "failed")["status"]["phase"] == "Failed"


def test_image_pull_policy_always_pulls_before_every_start():
    """kubernetes.io/docs/concepts/containers/images/#image-pull-policy: with Always (the
    default for `:latest` or no tag) the kubelet asks the registry each time it starts the
    container, restarts included."""
    runner = session()
    runner.run_line(
        "kubectl apply -f -", bare_pod("crash", "['sh', '-c', 'exit 1']", image="busybox")
    )
    runner.run_line("sim advance 40s")
    restarts = container_status(runner, "crash")["restartCount"]
    assert restarts >= 2
    [pulling] = events(runner, "crash", "Pulling")
    assert pulling["count"] == restarts + 1
    assert all("already present" not in e["message"] for e in events(runner, "crash", "Pulled"))


def test_changing_a_running_pods_image_restarts_its_container():
    """kubernetes.io/docs/concepts/workloads/pods/#pod-update-and-replacement: a Pod's
    spec.containers[*].image may be updated; the kubelet kills the container ("definition
    changed", kuberuntime computePodActions) and starts it from the new image, pulled first,
    whatever the restart policy."""
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: Never\n"
        "  containers:\n  - name: a\n    image: nginx:1.25\n",
    )
    runner.run_line("sim advance 20s")
    assert runner.run_line("kubectl set image pod/p a=nginx:1.26") == "pod/p image updated"
    runner.run_line("sim advance 20s")
    [killing] = events(runner, "p", "Killing")
    assert killing["message"] == "Container a definition changed, will be restarted"
    pulled = [e["message"] for e in events(runner, "p", "Pulled")]
    assert any(m.startswith('Successfully pulled image "nginx:1.26"') for m in pulled)
    assert not any("already present" in m for m in pulled)
    status = container_status(runner, "p")
    assert status["restartCount"] == 1 and status["image"] == "nginx:1.26"
    assert "running" in status["state"] and pod(runner, "p")["status"]["phase"] == "Running"


def test_fixing_a_crashing_image_starts_it_without_waiting_out_the_back_off():
    """A new image ends a CrashLoopBackOff at once: the kubelet's back-off key carries the
    container's spec hash (pkg/kubelet/kuberuntime/helpers.go getStableKey: "any change to the
    container generates a new key"), so the sync that the pod update triggers finds no back-off
    under the new key and starts the container from the new image (kubernetes.io/docs/concepts/
    workloads/pods/pod-lifecycle/#container-restarts)."""
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: serve\nspec:\n"
        "  containers:\n  - name: serve\n    image: clusterlab/serve:2.0\n",
    )
    runner.run_line("sim advance 3m")
    status = container_status(runner, "serve")
    assert status["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert "back-off 2m40s" in status["state"]["waiting"]["message"]  # 2 min more to wait
    restarts = status["restartCount"]
    fixed_at = runner.cluster.now_ms
    runner.run_line("kubectl set image pod/serve serve=clusterlab/serve:1.1")
    [pulling] = [
        e for e in events(runner, "serve", "Pulling") if "clusterlab/serve:1.1" in e["message"]
    ]
    assert parse_rfc3339(pulling["firstTimestamp"]) == fixed_at  # no waiting
    runner.run_line("sim advance 15s")
    status = container_status(runner, "serve")
    assert "running" in status["state"] and status["ready"]
    assert status["image"] == "clusterlab/serve:1.1" and status["restartCount"] == restarts + 1
    assert parse_rfc3339(status["state"]["running"]["startedAt"]) - fixed_at < 15 * SECOND


def test_fixing_an_image_that_cannot_be_pulled_pulls_the_new_one_at_once():
    """The image pull back-off is keyed by pod UID and image (pkg/kubelet/images/image_manager.go
    EnsureImageExists, backOffKey), so after `kubectl set image` a container in ImagePullBackOff
    pulls the new image on the next sync instead of sitting out the old image's back-off
    (kubernetes.io/docs/concepts/containers/images/#imagepullbackoff)."""
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n"
        "  containers:\n  - name: web\n    image: nginx:1.99-typo\n",
    )
    runner.run_line("sim advance 100s")
    assert container_status(runner, "web")["state"]["waiting"]["reason"] == "ImagePullBackOff"
    fixed_at = runner.cluster.now_ms
    runner.run_line("kubectl set image pod/web web=nginx:1.25")
    runner.run_line("sim advance 10s")
    status = container_status(runner, "web")
    assert "running" in status["state"] and status["image"] == "nginx:1.25"
    assert status["restartCount"] == 0  # it never ran: this is its first start
    assert parse_rfc3339(status["state"]["running"]["startedAt"]) - fixed_at < 10 * SECOND


TERMINATING_BACKEND = """apiVersion: v1
kind: Service
metadata:
  name: backend
spec:
  selector:
    app: backend
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: backend
  labels:
    app: backend
spec:
  terminationGracePeriodSeconds: 120
  containers:
  - name: app
    image: busybox:1.36
    command: ["sh", "-c", "touch /tmp/ready; sleep 40; rm /tmp/ready; sleep 3600"]
    readinessProbe:
      exec:
        command: ["cat", "/tmp/ready"]
      periodSeconds: 5
"""


def test_a_terminating_pod_leaves_the_endpoints_at_once_and_keeps_probing_readiness():
    """Deleting a pod does not touch its Ready condition: the kubelet keeps running readiness
    probes through the grace period and stops only liveness and startup probes
    (pkg/kubelet/prober/worker.go doProbe, "Graceful shutdown of the pod"). The endpoints
    controllers act on the deletionTimestamp instead: the Endpoints object drops the pod at once,
    from notReadyAddresses too (endpointslice util ShouldPodBeInEndpoints excludes terminating
    pods unless publishNotReadyAddresses), and its EndpointSlice endpoint turns
    ready: false, terminating: true, with serving still the pod's readiness (endpointslice
    utils.go podToEndpoint; kubernetes.io/docs/concepts/services-networking/endpoint-slices/
    #conditions)."""
    runner = session()
    runner.run_line("kubectl apply -f -", TERMINATING_BACKEND)
    runner.run_line("sim advance 15s")
    cluster = runner.cluster
    assert podutil.is_ready(pod(runner, "backend"))
    cluster.api.delete("Pod", "default", "backend")  # what `kubectl delete --wait=false` asks
    cluster.settle()

    def endpoint_conditions():
        [endpoint_slice] = [
            s
            for s in cluster.store.list("EndpointSlice", "default")
            if s["metadata"]["labels"]["kubernetes.io/service-name"] == "backend"
        ]
        [endpoint] = endpoint_slice["endpoints"]
        return endpoint["conditions"]

    terminating = pod(runner, "backend")
    assert terminating["metadata"]["deletionTimestamp"]
    assert podutil.is_ready(terminating)  # still Ready: nothing changed in the container
    assert "subsets" not in cluster.api.get("Endpoints", "default", "backend")
    assert endpoint_conditions() == {"ready": False, "serving": True, "terminating": True}
    assert "1/1     Terminating" in runner.run_line("kubectl get pod backend")
    # The app stops answering its probe during the grace period: readiness follows.
    runner.run_line("sim advance 45s")
    terminating = pod(runner, "backend")
    assert not podutil.is_ready(terminating)
    assert endpoint_conditions() == {"ready": False, "serving": False, "terminating": True}
    assert any(
        e["message"].strip()
        == "Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory"
        for e in events(runner, "backend", "Unhealthy")
    )


def test_readiness_success_threshold_needs_consecutive_passes():
    """kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-
    probes/#configure-probes: successThreshold is the minimum number of consecutive successes
    for the probe to be considered successful after having failed; the prober changes a
    container's readiness only after successThreshold passes in a row, or failureThreshold
    failures in a row (pkg/kubelet/prober/worker.go, resultRun)."""
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        bare_pod(
            "flaky",
            "['sh', '-c', 'touch /tmp/ready; sleep 20; rm /tmp/ready; sleep 10; "
            "touch /tmp/ready; sleep 3600']",
            extra="    readinessProbe:\n      exec:\n        command: ['cat', '/tmp/ready']\n"
            "      periodSeconds: 2\n      successThreshold: 3\n      failureThreshold: 1\n",
        ),
    )
    timeline = []
    for _ in range(60):
        runner.run_line("sim advance 1s")
        timeline.append(podutil.is_ready(pod(runner, "flaky")))
    ready_at = [second for second, ready in enumerate(timeline, start=1) if ready]
    # Started at about 1 s: probes pass at about 2, 4 and 6 s: Ready on the third pass.
    assert 5 <= ready_at[0] <= 8
    # The file goes at about 21 s: one failure (failureThreshold 1) makes it unready.
    assert not any(23 <= second <= 31 for second in ready_at)
    # Back at about 31 s: three passes in a row before it is Ready again, not the first one.
    back = min(second for second in ready_at if second > 23)
    assert back >= 31 + 4
    assert all(timeline[back - 1 :])


def test_recreate_strategy_kills_old_pods_before_creating_new_ones():
    """kubernetes.io/docs/concepts/workloads/controllers/deployment/#recreate-deployment:
    "All existing Pods are killed before new ones are created"."""
    runner = session(nodes=2)
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  replicas: 3\n"
        "  strategy:\n    type: Recreate\n  selector:\n    matchLabels:\n      app: worker\n"
        "  template:\n    metadata:\n      labels:\n        app: worker\n    spec:\n"
        "      containers:\n      - name: worker\n        image: busybox:1.36\n"
        "        command: ['sleep', '3600']\n",
    )
    runner.run_line("kubectl rollout status deployment/worker")
    cluster = runner.cluster
    old_pods = {p["metadata"]["name"] for p in cluster.store.list("Pod", "default")}
    changed_at = cluster.now_ms
    runner.run_line("kubectl set image deployment/worker worker=busybox:1.37")
    first_new_at = None
    for _ in range(60):
        current = cluster.store.list("Pod", "default")
        new = [p for p in current if p["metadata"]["name"] not in old_pods]
        old = [p for p in current if p["metadata"]["name"] in old_pods]
        if new:
            assert old == [], "a new pod exists while an old one is still there"
            first_new_at = first_new_at or cluster.now_ms
        runner.run_line("sim advance 1s")
    # sleep ignores SIGTERM: the old pods go when their 30 s grace period ends
    assert first_new_at is not None and 30 * SECOND <= first_new_at - changed_at <= 32 * SECOND
    scaling = sorted(
        (e for e in cluster.store.list("Event", "default") if e["reason"] == "ScalingReplicaSet"),
        key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]),
    )
    messages = [e["message"] for e in scaling]
    assert messages[1].startswith("Scaled down replica set worker-") and messages[1].endswith(
        "from 3 to 0"
    )
    assert messages[2].startswith("Scaled up replica set worker-") and messages[2].endswith(
        "from 0 to 3"
    )
    down, up = (parse_rfc3339(e["firstTimestamp"]) for e in scaling[1:3])
    assert up - down >= 30 * SECOND
    assert "StrategyType:       Recreate" in runner.run_line("kubectl describe deployment worker")


def test_rollout_restart_history_and_undo_to_revision():
    """kubernetes.io/docs/concepts/workloads/controllers/deployment/#checking-rollout-history-of-a-deployment
    and #rolling-back-to-a-previous-revision; kubectl rollout restart adds the
    kubectl.kubernetes.io/restartedAt template annotation (reference/kubectl/generated/kubectl_rollout)."""
    runner = session(nodes=2)
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    runner.run_line("kubectl rollout status deployment/web")
    runner.run_line("kubectl set image deployment/web nginx=nginx:1.26")
    assert (
        runner.run_line(
            'kubectl annotate deployment/web kubernetes.io/change-cause="image updated to 1.26"'
        )
        == "deployment.apps/web annotated"
    )
    runner.run_line("kubectl rollout status deployment/web")
    assert runner.run_line("kubectl rollout history deployment/web") == (
        "deployment.apps/web \nREVISION   CHANGE-CAUSE\n1          <none>\n2          image updated to 1.26\n"
    )
    detail = runner.run_line("kubectl rollout history deployment/web --revision=2")
    assert detail.startswith(
        "deployment.apps/web with revision #2\nPod Template:\n  Labels:\tapp=web\n"
    )
    assert "    Image:\tnginx:1.26\n" in detail
    assert "  Annotations:\tkubernetes.io/change-cause: image updated to 1.26\n" in detail
    assert (
        runner.run_line("kubectl rollout history deployment/web --revision=9")
        == "error: unable to find the specified revision"
    )

    assert (
        runner.run_line("kubectl rollout restart deployment/web") == "deployment.apps/web restarted"
    )
    template = runner.cluster.api.get("Deployment", "default", "web")["spec"]["template"]
    assert "kubectl.kubernetes.io/restartedAt" in template["metadata"]["annotations"]
    runner.run_line("kubectl rollout status deployment/web")
    images = {
        p["spec"]["containers"][0]["image"]
        for p in runner.cluster.store.list("Pod", "default")
        if podutil.is_active(p)
    }
    assert images == {"nginx:1.26"}

    assert runner.run_line("kubectl rollout undo deployment/web --to-revision=1") == (
        "deployment.apps/web rolled back"
    )
    runner.run_line("kubectl rollout status deployment/web")
    active = [p for p in runner.cluster.store.list("Pod", "default") if podutil.is_active(p)]
    assert {p["spec"]["containers"][0]["image"] for p in active} == {"nginx:1.25"}
    # revision 1 is re-used as revision 4; rolling back takes its (absent) change-cause
    history = runner.run_line("kubectl rollout history deployment/web")
    assert history.splitlines()[2:] == [
        "2          image updated to 1.26",
        "3          image updated to 1.26",
        "4          <none>",
    ]
    assert runner.run_line("kubectl rollout undo deployment/web --to-revision=4") == (
        "deployment.apps/web skipped rollback (current template already matches revision 4)"
    )
    assert runner.run_line("kubectl rollout undo deployment/web --to-revision=1") == (
        "error: unable to find specified revision 1 in history"
    )


def test_rollout_pause_and_resume():
    """kubernetes.io/docs/concepts/workloads/controllers/deployment/#pausing-and-resuming-a-deployment:
    changes to a paused Deployment's template start no rollout until it is resumed; the
    Progressing condition is Unknown/DeploymentPaused meanwhile (deployment controller
    checkPausedConditions). Error wording: kubectl polymorphichelpers objectpauser/resumer/restarter."""
    runner = session(nodes=2)
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    runner.run_line("kubectl rollout status deployment/web")
    assert runner.run_line("kubectl rollout pause deployment/web") == "deployment.apps/web paused"
    assert runner.run_line("kubectl rollout pause deployment/web") == (
        'error: deployments.apps "web" is already paused'
    )
    runner.run_line("kubectl set image deployment/web nginx=nginx:1.26")
    assert runner.run_line("kubectl rollout restart deployment/web") == (
        'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)'
    )
    assert runner.run_line("kubectl rollout undo deployment/web").startswith(
        "error: you cannot rollback a paused deployment"
    )
    runner.run_line("sim advance 30s")
    cluster = runner.cluster
    assert len(cluster.store.list("ReplicaSet", "default")) == 1  # no rollout while paused
    deployment = cluster.api.get("Deployment", "default", "web")
    progressing = next(c for c in deployment["status"]["conditions"] if c["type"] == "Progressing")
    assert (progressing["status"], progressing["reason"], progressing["message"]) == (
        "Unknown",
        "DeploymentPaused",
        "Deployment is paused",
    )
    assert runner.run_line("kubectl rollout resume deployment/web") == "deployment.apps/web resumed"
    assert runner.run_line("kubectl rollout resume deployment/web") == (
        'error: deployments.apps "web" is not paused'
    )
    assert "paused" not in cluster.api.get("Deployment", "default", "web")["spec"]
    assert runner.run_line("kubectl rollout status deployment/web").endswith(
        'deployment "web" successfully rolled out'
    )
    active = [p for p in cluster.store.list("Pod", "default") if podutil.is_active(p)]
    assert {p["spec"]["containers"][0]["image"] for p in active} == {"nginx:1.26"}


def test_extended_resource_gpu_scheduling():
    """kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/ and
    kubernetes.io/docs/tasks/configure-pod-container/extended-resource/: a pod asking for
    nvidia.com/gpu only fits a node that advertises it (and whose taint it tolerates);
    otherwise FailedScheduling says Insufficient nvidia.com/gpu."""
    runner = session(nodes=1)  # node-1 has no GPU
    runner.run_line("sim node add gpu-1 --gpus 1")
    runner.run_line("sim node add gpu-2 --gpus 1 --taints nvidia.com/gpu=present:NoSchedule")
    gpu_pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{tolerations}  containers:\n"
        "  - name: train\n    image: clusterlab/train:1.0\n    resources:\n      limits:\n"
        "        nvidia.com/gpu: 1\n"
    )
    toleration = (
        "  tolerations:\n  - key: nvidia.com/gpu\n    operator: Exists\n    effect: NoSchedule\n"
    )
    runner.run_line("kubectl apply -f -", gpu_pod.format(name="first", tolerations=""))
    runner.run_line("kubectl apply -f -", gpu_pod.format(name="second", tolerations=""))
    runner.run_line("kubectl apply -f -", gpu_pod.format(name="tolerant", tolerations=toleration))
    runner.run_line("sim advance 5s")
    assert pod(runner, "first")["spec"]["nodeName"] == "gpu-1"
    assert "nodeName" not in pod(runner, "second")["spec"]
    assert pod(runner, "tolerant")["spec"]["nodeName"] == "gpu-2"
    [failed] = events(runner, "second", "FailedScheduling")
    # reasons are sorted as strings, as the scheduler's FitError does
    assert failed["message"].startswith(
        "0/3 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}, "
        "2 Insufficient nvidia.com/gpu."
    )
    assert runner.cluster.api.get("Pod", "default", "first")["spec"]["containers"][0]["resources"][
        "requests"
    ] == {"nvidia.com/gpu": "1"}  # requests default to the limits
    described = runner.run_line("kubectl describe node gpu-1")
    assert "  nvidia.com/gpu     1         1\n" in described


def test_fast_profile_node_failure_timeline():
    """README "Timing profiles": the fast profile notices a dead node after ~10 s (real:
    kubernetes.io/docs/concepts/architecture/nodes/ node-monitor-grace-period 50 s) and evicts
    its pods ~30 s later (real: 300 s, taint-and-toleration/#taint-based-evictions)."""
    runner = session(nodes=2, profile="fast")
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    runner.run_line("sim advance 10s")
    cluster = runner.cluster
    victims = [p for p in cluster.store.list("Pod", "default") if p["spec"]["nodeName"] == "node-2"]
    assert victims
    tolerations = {t["key"]: t for t in victims[0]["spec"]["tolerations"]}
    assert tolerations["node.kubernetes.io/unreachable"]["tolerationSeconds"] == 30
    killed_at = cluster.now_ms
    runner.run_line("sim node kill node-2")
    runner.run_line("sim advance 7s")
    assert "node-2   Ready " in runner.run_line("kubectl get nodes")
    runner.run_line("sim advance 6s")
    node = cluster.api.get("Node", "", "node-2")
    ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "Unknown"
    noticed_at = parse_rfc3339(ready["lastTransitionTime"])
    assert 8 * SECOND <= noticed_at - killed_at <= 13 * SECOND
    cluster.advance(noticed_at + 29 * SECOND - cluster.now_ms)
    victim = cluster.api.get("Pod", "default", victims[0]["metadata"]["name"])
    assert not victim["metadata"].get("deletionTimestamp")
    runner.run_line("sim advance 2s")
    victim = cluster.api.get("Pod", "default", victims[0]["metadata"]["name"])
    assert victim["metadata"].get("deletionTimestamp")
    assert events(runner, victim["metadata"]["name"], "TaintManagerEviction")
    assert "profile fast" in runner.run_line("sim time")


def test_deployment_conditions_are_listed_in_the_order_they_last_changed():
    """kubernetes.io/docs/concepts/workloads/controllers/deployment/ (Updating a Deployment):
    a finished rollout describes its conditions as Available, then Progressing. Upstream's
    SetDeploymentCondition (pkg/controller/deployment/util/deployment_util.go) leaves a
    condition alone while status and reason hold, else filters it out and appends the new
    one; syncRolloutStatus (progress.go) re-appends Progressing/ReplicaSetUpdated on every
    sign of progress (a fresh lastUpdateTime, the deadline's origin) and estimates nothing
    once Progressing says NewReplicaSetAvailable and every replica is updated."""
    runner = session(nodes=2)
    cluster = runner.cluster

    def conditions():
        status = cluster.api.get("Deployment", "default", "web")["status"]
        return [(c["type"], c["status"], c["reason"]) for c in status["conditions"]]

    def progressing():
        status = cluster.api.get("Deployment", "default", "web")["status"]
        return next(c for c in status["conditions"] if c["type"] == "Progressing")

    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=4")
    runner.run_line("kubectl rollout status deployment/web")
    assert conditions() == [
        ("Available", "True", "MinimumReplicasAvailable"),
        ("Progressing", "True", "NewReplicaSetAvailable"),
    ]
    assert (
        "Conditions:\n"
        "  Type           Status  Reason\n"
        "  ----           ------  ------\n"
        "  Available      True    MinimumReplicasAvailable\n"
        "  Progressing    True    NewReplicaSetAvailable\n"
    ) in runner.run_line("kubectl describe deployment web")
    created = progressing()["lastTransitionTime"]

    runner.run_line("kubectl set image deployment/web nginx=nginx:1.26")
    updates = set()
    for _ in range(15):
        runner.run_line("sim advance 1s")
        if progressing()["reason"] == "ReplicaSetUpdated":
            updates.add(progressing()["lastUpdateTime"])
            assert progressing()["lastTransitionTime"] == created  # still True all along
    assert len(updates) > 1  # each sign of progress renewed it
    runner.run_line("kubectl rollout status deployment/web")
    assert [c[0] for c in conditions()] == ["Available", "Progressing"]

    # A scale-up is no rollout: Progressing stays; Available goes False, then True, each
    # time moving to the end of the list.
    finished = progressing()
    runner.run_line("kubectl scale deployment web --replicas=10")
    assert conditions() == [
        ("Progressing", "True", "NewReplicaSetAvailable"),
        ("Available", "False", "MinimumReplicasUnavailable"),
    ]
    runner.run_line("sim advance 1m")
    assert conditions() == [
        ("Progressing", "True", "NewReplicaSetAvailable"),
        ("Available", "True", "MinimumReplicasAvailable"),
    ]
    assert progressing() == finished
