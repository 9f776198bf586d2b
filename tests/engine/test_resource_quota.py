"""ResourceQuota: the admission plugin, the resource quota controller and kubectl's views.

Checked against kubernetes.io/docs/concepts/policy/resource-quotas/ (compute, object count
and storage quotas; scopes; terminal pods do not count), .../tasks/administer-cluster/
manage-resources/quota-memory-cpu-namespace/ (the mem-cpu-demo quota and its pods: the
second pod is refused with `exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi,
used: requests.memory=600Mi, limited: requests.memory=1Gi`), .../quota-pod-namespace/ (a
Deployment beyond a pod quota: fewer pods, FailedCreate) and .../quota-api-object/
(`kubectl create quota` with count/<resource>.<group>, `describe quota`). Wording is
upstream's: apiserver admission/plugin/resourcequota/controller.go and
pkg/quota/v1/evaluator/core/pods.go (`failed quota: ...: must specify ...`).
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

QUOTA = """apiVersion: v1
kind: ResourceQuota
metadata:
  name: mem-cpu-demo
spec:
  hard:
    requests.cpu: "1"
    requests.memory: 1Gi
    limits.cpu: "2"
    limits.memory: 2Gi
"""


def pod(name: str, requests: str, limits: str) -> str:
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: {name}-ctr
    image: nginx
    resources:
      requests: {requests}
      limits: {limits}
"""


def session():
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    runner.run_line("sim node add node-1")
    return runner


def quota_status(runner, name: str, namespace: str = "default") -> dict:
    return runner.cluster.api.get("ResourceQuota", namespace, name)["status"]


def test_quota_status_tracks_pod_requests_and_limits():
    runner = session()
    runner.run_line("kubectl apply -f -", QUOTA)
    assert quota_status(runner, "mem-cpu-demo") == {
        "hard": {
            "limits.cpu": "2",
            "limits.memory": "2Gi",
            "requests.cpu": "1",
            "requests.memory": "1Gi",
        },
        "used": {
            "limits.cpu": "0",
            "limits.memory": "0",
            "requests.cpu": "0",
            "requests.memory": "0",
        },
    }
    out = runner.run_line(
        "kubectl apply -f -",
        pod("quota-mem-cpu-demo", "{memory: 600Mi, cpu: 400m}", "{memory: 800Mi, cpu: 800m}"),
    )
    assert out == "pod/quota-mem-cpu-demo created"
    assert quota_status(runner, "mem-cpu-demo")["used"] == {
        "limits.cpu": "800m",
        "limits.memory": "800Mi",
        "requests.cpu": "400m",
        "requests.memory": "600Mi",
    }
    assert runner.run_line("kubectl get quota").splitlines() == [
        "NAME           AGE   REQUEST                                            LIMIT",
        "mem-cpu-demo   0s    requests.cpu: 400m/1, requests.memory: 600Mi/1Gi   "
        "limits.cpu: 800m/2, limits.memory: 800Mi/2Gi",
    ]
    assert runner.run_line("kubectl describe quota mem-cpu-demo").splitlines() == [
        "Name:            mem-cpu-demo",
        "Namespace:       default",
        "Resource         Used   Hard",
        "--------         ----   ----",
        "limits.cpu       800m   2",
        "limits.memory    800Mi  2Gi",
        "requests.cpu     400m   1",
        "requests.memory  600Mi  1Gi",
    ]


def test_a_pod_beyond_the_quota_is_refused_with_upstreams_words():
    runner = session()
    runner.run_line("kubectl apply -f -", QUOTA)
    runner.run_line(
        "kubectl apply -f -",
        pod("quota-mem-cpu-demo", "{memory: 600Mi, cpu: 400m}", "{memory: 800Mi, cpu: 800m}"),
    )
    out = runner.run_line(
        "kubectl apply -f -",
        pod("quota-mem-cpu-demo-2", "{memory: 700Mi, cpu: 400m}", "{memory: 1Gi, cpu: 800m}"),
    )
    assert out == (
        'Error from server (Forbidden): error when creating "STDIN": pods "quota-mem-cpu-demo-2" '
        "is forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: "
        "requests.memory=600Mi, limited: requests.memory=1Gi"
    )
    assert runner.cluster.store.get("Pod", "default", "quota-mem-cpu-demo-2") is None
    assert quota_status(runner, "mem-cpu-demo")["used"]["requests.memory"] == "600Mi"


