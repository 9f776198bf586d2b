"""Hostile and odd input for the second part's kinds: a clear error in kubectl's words,
never a Python exception escaping the runner.

Each case once crashed the runner (the repro is in its docstring). Wording is the API
server's: pkg/apis/autoscaling/validation/validation.go (validateMetricTarget,
validateResourceSource, validateScalingPolicy), pkg/apis/core/validation/validation.go
(ValidatePersistentVolumeClaimSpec, ValidateResourceQuotaSpec, ValidateLimitRange), and
robfig/cron's parser for CronJob schedules. Pages:
kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ (metric targets),
kubernetes.io/docs/concepts/storage/persistent-volumes/ (access modes, claims),
kubernetes.io/docs/concepts/workloads/controllers/statefulset/ (volumeClaimTemplates),
kubernetes.io/docs/concepts/policy/resource-quotas/ (scopes),
kubernetes.io/docs/concepts/policy/limit-range/ (min, max, default),
kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ (schedule syntax).
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

WEB = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        resources: {requests: {cpu: 100m, memory: 64Mi}}
"""
SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
    "spec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"
)


def session(nodes: int = 2) -> ScriptRunner:
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    for index in range(1, nodes + 1):
        runner.run_line(f"sim node add node-{index}")
    return runner


def with_web(nodes: int = 2) -> ScriptRunner:
    runner = session(nodes)
    runner.run_line("kubectl apply -f -", WEB)
    runner.run_line("kubectl apply -f -", SERVICE)
    runner.run_line("sim advance 30s")
    return runner


def hpa(metrics: str) -> str:
    return (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
        f"  maxReplicas: 5\n{metrics}"
    )


# --- HorizontalPodAutoscaler metric targets -------------------------------------------


def test_a_zero_utilization_target_is_refused():
    """Was: ZeroDivisionError in hpa_replicas.ratio_of on the first sync."""
    runner = with_web()
    target = "{type: Utilization, averageUtilization: 0}"
    out = runner.run_line(
        "kubectl apply -f -",
        hpa(f"  metrics: [{{type: Resource, resource: {{name: cpu, target: {target}}}}}]\n"),
    )
    assert out == (
        'The HorizontalPodAutoscaler "h" is invalid: spec.metrics[0].resource.target.'
        "averageUtilization: Invalid value: 0: must be greater than 0"
    )
    runner.run_line("sim traffic web --rps 200")
    assert runner.run_line("sim advance 2m").startswith("advanced 2m")


def test_a_resource_metric_without_a_target_value_is_refused():
    """Was: TypeError (float / None) in hpa_replicas.ratio_of."""
    runner = with_web()
    out = runner.run_line(
        "kubectl apply -f -",
        hpa("  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization}}}]\n"),
    )
    assert out == (
        'The HorizontalPodAutoscaler "h" is invalid: spec.metrics[0].resource.target.'
        "averageUtilization: Required value: must set either a target raw value or a target "
        "utilization"
    )


def test_an_autoscaling_v1_zero_cpu_target_is_refused():
    runner = with_web()
    out = runner.run_line(
        "kubectl apply -f -",
        "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
        "  maxReplicas: 3\n  targetCPUUtilizationPercentage: 0\n",
    )
    assert out.endswith("averageUtilization: Invalid value: 0: must be greater than 0")


def test_metric_sources_and_behavior_policies_are_validated():
    runner = with_web()
    both = (
        "  metrics: [{type: Resource, pods: {metric: {name: rps}, target: {type: AverageValue,"
        " averageValue: '1'}}, resource: {name: cpu, target: {type: Utilization,"
        " averageUtilization: 50}}}]\n"
    )
    assert runner.run_line("kubectl apply -f -", hpa(both)) == (
        'The HorizontalPodAutoscaler "h" is invalid: spec.metrics[0].pods: Forbidden: '
        "must populate the given metric source only"
    )
    memory = "{type: AverageValue, averageValue: '0'}"
    assert runner.run_line(
        "kubectl apply -f -",
        hpa(f"  metrics: [{{type: Resource, resource: {{name: memory, target: {memory}}}}}]\n"),
    ).endswith('resource.target.averageValue: Invalid value: "0": must be positive')
    behavior = (
        "  behavior: {scaleDown: {stabilizationWindowSeconds: -1,"
        " policies: [{type: Percent, value: 0, periodSeconds: 1801}]}}\n"
    )
    assert runner.run_line("kubectl apply -f -", hpa(behavior)).splitlines()[1:] == [
        "* spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: -1: "
        "must be greater than or equal to zero",
        "* spec.behavior.scaleDown.policies[0].value: Invalid value: 0: must be greater than zero",
        "* spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 1801: "
        "must be less than or equal to 1800",
    ]
    pods = "  metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue}}}]\n"
    assert runner.run_line("kubectl apply -f -", hpa(pods)).endswith(
        "spec.metrics[0].pods.target.averageValue: Required value: "
        "must specify a positive target averageValue"
    )


def test_kubectl_autoscale_sends_what_the_server_validates():
    """Was: `kubectl autoscale deploy web --max=3 --cpu=0%` stored a 0% target, and the
    next `sim advance` raised ZeroDivisionError; --name was never checked."""
    runner = with_web()
    assert runner.run_line("kubectl autoscale deploy web --max=3 --cpu=0%") == (
        'The HorizontalPodAutoscaler "web" is invalid: spec.metrics[0].resource.target.'
        "averageUtilization: Invalid value: 0: must be greater than 0"
    )
    assert runner.run_line("kubectl autoscale deploy web --max=3 --name=Bad_Name").startswith(
        'The HorizontalPodAutoscaler "Bad_Name" is invalid: metadata.name: Invalid value: '
        '"Bad_Name": a lowercase RFC 1123 subdomain'
    )
    assert runner.run_line("kubectl get hpa") == "No resources found in default namespace."
    assert runner.run_line("sim advance 1m").startswith("advanced")


