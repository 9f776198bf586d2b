"""The HorizontalPodAutoscaler (autoscaling/v2) and `kubectl autoscale`.

Checked against kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/
(php-apache with a 50 % CPU target scales out under load and back in once it stops;
the TARGETS column reads `cpu: <current>%/50%`) and /docs/concepts/workloads/autoscaling/
horizontal-pod-autoscale/ (desiredReplicas = ceil(currentReplicas x currentMetricValue /
desiredMetricValue), the 0.1 tolerance, the 15 s sync period, the 300 s scale-down
stabilization window, behavior policies, missing requests). Conditions, event reasons and
messages are horizontal.go's; the describe layout is describeHorizontalPodAutoscalerV2's.
"""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.controllers.hpa_replicas import MetricError, resource_replicas
from cluster_sim.engine.script import ScriptRunner
from tests.engine.test_traffic import PHP_APACHE

HPA = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 50}
"""


def _runner(tmp_path, hpa=HPA, replicas=1):
    runner = ScriptRunner(Cluster(seed=7), base_dir=tmp_path)
    runner.run_line("sim node add --count 3 --prefix node-")
    (tmp_path / "app.yaml").write_text(PHP_APACHE.format(replicas=replicas))
    (tmp_path / "hpa.yaml").write_text(hpa)
    runner.run_line("kubectl apply -f app.yaml")
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl apply -f hpa.yaml")
    return runner


def _hpa(runner, name="php-apache"):
    return runner.cluster.store.get("HorizontalPodAutoscaler", "default", name)


def _conditions(hpa):
    return {c["type"]: (c["status"], c["reason"]) for c in hpa["status"]["conditions"]}


def _rescales(runner):
    rescales = [
        e
        for e in runner.cluster.store.list("Event", "default")
        if e["reason"] == "SuccessfulRescale"
    ]
    return [e["message"] for e in sorted(rescales, key=lambda e: e["firstTimestamp"])]


def test_the_walkthrough_scales_out_under_load_and_back_in_after_the_window(tmp_path):
    runner = _runner(tmp_path)
    assert "cpu: <unknown>/50%" in runner.run_line("kubectl get hpa")  # first sync after 15 s
    runner.run_line("sim advance 15s")
    assert "cpu: 0%/50%" in runner.run_line("kubectl get hpa")
    runner.run_line("sim traffic php-apache --rps 5")
    runner.run_line("sim advance 15s")
    # 5 requests/s x 100 ms of CPU, capped by the 500m limit: 250 % of the 200m request
    assert "cpu: 250%/50%" in runner.run_line("kubectl get hpa")
    # desired = ceil(1 x 250/50) = 5, but one sync may at most go to max(2 x 1, 4) = 4
    assert _rescales(runner) == [
        "New size: 4; reason: cpu resource utilization (percentage of request) above target"
    ]
    runner.run_line("sim advance 2m")
    replicas = _hpa(runner)["status"]["currentReplicas"]
    assert 5 <= replicas <= 7
    assert (
        _hpa(runner)["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"]
        <= 55
    )
    runner.run_line("sim traffic php-apache --rps 0")
    runner.run_line("sim advance 4m")
    # below target for 4 minutes: the highest recommendation of the last 5 still holds
    assert _hpa(runner)["status"]["desiredReplicas"] == replicas
    assert _conditions(_hpa(runner))["AbleToScale"] == ("True", "ScaleDownStabilized")
    runner.run_line("sim advance 90s")
    assert runner.cluster.store.get("Deployment", "default", "php-apache")["spec"]["replicas"] == 1
    assert _rescales(runner)[-1] == "New size: 1; reason: All metrics below target"
    assert _conditions(_hpa(runner)) == {
        "AbleToScale": ("True", "ReadyForNewScale"),
        "ScalingActive": ("True", "ValidMetricFound"),
        "ScalingLimited": ("False", "DesiredWithinRange"),
    }


def test_max_replicas_limits_the_scale_out(tmp_path):
    runner = _runner(tmp_path, hpa=HPA.replace("maxReplicas: 10", "maxReplicas: 3"))
    runner.run_line("sim advance 15s")
    runner.run_line("sim traffic php-apache --rps 20")
    runner.run_line("sim advance 1m")
    hpa = _hpa(runner)
    assert hpa["status"]["currentReplicas"] == 3
    assert _conditions(hpa)["ScalingLimited"] == ("True", "TooManyReplicas")
    assert "3         3" in runner.run_line("kubectl get hpa")


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        ([100, 100], 2),  # exactly on target
        ([108, 108], 2),  # ratio 1.08: within the 10 % tolerance
        ([115, 115], 3),  # ratio 1.15: ceil(2 x 1.15)
        ([40, 40], 1),  # ratio 0.4: ceil(2 x 0.4)
    ],
)
def test_desired_replicas_is_ceil_of_current_times_ratio_outside_the_tolerance(usage, expected):
    pods = [_ready_pod(f"p{i}", "200m") for i in range(2)]
    proposal = resource_replicas(2, pods, {"p0": usage[0], "p1": usage[1]}, "cpu", 50, None)
    assert proposal.replicas == expected


def test_a_pod_without_a_cpu_request_cannot_be_scaled_on_utilization(tmp_path):
    runner = ScriptRunner(Cluster(seed=7), base_dir=tmp_path)
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl create deployment web --image=nginx")
    assert runner.run_line("kubectl autoscale deployment web --max=5 --cpu=70%") == (
        "horizontalpodautoscaler.autoscaling/web autoscaled"
    )
    runner.run_line("sim advance 40s")
    pod = runner.cluster.store.list("Pod", "default")[0]["metadata"]["name"]
    problem = (
        f"failed to get cpu utilization: missing request for cpu in container nginx of Pod {pod}"
    )
    assert _conditions(_hpa(runner, "web"))["ScalingActive"] == ("False", "FailedGetResourceMetric")
    described = runner.run_line("kubectl describe hpa web")
    assert f"the HPA was unable to compute the replica count: {problem}" in described
    assert "FailedGetResourceMetric       " in described
    assert (
        "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric "
        f"value: {problem}"
    ) in described
    assert "cpu: <unknown>/70%" in runner.run_line("kubectl get hpa web")
    with pytest.raises(MetricError, match="missing request for cpu in container nginx"):
        resource_replicas(
            1, [runner.cluster.store.get("Pod", "default", pod)], {pod: 1}, "cpu", 50, None
        )


def test_behavior_policies_limit_the_rate_of_scaling(tmp_path):
    slow = (
        HPA
        + """  behavior:
    scaleUp:
      policies: [{type: Pods, value: 1, periodSeconds: 60}]