def test_several_exceeded_resources_are_listed_together_sorted():
    runner = session()
    runner.run_line("kubectl create quota small --hard=requests.cpu=1,limits.cpu=1,pods=5")
    out = runner.run_line("kubectl apply -f -", pod("big", "{cpu: '2'}", "{cpu: '3'}"))
    assert out.endswith(
        'pods "big" is forbidden: exceeded quota: small, requested: limits.cpu=3,requests.cpu=2, '
        "used: limits.cpu=0,requests.cpu=0, limited: limits.cpu=1,requests.cpu=1"
    )


def test_a_quota_on_cpu_and_memory_requires_every_container_to_set_them():
    runner = session()
    runner.run_line("kubectl apply -f -", QUOTA)
    out = runner.run_line("kubectl run nginx --image=nginx")
    assert out == (
        'Error from server (Forbidden): pods "nginx" is forbidden: failed quota: mem-cpu-demo: '
        "must specify limits.cpu for: nginx; limits.memory for: nginx; requests.cpu for: nginx; "
        "requests.memory for: nginx"
    )


def test_object_count_quotas_and_describe():
    """quota-api-object: count/deployments.apps, count/replicasets.apps, count/pods."""
    runner = session()
    runner.run_line("kubectl create namespace myspace")
    out = runner.run_line(
        "kubectl create quota test --hard=count/deployments.apps=2,count/replicasets.apps=4,"
        "count/pods=3,count/secrets=4 --namespace=myspace"
    )
    assert out == "resourcequota/test created"
    runner.run_line(
        "kubectl create deployment nginx --image=nginx --namespace=myspace --replicas=2"
    )
    assert runner.run_line("kubectl describe quota --namespace=myspace").splitlines() == [
        "Name:                   test",
        "Namespace:              myspace",
        "Resource                Used  Hard",
        "--------                ----  ----",
        "count/deployments.apps  1     2",
        "count/pods              2     3",
        "count/replicasets.apps  1     4",
        "count/secrets           0     4",
    ]
    runner.run_line("kubectl create deployment two --image=nginx --namespace=myspace")
    out = runner.run_line("kubectl create deployment three --image=nginx --namespace=myspace")
    assert out == (
        'error: failed to create deployment: deployments.apps "three" is forbidden: exceeded '
        "quota: test, requested: count/deployments.apps=1, used: count/deployments.apps=2, "
        "limited: count/deployments.apps=2"
    )


def test_a_deployment_beyond_a_pod_quota_records_failed_create_and_converges_later():
    """quota-pod-namespace: 3 replicas asked, 2 pods allowed; the ReplicaSet says why."""
    runner = session()
    runner.run_line("kubectl create quota pod-demo --hard=pods=2")
    runner.run_line("kubectl create deployment pod-quota-demo --image=nginx --replicas=3")
    runner.run_line("sim advance 10s")
    rs = runner.cluster.store.list("ReplicaSet", "default")[0]
    name = rs["metadata"]["name"]
    rows = runner.run_line("kubectl get rs").splitlines()
    assert rows[1].split()[:4] == [name, "3", "2", "2"]
    condition = rs["status"]["conditions"][0]
    assert condition["type"] == "ReplicaFailure" and condition["reason"] == "FailedCreate"
    assert condition["message"].endswith(
        "is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2"
    )
    assert condition["message"].startswith(f'pods "{name}-')  # the generated name
    described = runner.run_line(f"kubectl describe rs {name}")
    assert "Replicas:       2 current / 3 desired" in described
    assert "ReplicaFailure   True    FailedCreate" in described
    assert "Warning  FailedCreate" in described and "Error creating: pods" in described
    assert quota_status(runner, "pod-demo")["used"] == {"pods": "2"}
    # The quota is raised: the ReplicaSet's next retry (backoff, 5 ms doubling) succeeds.
    runner.run_line("kubectl delete quota pod-demo")
    runner.run_line("kubectl create quota pod-demo --hard=pods=5")
    runner.run_line("sim advance 3m")
    rs = runner.cluster.store.get("ReplicaSet", "default", name)
    assert rs["status"]["replicas"] == 3
    assert "conditions" not in rs["status"]  # a successful sync removes ReplicaFailure
    assert quota_status(runner, "pod-demo")["used"] == {"pods": "3"}


