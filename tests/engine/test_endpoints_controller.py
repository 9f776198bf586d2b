"""Endpoints and EndpointSlices for Services of many pods, kept from pod events.

kubernetes.io/docs/concepts/services-networking/endpoint-slices/ ("by default, the
control plane creates and manages EndpointSlices to have no more than 100 endpoints
each") and kubernetes.io/docs/concepts/services-networking/service/#over-capacity-endpoints
("If an Endpoints resource has more than 1000 endpoints then a Kubernetes v1.22 (or later)
cluster annotates that Endpoints with endpoints.kubernetes.io/over-capacity: truncated").
"""

from cluster_sim.engine import podutil
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
"""


def session(replicas: int, nodes: int = 12):
    runner = ScriptRunner(Cluster(seed=11, profile="fast"))
    runner.run_line(f"sim node add --count {nodes} --prefix node- --cpu 64 --memory 256Gi")
    runner.run_line("kubectl apply -f -", SERVICE)
    runner.run_line(
        f"kubectl create deployment web --image=registry.k8s.io/pause:3.10 --replicas={replicas}"
    )
    runner.run_line("sim advance 1m")
    return runner


def slices(cluster):
    """The slices of the test's Services (not the API server's own `kubernetes` slice)."""
    return [
        s
        for s in cluster.store.list("EndpointSlice", "default")
        if s["metadata"]["labels"]["kubernetes.io/service-name"] != "kubernetes"
    ]


def slice_ips(cluster) -> list[str]:
    return sorted(e["addresses"][0] for s in slices(cluster) for e in s["endpoints"])


def ready_pod_ips(cluster) -> list[str]:
    return sorted(
        p["status"]["podIP"]
        for p in cluster.store.list("Pod", "default")
        if podutil.is_ready(p) and not podutil.is_terminating(p)
    )


def test_a_service_of_250_pods_has_three_slices_of_at_most_100():
    runner = session(250)
    cluster = runner.cluster
    sizes = sorted(len(s["endpoints"]) for s in slices(cluster))
    assert sizes == [50, 100, 100]
    assert slice_ips(cluster) == ready_pod_ips(cluster)
    assert all(s["metadata"]["name"].startswith("web-") for s in slices(cluster))


def test_scaling_down_keeps_endpoints_in_their_slices_and_drops_empty_ones():
    runner = session(250)
    cluster = runner.cluster
    before = {s["metadata"]["name"] for s in slices(cluster)}
    runner.run_line("kubectl scale deployment web --replicas=30")
    runner.run_line("sim advance 1m")
    after = slices(cluster)
    assert {s["metadata"]["name"] for s in after} <= before  # no new slice was needed
    assert slice_ips(cluster) == ready_pod_ips(cluster)
    assert sum(len(s["endpoints"]) for s in after) == 30


def test_relabelled_pod_leaves_the_endpoints():
    runner = session(3, nodes=2)
    cluster = runner.cluster
    victim = cluster.store.list("Pod", "default")[0]
    runner.run_line(f"kubectl label pod {victim['metadata']['name']} app=debug --overwrite")
    runner.run_line("sim advance 5s")
    endpoints = cluster.store.get("Endpoints", "default", "web")
    ips = {a["ip"] for a in endpoints["subsets"][0]["addresses"]}
    assert victim["status"]["podIP"] not in ips
    assert victim["status"]["podIP"] not in slice_ips(cluster)


def test_endpoints_over_1000_addresses_are_truncated_and_annotated():
    runner = session(1010)
    cluster = runner.cluster
    endpoints = cluster.store.get("Endpoints", "default", "web")
    assert endpoints["metadata"]["annotations"]["endpoints.kubernetes.io/over-capacity"] == (
        "truncated"
    )
    assert len(endpoints["subsets"][0]["addresses"]) == 1000
    assert len(slice_ips(cluster)) == 1010  # slices are not truncated
    runner.run_line("kubectl scale deployment web --replicas=900")
    runner.run_line("sim advance 1m")
    endpoints = cluster.store.get("Endpoints", "default", "web")
    assert "endpoints.kubernetes.io/over-capacity" not in endpoints["metadata"]["annotations"]
    assert len(endpoints["subsets"][0]["addresses"]) == 900


def test_an_external_name_service_gets_no_endpoint_slices():
    runner = session(2, nodes=1)
    cluster = runner.cluster
    assert len(slices(cluster)) == 1
    runner.run_line(
        "kubectl apply -f -",
        SERVICE.replace("spec:\n", "spec:\n  type: ExternalName\n  externalName: example.com\n"),
    )
    runner.run_line("sim advance 5s")
    assert slices(cluster) == []


NEVER_READY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: peers
spec:
  replicas: 2
  selector:
    matchLabels: {app: peers}
  template:
    metadata:
      labels: {app: peers}
    spec:
      containers:
      - name: app
        image: busybox:1.36
        command: ['sleep', '3600']
        readinessProbe:
          exec:
            command: ['cat', '/tmp/ready']
"""


