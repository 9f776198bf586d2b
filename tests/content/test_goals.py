"""Goal checks judge the cluster's state: reference solutions pass, bypasses fail.

Each cluster is a replay of a list of command lines on `Cluster(seed=1, profile="fast")`,
as the course replays a learner's command log.
"""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.presets import build_cluster
from lessons.goals import (
    GOAL_CHECKS,
    deployment_available,
    hpa_scales,
    job_complete,
    pod_count,
    service_keeps_endpoint_when_any_node_fails,
)
from tests.engine.test_traffic import PHP_APACHE

NODES = "sim node add --count 3 --prefix worker-\n"


def replay(*scripts: str):
    """A cluster factory: every call replays the same lines on a fresh cluster."""
    text = "".join(scripts)

    def factory():
        runner = ScriptRunner(Cluster(seed=1, profile="fast"))
        transcript = runner.run(text)
        assert "rror" not in transcript, transcript  # a typo in a test script, not a verdict
        return runner.cluster

    return factory


def web(replicas: int) -> str:
    return (
        NODES
        + f"kubectl create deployment web --image=nginx --replicas={replicas}\n"
        + "kubectl expose deployment web --port=80\n"
        + "sim advance 30s\n"
    )


UNRELATED = """kubectl create deployment other --image=nginx --replicas=2
kubectl create configmap settings --from-literal=mode=demo
kubectl create namespace scratch
"""

PINNED = """kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeName: worker-2
      containers: [{name: nginx, image: nginx}]
EOF
kubectl expose deployment web --port=80
sim advance 30s
"""

# The Service's selector removed (recreated without one) and endpoints written by hand:
# one of them a real pod's address, one an address nothing answers on.
HAND_WRITTEN = """kubectl delete service web
kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-by-hand
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports: [{port: 80}]
endpoints:
- addresses: ["10.244.0.2"]
  conditions: {ready: true}
- addresses: ["192.0.2.10"]
  conditions: {ready: true}
EOF
"""


# --- service_keeps_endpoint_when_any_node_fails ------------------------------------------------


def test_three_spread_replicas_keep_an_endpoint_through_every_node_loss():
    result = service_keeps_endpoint_when_any_node_fails(replay(web(3)), "web")
    assert result.passed, result
    assert result.details == [
        f"worker-{n} down: at least 2 ready endpoints throughout" for n in (1, 2, 3)
    ]
    assert "1m10s" in result.message  # fast profile: 10s grace + 30s toleration + 30s margin


def test_unrelated_objects_do_not_fail_the_check():
    assert service_keeps_endpoint_when_any_node_fails(replay(web(3), UNRELATED), "web").passed


def test_one_replica_fails_on_its_node_although_it_is_rescheduled_in_the_end():
    factory = replay(web(1))
    result = service_keeps_endpoint_when_any_node_fails(factory, "web")
    assert not result.passed
    assert "no ready endpoint for a while when worker-2 fails" in result.message
    assert "worker-2 down: no ready endpoint for 44s, from 0s after the node failed" in (
        result.details
    )
    # The end state alone would look fine: the replacement pod is ready within the window.
    cluster = factory()
    ScriptRunner(cluster).run_line("sim node kill worker-2")
    cluster.advance(70_000)
    pods = [
        p for p in cluster.store.list("Pod", "default") if p["metadata"]["name"].startswith("web-")
    ]
    assert any(
        p["spec"]["nodeName"] != "worker-2" and p["status"].get("phase") == "Running" for p in pods
    )


def test_a_deleted_service_fails():
    result = service_keeps_endpoint_when_any_node_fails(
        replay(web(3), "kubectl delete service web\n"), "web"
    )
    assert (result.passed, result.message) == (
        False,
        'There is no Service "web" in namespace "default".',
    )


def test_hand_written_endpoints_without_a_selector_fail():
    # Decided: the endpoints that count are pods the Service selects. A selectorless
    # Service's endpoints are kept by no controller, so they cannot survive anything.
    result = service_keeps_endpoint_when_any_node_fails(replay(web(3), HAND_WRITTEN), "web")
    assert not result.passed
    assert "has no selector" in result.message


def test_three_replicas_pinned_to_one_node_fail_when_that_node_dies():
    result = service_keeps_endpoint_when_any_node_fails(replay(NODES, PINNED), "web")
    assert not result.passed
    assert "when worker-2 fails" in result.message
    # nodeName bypasses the scheduler: the replacements land on the dead node again
    assert "worker-2 down: no ready endpoint for 71s, from 0s after the node failed" in (
        result.details
    )