def test_retries_back_off_exponentially():
    runner = session()
    runner.run_line("kubectl create quota none --hard=pods=0")
    runner.run_line("kubectl create deployment web --image=nginx")
    controller = next(c for c in runner.cluster.controllers if c.name == "replicaset-controller")
    rs = runner.cluster.store.list("ReplicaSet", "default")[0]
    key = ("default", rs["metadata"]["name"])
    before = controller._backoff.failures(key)
    runner.run_line("sim advance 1s")
    after_one_second = controller._backoff.failures(key)
    runner.run_line("sim advance 60s")
    after_a_minute = controller._backoff.failures(key)
    # 5 ms * 2^n: about 8 retries fit in the first second, only a few more in a minute
    assert before >= 1
    assert 6 <= after_one_second - before <= 9
    assert after_a_minute - after_one_second <= 7


def test_terminal_and_deleted_pods_stop_counting():
    runner = session()
    runner.run_line("kubectl create quota pods --hard=pods=3,count/pods=3")
    runner.run_line("kubectl run a --image=nginx")
    runner.run_line("kubectl run b --image=nginx")
    assert quota_status(runner, "pods")["used"] == {"count/pods": "2", "pods": "2"}
    api = runner.cluster.api
    finished = api.get("Pod", "default", "a")
    finished["status"]["phase"] = "Succeeded"
    api.touch(finished)
    runner.cluster.settle()
    # `pods` counts pods not in a terminal phase; count/pods every pod in storage
    assert quota_status(runner, "pods")["used"] == {"count/pods": "2", "pods": "1"}
    runner.run_line("kubectl delete pod b --grace-period=0 --force")
    assert quota_status(runner, "pods")["used"] == {"count/pods": "1", "pods": "0"}


def test_admission_charges_what_the_controller_counts():
    runner = session()
    runner.run_line("kubectl create quota q --hard=requests.memory=4Gi,pods=10,services=2")
    for name in ("a", "b"):
        runner.run_line(
            "kubectl apply -f -", pod(name, "{memory: 300Mi, cpu: 100m}", "{memory: 300Mi}")
        )
    quota = runner.cluster.api.get("ResourceQuota", "default", "q")
    controller = runner.cluster.controllers[0]
    assert controller.name == "resourcequota-controller"
    recount = controller.usage(quota, quota["spec"]["hard"])
    assert {name: str(amount) for name, amount in recount.items()} == quota["status"]["used"]
    assert quota["status"]["used"] == {"pods": "2", "requests.memory": "600Mi", "services": "1"}


def test_scoped_quota_counts_only_matching_pods():
    runner = session()
    runner.run_line("kubectl create quota best-effort --hard=pods=1 --scopes=BestEffort")
    runner.run_line("kubectl run first --image=nginx")
    out = runner.run_line("kubectl run second --image=nginx")
    assert out.endswith(
        'pods "second" is forbidden: exceeded quota: best-effort, requested: pods=1, used: '
        "pods=1, limited: pods=1"
    )
    # a Burstable pod is outside the BestEffort scope
    out = runner.run_line("kubectl apply -f -", pod("burst", "{cpu: 100m}", "{cpu: 200m}"))
    assert out == "pod/burst created"
    described = runner.run_line("kubectl describe quota best-effort")
    assert described.splitlines()[2:4] == [
        "Scopes:     BestEffort",
        " * Matches all pods that do not have resource requirements set. These pods have a "
        "best effort quality of service.",
    ]