# --- StatefulSet claims -----------------------------------------------------------------

STATEFULSET = """apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: c, image: nginx:1.25, volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
  - metadata: %s
    spec: %s
"""
CLAIM_SPEC = "{accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}"


def _failed_creates(runner: ScriptRunner) -> list[str]:
    return [
        e["message"]
        for e in runner.cluster.store.list("Event", "default")
        if e["reason"] == "FailedCreate" and e["involvedObject"]["kind"] == "StatefulSet"
    ]


def test_a_claim_template_without_a_name_fails_the_claim_not_the_runner():
    """Was: KeyError 'name' in statefulset._claims_of when the set was applied."""
    runner = session()
    out = runner.run_line("kubectl apply -f -", STATEFULSET % ("{}", CLAIM_SPEC))
    assert out == "statefulset.apps/db created"
    runner.run_line("sim advance 30s")
    assert runner.run_line("kubectl get pods,pvc") == "No resources found in default namespace."
    assert _failed_creates(runner)[0].startswith(
        'create Claim -db-0 for Pod db-0 in StatefulSet db failed error: PersistentVolumeClaim "'
        '-db-0" is invalid: metadata.name: Invalid value: "-db-0": a lowercase RFC 1123 subdomain'
    )


def test_a_claim_template_the_api_server_refuses_holds_the_pod_back():
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        STATEFULSET % ("{name: data}", "{resources: {requests: {storage: 1Gi}}}"),
    )
    runner.run_line("sim advance 30s")
    assert runner.run_line("kubectl get pods,pvc") == "No resources found in default namespace."
    assert _failed_creates(runner)[0] == (
        "create Claim data-db-0 for Pod db-0 in StatefulSet db failed error: "
        'PersistentVolumeClaim "data-db-0" is invalid: spec.accessModes: Required value: '
        "at least 1 access mode is required"
    )


# --- pod IPs ---------------------------------------------------------------------------

MANY_COMPLETIONS = """apiVersion: batch/v1
kind: Job
metadata: {name: many}
spec:
  parallelism: 50
  completions: 600
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox:1.36, command: [sh, -c, 'sleep 1']}]
"""


def test_finished_pods_give_their_ips_back():
    """Was: AllocationError "no IP addresses available in range set for node node-1" once
    a node had run 253 pods of a Job: completed pods kept their sandbox IPs."""
    runner = session(nodes=1)
    runner.run_line("kubectl apply -f -", MANY_COMPLETIONS)
    assert runner.run_line("sim advance 10m").startswith("advanced")
    assert runner.run_line("kubectl get job many").split()[5:8] == ["many", "Complete", "600/600"]


def test_force_deleted_pods_give_their_ips_back():
    """Was: the same AllocationError after 253 `kubectl delete pod --force` on one node."""
    runner = session(nodes=1)
    for index in range(260):
        runner.run_line(f"kubectl run p{index} --image=busybox:1.36 -- sleep 3600")
        runner.run_line("sim advance 3s")
        runner.run_line(f"kubectl delete pod p{index} --force --grace-period=0")
    runner.run_line("kubectl run last --image=nginx:1.25")
    runner.run_line("sim advance 30s")
    assert runner.run_line("kubectl get pod last").split()[5:8] == ["last", "1/1", "Running"]
    ips = [p["status"].get("podIP") for p in runner.cluster.store.list("Pod", "default")]
    assert len(ips) == len(set(ips)) == 1


# --- PersistentVolumeClaim validation ---------------------------------------------------


def claim(spec: str) -> str:
    return f"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: c}}\nspec:\n{spec}\n"


def test_claims_are_validated_as_the_api_server_does():
    runner = session()
    storage = "  resources: {requests: {storage: 1Gi}}\n"
    cases = {
        "  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: '0'}}": (
            'spec.resources[storage]: Invalid value: "0": must be greater than zero'
        ),
        "  accessModes: [ReadWriteOnce]\n  resources: {requests: {cpu: '1'}}": (
            "spec.resources[storage]: Required value"
        ),
        storage: "spec.accessModes: Required value: at least 1 access mode is required",
        "  accessModes: [Foo]\n" + storage: (
            'spec.accessModes: Unsupported value: "Foo": supported values: "ReadOnlyMany", '
            '"ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'
        ),
        "  accessModes: [ReadWriteOncePod, ReadWriteOnce]\n" + storage: (
            "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"
        ),
        "  accessModes: [ReadWriteOnce]\n  volumeMode: Foo\n" + storage: (
            'spec.volumeMode: Unsupported value: "Foo": supported values: "Block", "Filesystem"'
        ),
        "  accessModes: [ReadWriteOnce]\n  dataSource: {kind: Snapshot, name: s}\n" + storage: (
            "spec.dataSource: Invalid value: \"Snapshot\": must be 'PersistentVolumeClaim' "
            "when referencing the default apiGroup"
        ),
    }
    for spec, cause in cases.items():
        out = runner.run_line("kubectl apply -f -", claim(spec))
        assert out == f'The PersistentVolumeClaim "c" is invalid: {cause}', spec
    assert runner.run_line("kubectl get pvc") == "No resources found in default namespace."
    fine = claim("  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 500m}}")
    assert runner.run_line("kubectl apply -f -", fine) == "persistentvolumeclaim/c created"