def test_min_ready_asks_for_more_than_one_survivor():
    two = service_keeps_endpoint_when_any_node_fails(replay(web(2)), "web", min_ready=2)
    assert not two.passed
    assert "worker-2 down: runs none of the Service's pods" in two.details  # not replayed
    assert service_keeps_endpoint_when_any_node_fails(replay(web(3)), "web", min_ready=2).passed


def test_a_service_with_no_ready_endpoint_fails_before_any_node_is_killed():
    script = NODES + "kubectl create deployment web --image=nginx:no-such-tag\n"
    result = service_keeps_endpoint_when_any_node_fails(
        replay(script, "kubectl expose deployment web --port=80\n"), "web"
    )
    assert not result.passed
    assert "even before any node fails" in result.message


def test_ml_recsys_serve_with_the_reference_solution_passes():
    def factory():
        cluster, runner = build_cluster("ml-recsys", seed=1, profile="fast")
        runner.run_line("kubectl scale deployment serve --replicas=3")
        return cluster

    assert service_keeps_endpoint_when_any_node_fails(factory, "serve", min_ready=2).passed


def test_a_factory_may_return_the_cluster_with_its_runner():
    make = replay(web(3))
    result = service_keeps_endpoint_when_any_node_fails(lambda: (make(), None), "web")
    assert result.passed


def test_the_verdict_is_deterministic():
    factory = replay(web(1))
    first = service_keeps_endpoint_when_any_node_fails(factory, "web")
    assert service_keeps_endpoint_when_any_node_fails(factory, "web") == first


# --- deployment_available ------------------------------------------------------------------------


def test_a_deployment_just_created_is_given_time_to_become_available():
    factory = replay(NODES, "kubectl create deployment web --image=nginx --replicas=2\n")
    result = deployment_available(factory, "web", replicas=2)
    assert result.passed, result


def test_deployment_available_fails_on_the_wrong_count_a_bad_image_or_no_deployment():
    assert not deployment_available(replay(web(3)), "web", replicas=2).passed
    broken = NODES + "kubectl create deployment web --image=nginx:no-such-tag\n"
    result = deployment_available(replay(broken), "web")
    assert not result.passed
    assert "ready replicas: 0 (want at least 1)" in result.details
    assert not deployment_available(replay(web(1)), "api").passed


def test_an_image_typo_fixed_in_place_passes_and_left_alone_fails():
    typo = (
        NODES + "kubectl create deployment web --image=nginx:1.161 --replicas=2\nsim advance 1m\n"
    )
    left_alone = deployment_available(replay(typo), "web", replicas=2, image="nginx:1.16.1")
    assert not left_alone.passed
    assert "images: nginx:1.161 (want nginx:1.16.1)" in left_alone.details
    fixed = replay(typo, "kubectl set image deployment/web nginx=nginx:1.16.1\n")
    assert deployment_available(fixed, "web", replicas=2, image="nginx:1.16.1").passed


def test_a_deployment_scaled_to_zero_is_not_good_enough():
    # Available is True with 0 replicas (nothing is missing), yet nothing serves.
    result = deployment_available(
        replay(web(2), "kubectl scale deployment web --replicas=0\n"), "web"
    )
    assert not result.passed


# --- pod_count -------------------------------------------------------------------------------------


def test_pod_count_counts_matching_pods_in_the_phase_only():
    assert pod_count(replay(web(3), UNRELATED), "app=other", "Pending", 2).passed  # just created
    factory = replay(web(3), UNRELATED, "sim advance 30s\n")
    assert pod_count(factory, "app=web", "Running", 3).passed
    assert pod_count(factory, "app in (web,other)", "Running", 5).passed
    assert not pod_count(factory, "app=web", "Running", 2).passed
    assert not pod_count(factory, "app=web", "Pending", 3).passed


def test_pod_count_reports_a_bad_selector_or_phase():
    factory = replay(web(1))
    assert "is not valid" in pod_count(factory, "app in (web", "Running", 1).message
    assert "Unknown pod phase" in pod_count(factory, "app=web", "Sleeping", 1).message


# --- job_complete --------------------------------------------------------------------------------

FAILING_JOB = """kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: bad}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: ["sh", "-c", "exit 1"]}]
EOF
"""


def test_job_complete_waits_for_a_running_job_and_rejects_a_failed_one():
    factory = replay(
        NODES, 'kubectl create job ok --image=busybox -- sh -c "echo done"\n', FAILING_JOB
    )
    assert job_complete(factory, "ok").passed
    failed = job_complete(factory, "bad")
    assert (failed.passed, failed.message) == (False, 'Job "bad" failed (BackoffLimitExceeded).')
    assert not job_complete(factory, "missing").passed


# --- hpa_scales ------------------------------------------------------------------------------------

PHP = (
    NODES + "kubectl apply -f - <<EOF\n" + PHP_APACHE.format(replicas=1) + "EOF\nsim advance 30s\n"
)
AUTOSCALE = "kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=5\n"