"""
    )
    runner = _runner(tmp_path, hpa=slow)
    hpa = _hpa(runner)
    assert hpa["spec"]["behavior"]["scaleUp"] == {
        "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}],
        "selectPolicy": "Max",
        "stabilizationWindowSeconds": 0,
    }
    assert hpa["spec"]["behavior"]["scaleDown"] == {
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
        "selectPolicy": "Max",
    }
    runner.run_line("sim traffic php-apache --rps 20")
    runner.run_line("sim advance 1m45s")
    assert _rescales(runner) == [
        "New size: 2; reason: cpu resource utilization (percentage of request) above target",
        "New size: 3; reason: cpu resource utilization (percentage of request) above target",
    ]
    assert _conditions(_hpa(runner))["ScalingLimited"] == ("True", "ScaleUpLimit")
    described = runner.run_line("kubectl describe hpa php-apache")
    assert (
        "Behavior:\n  Scale Up:\n    Stabilization Window: 0 seconds\n    Select Policy: Max\n"
        in described
    )
    assert "      - Type=Pods  Value=1  Period=60 seconds\n" in described


def test_kubectl_autoscale_builds_an_autoscaling_v2_hpa(tmp_path):
    runner = _runner(tmp_path, hpa="")
    out = runner.run_line(
        "kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10 --dry-run=client -o yaml"
    )
    assert (
        out
        == """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  creationTimestamp: null
  name: php-apache
