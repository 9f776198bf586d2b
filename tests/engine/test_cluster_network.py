"""What a pod's programs reach: cluster DNS, Services through kube-proxy, pod IPs.

Checked against kubernetes.io/docs/concepts/services-networking/dns-pod-service/ (search
path, `<svc>.<ns>.svc.cluster.local`, `<hostname>.<subdomain>` for pods behind a headless
Service), /docs/tasks/administer-cluster/dns-debugging-resolution/ (nslookup output of
busybox:1.28), /docs/reference/networking/virtual-ips/ (a Service without ready endpoints
rejects connections) and /docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/
(the load generator's wget loop drives the HPA).
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from tests.engine.test_traffic import PHP_APACHE

WEB = """apiVersion: v1
kind: Service
metadata: {name: nginx, labels: {app: nginx}}
spec:
  ports: [{port: 80, name: web}]
  clusterIP: None
  selector: {app: nginx}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: nginx}}
  serviceName: nginx
  replicas: 2
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80, name: web}]
"""


TWO_PHP_APACHE = PHP_APACHE.format(replicas=2)


def _runner(tmp_path, manifest=TWO_PHP_APACHE):
    runner = ScriptRunner(Cluster(seed=9), base_dir=tmp_path)
    runner.run_line("sim node add --count 2 --prefix node-")
    (tmp_path / "app.yaml").write_text(manifest)
    runner.run_line("kubectl apply -f app.yaml")
    runner.run_line("sim advance 30s")
    return runner


def _run_pod(runner, name, script, seconds="20s"):
    runner.run_line(
        f'kubectl run {name} --image=busybox:1.28 --restart=Never -- sh -c "{script}; sleep 3600"'
    )
    runner.run_line(f"sim advance {seconds}")
    return runner.run_line(f"kubectl logs {name}")


def test_service_names_resolve_through_the_search_path(tmp_path):
    runner = _runner(tmp_path)
    cluster_ip = runner.cluster.store.get("Service", "default", "php-apache")["spec"]["clusterIP"]
    logs = _run_pod(
        runner,
        "dns",
        "nslookup php-apache; nslookup php-apache.default.svc.cluster.local; nslookup nope",
    )
    assert f"Name:      php-apache\nAddress 1: {cluster_ip}\n" in logs
    assert f"Name:      php-apache.default.svc.cluster.local\nAddress 1: {cluster_ip}\n" in logs
    assert "nslookup: can't resolve 'nope'" in logs


def test_a_statefulset_pod_has_a_dns_name_under_its_headless_service(tmp_path):
    runner = _runner(tmp_path, WEB)
    web0 = runner.cluster.store.get("Pod", "default", "web-0")["status"]["podIP"]
    logs = _run_pod(
        runner, "dns", "nslookup web-0.nginx; nslookup web-0.nginx.default.svc.cluster.local"
    )
    assert f"Name:      web-0.nginx\nAddress 1: {web0}\n" in logs
    assert f"Address 1: {web0}" in logs.split("web-0.nginx.default.svc.cluster.local")[1]


def test_requests_to_a_service_reach_its_pods_and_their_logs(tmp_path):
    runner = _runner(tmp_path)
    logs = _run_pod(runner, "client", "wget -q -O- http://php-apache; echo")
    assert logs.startswith("OK!")
    client_ip = runner.cluster.store.get("Pod", "default", "client")["status"]["podIP"]
    served = [
        runner.run_line(f"kubectl logs {pod['metadata']['name']}")
        for pod in runner.cluster.store.list("Pod", "default")
        if pod["metadata"]["name"].startswith("php-apache")
    ]
    assert (
        sum(f"{client_ip} - - [" in text and '"GET / HTTP/1.1" 200' in text for text in served) == 1
    )


def test_a_service_without_ready_endpoints_refuses_connections(tmp_path):
    runner = _runner(tmp_path)
    runner.run_line("kubectl scale deployment php-apache --replicas=0")
    runner.run_line("sim advance 40s")
    cluster_ip = runner.cluster.store.get("Service", "default", "php-apache")["spec"]["clusterIP"]
    logs = _run_pod(runner, "client", "wget -q -O- http://php-apache")
    assert f"wget: can't connect to remote host ({cluster_ip}): Connection refused" in logs


def test_a_pod_on_a_dead_node_times_out(tmp_path):
    runner = _runner(tmp_path)
    pods = [
        p
        for p in runner.cluster.store.list("Pod", "default")
        if p["spec"].get("nodeName") == "node-1"
    ]
    assert pods
    runner.run_line("sim node kill node-1")
    ip = pods[0]["status"]["podIP"]
    logs = _run_pod(runner, "client", f"wget -T 2 -q -O- http://{ip}")
    assert "wget: download timed out" in logs


def test_the_api_server_refuses_anonymous_requests(tmp_path):
    runner = _runner(tmp_path)
    logs = _run_pod(runner, "client", "wget -q -O- https://kubernetes.default")
    assert "wget: server returned error: HTTP/1.1 403 Forbidden" in logs


def test_the_walkthroughs_load_generator_makes_the_hpa_scale_out(tmp_path):
    runner = _runner(tmp_path, PHP_APACHE.format(replicas=1))
    runner.run_line("kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10")
    runner.run_line("sim advance 30s")
    runner.run_line(
        "kubectl run load-generator --image=busybox:1.28 --restart=Never -- /bin/sh -c "
        '"while sleep 0.01; do wget -q -O- http://php-apache; done"'
    )
    runner.run_line("sim advance 90s")
    hpa = runner.cluster.store.get("HorizontalPodAutoscaler", "default", "php-apache")
    assert hpa["status"]["currentReplicas"] >= 3
    assert any(
        e["reason"] == "SuccessfulRescale" and "above target" in e["message"]
        for e in runner.cluster.store.list("Event", "default")
    )


TWO_CONTAINERS = """apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
  - name: web
    image: nginx
    ports: [{containerPort: 80}]
  - name: side
    image: busybox
    command: [sh, -c, "sleep 3600"]
"""


def test_containers_of_a_pod_reach_each_other_on_localhost():
    """A pod's containers share one IP address and port space and find each other on
    localhost (kubernetes.io/docs/concepts/workloads/pods/, "Pod networking"); a port
    nobody in the pod listens on is still refused."""
    runner = ScriptRunner(Cluster(seed=1))
    runner.run_line("sim node add n1")
    runner.run_line("kubectl apply -f -", TWO_CONTAINERS)
    runner.run_line("sim advance 30s")
    for host in ("localhost", "127.0.0.1"):
        page = runner.run_line(f"kubectl exec two -c side -- wget -qO- http://{host}:80")
        assert "Welcome to nginx!" in page
    refused = runner.run_line("kubectl exec two -c side -- wget -qO- http://localhost:81")
    assert "Connection refused" in refused