def test_an_autoscaler_that_works_passes_even_with_unrelated_objects():
    result = hpa_scales(replay(PHP, AUTOSCALE, UNRELATED), "php-apache", 1, 5)
    assert result.passed, result
    assert result.details == [
        "peak replicas under 50 requests/s: 5",
        "replicas after the load stopped: 1",
    ]


def test_a_deployment_scaled_by_hand_is_not_an_autoscaler():
    result = hpa_scales(
        replay(PHP, "kubectl scale deployment php-apache --replicas=5\n"), "php-apache", 1, 5
    )
    assert result.message == 'No HorizontalPodAutoscaler targets Deployment "php-apache".'


def test_other_bounds_fail():
    other = AUTOSCALE.replace("--min=1", "--min=2")
    result = hpa_scales(replay(PHP, other), "php-apache", 1, 5)
    assert result.message == "The autoscaler's bounds are 2..5; the task asks for 1..5."


def test_an_autoscaler_without_a_usable_metric_fails_under_load():
    # nginx created by kubectl has no CPU request: utilization cannot be computed
    script = NODES + (
        "kubectl create deployment web --image=nginx\n"
        "kubectl expose deployment web --port=80\n"
        "kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=4\n"
    )
    result = hpa_scales(replay(script), "web", 1, 4)
    assert not result.passed
    assert "the autoscaler did not scale it" in result.message


def test_a_hand_set_count_above_the_floor_is_not_mistaken_for_scaling():
    # Without a metric the HPA holds the hand-set 3 replicas: it never rests at the floor.
    script = NODES + (
        "kubectl create deployment web --image=nginx --replicas=3\n"
        "kubectl expose deployment web --port=80\n"
        "kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=4\n"
    )
    result = hpa_scales(replay(script), "web", 1, 4)
    assert result.message.startswith("Without load, web did not settle at 1 replica(s)")


def test_an_autoscaler_needs_traffic_to_reach_the_pods():
    factory = replay(PHP, "kubectl delete service php-apache\n", AUTOSCALE)
    assert hpa_scales(factory, "php-apache", 1, 5).message == (
        "No Service sends traffic to php-apache's pods."
    )


# --- the registry ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOAL_CHECKS))
def test_every_check_documents_what_it_inspects(name):
    assert len(GOAL_CHECKS[name].__doc__ or "") > 100


def test_same_object_refuses_a_deleted_and_recreated_deployment():
    from lessons.goals import deployment_available

    start = ["kubectl create deployment web --image=nginx:1.161 --replicas=2"]

    def factory_after(lines):
        def factory():
            cluster = Cluster(seed=1, profile="fast")
            runner = ScriptRunner(cluster)
            runner.run_line("sim node add --count 3 --prefix worker-")
            for line in start + lines:
                runner.run_line(line)
            return cluster, runner

        factory.original = lambda: factory_after([])()
        return factory

    fixed = factory_after(["kubectl set image deployment/web nginx=nginx:1.16.1"])
    assert deployment_available(fixed, "web", replicas=2, same_object=True).passed
    recreated = factory_after(
        [
            "kubectl delete deployment web",
            "kubectl create deployment web --image=nginx:1.16.1 --replicas=2",
        ]
    )
    result = deployment_available(recreated, "web", replicas=2, same_object=True)
    assert not result.passed and "deleted and created again" in result.message
    no_original = deployment_available(lambda: fixed(), "web", replicas=2, same_object=True)
    assert not no_original.passed


def test_a_service_pointed_at_other_pods_does_not_pass():
    """The bypass a learner found: delete `serve`, expose the UI under the name `serve`."""
    start = [
        "sim node add --count 3 --prefix worker-",
        "kubectl create deployment serve --image=nginx --replicas=1",
        "kubectl expose deployment serve --port=80",
        "kubectl create deployment ui --image=nginx --replicas=3",
        "sim advance 30s",
    ]

    def factory_after(lines):
        def factory():
            runner = ScriptRunner(Cluster(seed=1, profile="fast"))
            for line in start + lines:
                runner.run_line(line)
            return runner.cluster

        factory.original = lambda: factory_after([])()
        return factory

    bypass = factory_after(
        [
            "kubectl delete service serve",
            "kubectl expose deployment ui --name=serve --port=80",
            "sim advance 10s",
        ]
    )
    result = service_keeps_endpoint_when_any_node_fails(bypass, "serve")
    assert not result.passed and "now selects app=ui instead of app=serve" in result.message
    fixed = factory_after(["kubectl scale deployment serve --replicas=3", "sim advance 30s"])
    assert service_keeps_endpoint_when_any_node_fails(fixed, "serve").passed