def test_service_quotas_count_node_ports_and_load_balancers():
    runner = session()
    runner.run_line(
        "kubectl create quota svc --hard=services=5,services.nodeports=1,services.loadbalancers=0"
    )
    service = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80}, {name: https, port: 443}]
"""
    out = runner.run_line("kubectl apply -f -", service)
    assert out.endswith(
        'services "web" is forbidden: exceeded quota: svc, requested: services.nodeports=2, '
        "used: services.nodeports=0, limited: services.nodeports=1"
    )
    # the refused Service gave back the node ports it was allocated
    assert not runner.cluster.api.node_ports._used


def test_create_quota_client_dry_run_and_errors():
    runner = session()
    out = runner.run_line(
        "kubectl create quota best-effort --hard=pods=100,memory=1024Mi --scopes=BestEffort "
        "--dry-run=client -o yaml"
    )
    assert out.splitlines() == [
        "apiVersion: v1",
        "kind: ResourceQuota",
        "metadata:",
        "  creationTimestamp: null",
        "  name: best-effort",
        "spec:",
        "  hard:",
        "    memory: 1Gi",
        '    pods: "100"',
        "  scopes:",
        "  - BestEffort",
        "status: {}",
    ]
    assert runner.run_line("kubectl create quota q --hard=pods") == (
        "error: Invalid argument syntax pods, expected <resource>=<value>"
    )
    assert runner.run_line("kubectl create quota q --hard=pods=lots").startswith(
        "error: quantities must match the regular expression"
    )
    assert "Create a resource quota" in runner.run_line("kubectl create quota --help")


def test_describe_namespace_shows_quotas_and_limit_ranges():
    runner = session()
    runner.run_line("kubectl create quota pods --hard=pods=4")
    runner.run_line("kubectl run a --image=nginx")
    lines = runner.run_line("kubectl describe namespace default").splitlines()
    assert lines == [
        "Name:         default",
        "Labels:       kubernetes.io/metadata.name=default",
        "Annotations:  <none>",
        "Status:       Active",
        "",
        "Resource Quotas",
        "  Name:     pods",
        "  Resource  Used  Hard",
        "  --------  ---   ---",
        "  pods      1     4",
        "",
        "No LimitRange resource.",
    ]


def test_the_deployment_carries_its_replica_sets_replica_failure_condition():
    """syncRolloutStatus (pkg/controller/deployment/progress.go) copies the ReplicaSet's
    ReplicaFailure onto the Deployment and removes it once pods can be created again; the
    resource-quotas page's `describe deployment` shows it as `ReplicaFailure True FailedCreate`."""
    runner = ScriptRunner(Cluster(seed=4))
    runner.run_line("sim node add --count 2 --prefix node-")
    runner.run_line("kubectl create quota q --hard=pods=2")
    runner.run_line("kubectl create deployment web --image=nginx --replicas=4")
    runner.run_line("sim advance 30s")
    described = runner.run_line("kubectl describe deployment web")
    assert "  ReplicaFailure   True    FailedCreate\n" in described
    failure = [
        c
        for c in runner.cluster.store.get("Deployment", "default", "web")["status"]["conditions"]
        if c["type"] == "ReplicaFailure"
    ]
    assert failure and failure[0]["message"].startswith('pods "web-')
    assert "exceeded quota: q" in failure[0]["message"]
    runner.run_line("kubectl delete quota q")
    runner.run_line("sim advance 5m")
    assert "ReplicaFailure" not in runner.run_line("kubectl describe deployment web")
    assert runner.run_line("kubectl get deployment web").splitlines()[1].split()[1] == "4/4"
