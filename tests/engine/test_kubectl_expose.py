"""`kubectl expose`, as kubectl's cmd/expose builds the Service.

Checked against kubernetes.io/docs/concepts/services-networking/connect-applications-service/
(`kubectl expose deployment/my-nginx` gives `service/my-nginx exposed`, selector and port
from the Deployment), /docs/tutorials/stateless-application/expose-external-ip-address/
(`--type=LoadBalancer --name=my-service`) and the kubectl reference for expose (every
port re-used when none is given; the labels copied from the exposed object).
"""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

MY_NGINX = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
  labels: {app: web}
spec:
  selector:
    matchLabels:
      run: my-nginx
  replicas: 2
  template:
    metadata:
      labels:
        run: my-nginx
    spec:
      containers:
      - name: my-nginx
        image: nginx
        ports:
        - containerPort: 80
        - containerPort: 443
"""


@pytest.fixture
def runner():
    runner = ScriptRunner(Cluster(seed=3))
    runner.run_line("sim node add --count 2 --prefix node-")
    runner.run_line("kubectl apply -f -", MY_NGINX)
    runner.run_line("sim advance 20s")
    return runner


def test_the_service_takes_the_deployments_selector_ports_and_labels(runner):
    assert runner.run_line("kubectl expose deployment/my-nginx") == "service/my-nginx exposed"
    service = runner.cluster.store.get("Service", "default", "my-nginx")
    assert service["spec"]["selector"] == {"run": "my-nginx"}
    assert service["metadata"]["labels"] == {"app": "web"}
    assert service["spec"]["ports"] == [
        {"name": "port-1", "port": 80, "protocol": "TCP", "targetPort": 80},
        {"name": "port-2", "port": 443, "protocol": "TCP", "targetPort": 443},
    ]
    runner.run_line("sim advance 5s")
    endpoints = runner.run_line("kubectl get endpointslices -l kubernetes.io/service-name=my-nginx")
    assert "80,443" in endpoints


def test_client_dry_run_prints_the_generated_service(runner):
    out = runner.run_line(
        "kubectl expose deployment my-nginx --port=8080 --target-port=80 --name=web "
        "--dry-run=client -o yaml"
    )
    assert (
        out
        == """apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - port: 8080
    protocol: TCP
    targetPort: 80
  selector:
    run: my-nginx
status:
  loadBalancer: {}"""
    )
    assert runner.cluster.store.get("Service", "default", "web") is None


def test_a_load_balancer_service_with_a_name(runner):
    out = runner.run_line(
        "kubectl expose deployment my-nginx --type=LoadBalancer --name=my-service --port=80"
    )
    assert out == "service/my-service exposed"
    row = runner.run_line("kubectl get service my-service").splitlines()[1].split()
    assert row[1] == "LoadBalancer" and row[4].startswith("80:")


def test_exposing_a_pod_and_a_service(runner):
    runner.run_line("kubectl run single --image=nginx --port=80")
    assert runner.run_line("kubectl expose pod single --port=444 --name=frontend") == (
        "service/frontend exposed"
    )
    assert runner.cluster.store.get("Service", "default", "frontend")["spec"]["selector"] == {
        "run": "single"
    }
    assert runner.run_line(
        "kubectl expose service frontend --port=443 --target-port=8443 --name=nginx-https"
    ) == ("service/nginx-https exposed")
    port = runner.cluster.store.get("Service", "default", "nginx-https")["spec"]["ports"][0]
    assert (port["port"], port["targetPort"]) == (443, 8443)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kubectl expose node node-1", "error: cannot expose a Node"),
        (
            "kubectl expose deployment missing --port=80",
            'Error from server (NotFound): deployments.apps "missing" not found',
        ),
        (
            "kubectl expose deployment bare",
            "error: couldn't find port via --port flag or introspection\n"
            "See 'kubectl expose -h' for help and examples",
        ),
        ("kubectl expose deployment my-nginx --port=80 --name=my-nginx --dry-run=server",
         "service/my-nginx exposed (server dry run)"),
    ],
)  # fmt: skip
def test_refusals_read_as_kubectls(runner, line, expected):
    runner.run_line("kubectl create deployment bare --image=nginx")
    assert runner.run_line(line) == expected


def test_a_second_service_of_the_same_name_already_exists(runner):
    runner.run_line("kubectl expose deployment my-nginx --port=80")
    assert runner.run_line("kubectl expose deployment my-nginx --port=80") == (
        'Error from server (AlreadyExists): services "my-nginx" already exists'
    )
