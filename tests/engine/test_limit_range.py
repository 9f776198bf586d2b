"""LimitRange: the LimitRanger admission plugin's defaults and constraints, and kubectl's views.

Checked against kubernetes.io/docs/concepts/policy/limit-range/ (defaults for containers
that set none; min, max and maxLimitRequestRatio; PersistentVolumeClaim storage bounds),
.../tasks/administer-cluster/manage-resources/memory-default-namespace/ (default 512Mi,
defaultRequest 256Mi; a container with only a limit gets that as its request, one with
only a request gets the default limit) and .../cpu-constraint-namespace/ (max 800m, min
200m: a LimitRange with only min and max defaults both default and defaultRequest to max;
`maximum cpu usage per Container is 800m, but limit is 1500m`). Wording and annotation
are plugin/pkg/admission/limitranger/admission.go's.
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

MEM_DEFAULTS = """apiVersion: v1
kind: LimitRange
metadata:
  name: mem-limit-range
spec:
  limits:
  - default:
      memory: 512Mi
    defaultRequest:
      memory: 256Mi
    type: Container
"""
CPU_MIN_MAX = """apiVersion: v1
kind: LimitRange
metadata:
  name: cpu-min-max-demo-lr
spec:
  limits:
  - max:
      cpu: "800m"
    min:
      cpu: "200m"
    type: Container
"""


def pod(name: str, resources: str = "{}", init: bool = False) -> str:
    init_part = (
        "  initContainers:\n  - name: setup\n    image: busybox:1.36\n    command: ['true']\n"
        if init
        else ""
    )
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
{init_part}  containers:
  - name: {name}-ctr
    image: nginx
    resources: {resources}
"""


def session():
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    runner.run_line("sim node add node-1")
    return runner


def stored(runner, name: str) -> dict:
    return runner.cluster.api.get("Pod", "default", name)


def test_defaults_are_applied_and_annotated():
    runner = session()
    runner.run_line("kubectl apply -f -", MEM_DEFAULTS)
    assert runner.run_line("kubectl apply -f -", pod("default-mem-demo")) == (
        "pod/default-mem-demo created"
    )
    created = stored(runner, "default-mem-demo")
    assert created["spec"]["containers"][0]["resources"] == {
        "limits": {"memory": "512Mi"},
        "requests": {"memory": "256Mi"},
    }
    assert created["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: memory request for container default-mem-demo-ctr; "
        "memory limit for container default-mem-demo-ctr"
    )
    # worked out after the defaults: no longer BestEffort
    assert created["status"]["qosClass"] == "Burstable"


def test_a_limit_alone_becomes_the_request_and_a_request_alone_gets_the_default_limit():
    runner = session()
    runner.run_line("kubectl apply -f -", MEM_DEFAULTS)
    runner.run_line("kubectl apply -f -", pod("only-limit", "{limits: {memory: 1Gi}}"))
    assert stored(runner, "only-limit")["spec"]["containers"][0]["resources"] == {
        "limits": {"memory": "1Gi"},
        "requests": {"memory": "1Gi"},  # SetDefaults_Pod, before admission
    }
    assert (
        "kubernetes.io/limit-ranger" not in stored(runner, "only-limit")["metadata"]["annotations"]
    )
    runner.run_line("kubectl apply -f -", pod("only-request", "{requests: {memory: 128Mi}}"))
    created = stored(runner, "only-request")
    assert created["spec"]["containers"][0]["resources"] == {
        "limits": {"memory": "512Mi"},
        "requests": {"memory": "128Mi"},
    }
    assert created["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: memory limit for container only-request-ctr"
    )


def test_defaults_for_cpu_and_memory_make_a_guaranteed_pod():
    runner = session()
    limit_range = """apiVersion: v1
kind: LimitRange
metadata: {name: both}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
"""
    runner.run_line("kubectl apply -f -", limit_range)
    runner.run_line("kubectl run nginx --image=nginx")
    created = stored(runner, "nginx")
    assert created["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu, memory request for container nginx; "
        "cpu, memory limit for container nginx"
    )
    assert created["status"]["qosClass"] == "Guaranteed"


def test_init_containers_get_defaults_too():
    runner = session()
    runner.run_line("kubectl apply -f -", MEM_DEFAULTS)
    runner.run_line("kubectl apply -f -", pod("with-init", init=True))
    created = stored(runner, "with-init")
    assert created["spec"]["initContainers"][0]["resources"]["limits"] == {"memory": "512Mi"}
    assert created["metadata"]["annotations"]["kubernetes.io/limit-ranger"].endswith(
        "memory request for init container setup; memory limit for init container setup"
    )