spec:
  maxReplicas: 10
  metrics:
  - resource:
      name: cpu
      target:
        averageUtilization: 50
        type: Utilization
    type: Resource
  minReplicas: 1
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
status:
  currentMetrics: null
  desiredReplicas: 0"""
    )
    assert runner.run_line(
        "kubectl autoscale deploy/php-apache --max 4 --cpu 300m --memory 64"
    ) == ("horizontalpodautoscaler.autoscaling/php-apache autoscaled")
    metrics = _hpa(runner)["spec"]["metrics"]
    assert [m["resource"]["target"] for m in metrics] == [
        {"type": "AverageValue", "averageValue": "300m"},
        {"type": "AverageValue", "averageValue": "64Mi"},
    ]
    assert _hpa(runner)["spec"]["minReplicas"] == 1  # defaulted by the API server


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kubectl autoscale deployment php-apache --min=3", "error: --max=MAXPODS is required and must be at least 1, max: -1"),
        ("kubectl autoscale deployment php-apache --min=3 --max=2", "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 3"),
        ("kubectl autoscale deployment php-apache --max=2 --cpu-percent=5 --cpu=10%", "error: --cpu-percent and --cpu are mutually exclusive"),
        ("kubectl autoscale deployment php-apache --max=2 --cpu=ten%", "error: invalid percentage value: ten"),
        ("kubectl autoscale deployment php-apache --max=2 --memory=lots", "error: invalid resource memory value: lots"),
        ("kubectl autoscale service php-apache --max=2", "error: cannot autoscale a Service: could not find scale subresource for /v1, Resource=services in discovery information"),
        ("kubectl autoscale deployment nope --max=2", 'Error from server (NotFound): deployments.apps "nope" not found'),
    ],
)  # fmt: skip
def test_kubectl_autoscale_refuses_as_upstream_does(tmp_path, line, expected):
    runner = _runner(tmp_path, hpa="")
    assert runner.run_line(line) == expected


def test_an_autoscaling_v1_hpa_is_served_as_v2_with_defaults(tmp_path):
    v1 = """apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: php-apache}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  maxReplicas: 4
  targetCPUUtilizationPercentage: 60
"""
    runner = _runner(tmp_path, hpa=v1)
    hpa = _hpa(runner)
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["minReplicas"] == 1
    assert hpa["spec"]["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 60},
            },
        }
    ]


def test_describe_hpa_reads_like_kubectl(tmp_path):
    runner = _runner(tmp_path)
    runner.run_line("sim advance 15s")
    described = runner.run_line("kubectl describe hpa php-apache")
    lines = described.splitlines()
    assert lines[0] == "Name:                                                  php-apache"
    assert "Reference:                                             Deployment/php-apache" in lines
    assert "  resource cpu on pods  (as a percentage of request):  0% (1m) / 50%" in lines
    assert "Deployment pods:                                       1 current / 1 desired" in lines
    assert lines[-1] == "Events:           <none>"  # its tabwriter block starts after Conditions


def _ready_pod(name, cpu):
    return {
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": cpu}}}]},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
    }


def test_metrics_without_a_simulated_source_say_so(tmp_path):
    """Pods, Object, External and ContainerResource metrics need an adapter ClusterLab does
    not simulate: the HPA reports it as upstream reports a metric it cannot get."""
    pods_metric = HPA.replace(
        """  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 50}
""",
        """  - type: Pods
    pods:
      metric: {name: packets-per-second}
      target: {type: AverageValue, averageValue: 1k}
""",
    )
    runner = _runner(tmp_path, hpa=pods_metric)
    runner.run_line("sim advance 20s")
    conditions = _conditions(_hpa(runner))
    assert conditions["ScalingActive"] == ("False", "InvalidMetricSourceType")
    described = runner.run_line("kubectl describe hpa php-apache")
    assert "ClusterLab simulates Resource metrics only; Pods metrics have no source" in described