def test_publish_not_ready_addresses_lists_unready_and_terminating_pods_as_ready():
    """kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/
    (publishNotReadyAddresses: "endpoints ... should disregard any indications of
    ready/not-ready"); conditions as the EndpointSlice controller's podToEndpoint sets them."""
    runner = ScriptRunner(Cluster(seed=3, profile="fast"))
    runner.run_line("sim node add node-1 --cpu 4 --memory 8Gi")
    runner.run_line("kubectl apply -f -", NEVER_READY)
    plain = SERVICE.replace("name: web", "name: plain").replace("app: web", "app: peers")
    runner.run_line("kubectl apply -f -", plain)
    published = plain.replace("name: plain", "name: peers").replace(
        "spec:\n", "spec:\n  publishNotReadyAddresses: true\n"
    )
    runner.run_line("kubectl apply -f -", published)
    runner.run_line("sim advance 1m")
    cluster = runner.cluster
    pod_ips = sorted(p["status"]["podIP"] for p in cluster.store.list("Pod", "default"))
    assert not ready_pod_ips(cluster)

    def endpoints(name):
        subset = cluster.store.get("Endpoints", "default", name)["subsets"][0]
        return (
            sorted(a["ip"] for a in subset.get("addresses", [])),
            sorted(a["ip"] for a in subset.get("notReadyAddresses", [])),
        )

    def conditions(name):
        (endpoint_slice,) = [
            s
            for s in slices(cluster)
            if s["metadata"]["labels"]["kubernetes.io/service-name"] == name
        ]
        return sorted(
            (e["addresses"][0], tuple(sorted(e["conditions"].items())))
            for e in endpoint_slice["endpoints"]
        )

    assert endpoints("plain") == ([], pod_ips)
    assert endpoints("peers") == (pod_ips, [])
    assert {c for _, c in conditions("plain")} == {
        (("ready", False), ("serving", False), ("terminating", False))
    }
    assert {c for _, c in conditions("peers")} == {
        (("ready", True), ("serving", False), ("terminating", False))
    }
    assert "10.96." not in runner.run_line("kubectl get endpoints peers")  # lists pod IPs
    assert pod_ips[0] in runner.run_line("kubectl get endpoints peers")

    runner.run_line("kubectl delete pod --all --wait=false")
    runner.run_line("sim advance 1s")  # terminating, within their grace period
    terminating = sorted(
        p["status"]["podIP"]
        for p in cluster.store.list("Pod", "default")
        if podutil.is_terminating(p)
    )
    assert set(pod_ips) <= set(terminating)
    assert not set(pod_ips) & set(endpoints("plain")[0] + endpoints("plain")[1])
    assert set(pod_ips) <= set(endpoints("peers")[0])
    assert dict(conditions("peers"))[pod_ips[0]] == (
        ("ready", True),
        ("serving", False),
        ("terminating", True),
    )


def test_the_kubernetes_service_lists_the_api_server():
    """kubernetes.io/docs/tasks/run-application/access-api-from-pod/: kubernetes.default.svc
    "resolves to a Service IP which in turn will be routed to an API server". The API
    server keeps that Service's Endpoints and EndpointSlice itself (no selector)."""
    runner = ScriptRunner(Cluster(seed=1))
    out = runner.run_line("kubectl get endpoints")
    assert out.splitlines()[-1].split()[:2] == ["kubernetes", "10.0.0.2:6443"]
    endpoints = runner.cluster.store.get("Endpoints", "default", "kubernetes")
    assert endpoints["metadata"]["labels"] == {"endpointslice.kubernetes.io/skip-mirror": "true"}
    endpoint_slice = runner.cluster.store.get("EndpointSlice", "default", "kubernetes")
    assert endpoint_slice["endpoints"] == [
        {"addresses": ["10.0.0.2"], "conditions": {"ready": True}}
    ]
    assert endpoint_slice["ports"] == [{"name": "https", "port": 6443, "protocol": "TCP"}]
    runner.run_line("sim node add node-1")
    runner.run_line("sim advance 1m")  # the endpoint controllers leave them alone
    assert runner.cluster.store.get("EndpointSlice", "default", "kubernetes") == endpoint_slice
    assert "10.0.0.2" in runner.run_line("sim request kubernetes --count 2")


def test_a_pod_without_the_named_target_port_gets_no_endpoint():
    """FindPort fails for a pod that does not declare the Service's named targetPort: the
    pod is left out, so kube-proxy sends it nothing (a hand-made pod with the right labels
    but no `http` port)."""
    from cluster_sim.engine.cluster import Cluster
    from cluster_sim.engine.script import ScriptRunner

    runner = ScriptRunner(Cluster(seed=1))
    runner.run(
        "sim node add n1\n"
        "kubectl apply -f - <<EOF\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: serve}\n"
        "spec:\n  replicas: 2\n  selector: {matchLabels: {app: serve}}\n"
        "  template:\n    metadata: {labels: {app: serve}}\n    spec:\n      containers:\n"
        "      - {name: web, image: nginx, ports: [{name: http, containerPort: 80}]}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: serve}\n"
        "spec:\n  selector: {app: serve}\n  ports: [{port: 8080, targetPort: http}]\n"
        "EOF\n"
        "kubectl run extra --image=nginx --labels=app=serve\n"
        "sim advance 30s\n"
    )
    routed = {pod for _, pod in runner.cluster.kube_proxy.ready_endpoints("default", "serve")}
    assert len(routed) == 2 and "extra" not in routed
    output = runner.run_line("sim request serve --count 100")
    assert "extra" not in output