def test_min_and_max_default_the_limit_range_itself():
    runner = session()
    runner.run_line("kubectl create namespace constraints-cpu-example")
    runner.run_line("kubectl apply -f - --namespace=constraints-cpu-example", CPU_MIN_MAX)
    item = runner.cluster.api.get("LimitRange", "constraints-cpu-example", "cpu-min-max-demo-lr")[
        "spec"
    ]["limits"][0]
    assert item == {
        "default": {"cpu": "800m"},
        "defaultRequest": {"cpu": "800m"},
        "max": {"cpu": "800m"},
        "min": {"cpu": "200m"},
        "type": "Container",
    }
    assert runner.run_line(
        "kubectl describe limitrange cpu-min-max-demo-lr --namespace=constraints-cpu-example"
    ).splitlines() == [
        "Name:       cpu-min-max-demo-lr",
        "Namespace:  constraints-cpu-example",
        "Type        Resource  Min   Max   Default Request  Default Limit  Max Limit/Request Ratio",
        "----        --------  ---   ---   ---------------  -------------  -----------------------",
        "Container   cpu       200m  800m  800m             800m           -",
    ]
    rows = runner.run_line("kubectl get limits --namespace=constraints-cpu-example").splitlines()
    assert rows == [
        "NAME                  CREATED AT",
        "cpu-min-max-demo-lr   2026-01-05T09:00:00Z",
    ]


def test_max_and_min_refusals():
    runner = session()
    runner.run_line("kubectl apply -f -", CPU_MIN_MAX)
    out = runner.run_line(
        "kubectl apply -f -",
        pod("constraints-cpu-demo-2", "{limits: {cpu: 1.5}, requests: {cpu: 500m}}"),
    )
    assert out == (
        'Error from server (Forbidden): error when creating "STDIN": pods "constraints-cpu-demo-2" '
        "is forbidden: maximum cpu usage per Container is 800m, but limit is 1500m"
    )
    out = runner.run_line(
        "kubectl apply -f -",
        pod("constraints-cpu-demo-3", "{limits: {cpu: 800m}, requests: {cpu: 100m}}"),
    )
    assert out.endswith(
        'pods "constraints-cpu-demo-3" is forbidden: minimum cpu usage per Container is 200m, '
        "but request is 100m"
    )


def test_several_violations_print_as_one_aggregate():
    runner = session()
    limit_range = """apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits:
  - type: Container
    min: {cpu: 100m}
    max: {memory: 1Gi}
    maxLimitRequestRatio: {cpu: "4"}
"""
    runner.run_line("kubectl apply -f -", limit_range)
    out = runner.run_line(
        "kubectl apply -f -",
        pod("x", "{requests: {cpu: 50m, memory: 100Mi}, limits: {cpu: 800m, memory: 2Gi}}"),
    )
    assert out.endswith(
        'pods "x" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, '
        "maximum memory usage per Container is 1Gi, but limit is 2Gi, cpu max limit to request "
        "ratio per Container is 4, but provided ratio is 16.000000]"
    )


def test_pod_type_bounds_the_sum_of_containers():
    runner = session()
    limit_range = """apiVersion: v1
kind: LimitRange
metadata: {name: per-pod}
spec:
  limits:
  - type: Pod
    max: {cpu: "1"}
"""
    runner.run_line("kubectl apply -f -", limit_range)
    two = """apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
  - {name: a, image: nginx, resources: {limits: {cpu: 600m}}}
  - {name: b, image: nginx, resources: {limits: {cpu: 600m}}}
"""
    assert runner.run_line("kubectl apply -f -", two).endswith(
        'pods "two" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m'
    )


def test_claim_storage_bounds():
    runner = session()
    limit_range = """apiVersion: v1
kind: LimitRange
metadata: {name: storagelimits}
spec:
  limits:
  - type: PersistentVolumeClaim
    max: {storage: 2Gi}
    min: {storage: 1Gi}
"""
    runner.run_line("kubectl apply -f -", limit_range)
    claim = """apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pvc-limit-greater}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 5Gi}}
"""
    assert runner.run_line("kubectl apply -f -", claim).endswith(
        'persistentvolumeclaims "pvc-limit-greater" is forbidden: maximum storage usage per '
        "PersistentVolumeClaim is 2Gi, but request is 5Gi"
    )


def test_pods_of_a_deployment_get_the_defaults():
    """The API server runs admission on every create, the ReplicaSet controller's too."""
    runner = session()
    runner.run_line("kubectl apply -f -", MEM_DEFAULTS)
    runner.run_line("kubectl create deployment web --image=nginx --replicas=2")
    pods = runner.cluster.store.list("Pod", "default")
    assert len(pods) == 2
    for created in pods:
        assert created["spec"]["containers"][0]["resources"]["requests"] == {"memory": "256Mi"}
        assert created["status"]["qosClass"] == "Burstable"


def test_a_limit_range_refusal_reaches_the_replicaset_as_failed_create():
    runner = session()
    runner.run_line("kubectl apply -f -", CPU_MIN_MAX)
    deployment = """apiVersion: apps/v1
kind: Deployment
metadata: {name: greedy}
spec:
  replicas: 1
  selector: {matchLabels: {app: greedy}}
  template:
    metadata: {labels: {app: greedy}}
    spec:
      containers:
      - {name: app, image: nginx, resources: {limits: {cpu: "2"}}}
"""
    runner.run_line("kubectl apply -f -", deployment)
    rs = runner.cluster.store.list("ReplicaSet", "default")[0]
    assert rs["status"]["replicas"] == 0
    message = rs["status"]["conditions"][0]["message"]
    assert message.endswith("is forbidden: maximum cpu usage per Container is 800m, but limit is 2")
