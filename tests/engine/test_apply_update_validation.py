"""`kubectl apply` to an existing object: the server validates the patched object as an
update, reporting the object's own errors and the update rules together.

Sources: pkg/registry/apps/deployment/strategy.go ValidateUpdate (ValidateDeploymentUpdate,
i.e. ValidateObjectMetaUpdate + ValidateDeploymentSpec, then the selector's
ValidateImmutableField appended: no sorting), ValidateServiceUpdate (the cluster IP rule
before ValidateService), and kubectl's checkErr/MultilineError (`The Deployment "web" is
invalid: ` then one `* cause` line each). kubernetes.io/docs/concepts/workloads/controllers/
deployment/#label-selector-updates: "In API version apps/v1, a Deployment's label selector is
immutable after it gets created."
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.manifests import check_object, parse_manifests
from cluster_sim.engine.script import ScriptRunner

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {app}
  template:
    metadata:
      labels:
        app: {app}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
"""


def session():
    runner = ScriptRunner(Cluster(seed=0))
    runner.run_line("sim node add node-1")
    return runner


def test_invalid_value_and_immutable_selector_are_reported_together():
    runner = session()
    assert (
        runner.run_line("kubectl apply -f -", DEPLOYMENT.format(replicas=2, app="web"))
        == "deployment.apps/web created"
    )
    assert runner.run_line("kubectl apply -f -", DEPLOYMENT.format(replicas=-3, app="other")) == (
        'The Deployment "web" is invalid: \n'
        "* spec.replicas: Invalid value: -3: must be greater than or equal to 0\n"
        '* spec.selector: Invalid value: {"matchLabels":{"app":"other"}}: field is immutable'
    )
    live = runner.cluster.api.get("Deployment", "default", "web")
    assert live["spec"]["replicas"] == 2
    assert live["spec"]["selector"] == {"matchLabels": {"app": "web"}}


def test_the_immutable_selector_alone_is_still_refused():
    runner = session()
    runner.run_line("kubectl apply -f -", DEPLOYMENT.format(replicas=2, app="web"))
    assert runner.run_line("kubectl apply -f -", DEPLOYMENT.format(replicas=2, app="other")) == (
        'The Deployment "web" is invalid: spec.selector: Invalid value: '
        '{"matchLabels":{"app":"other"}}: field is immutable'
    )


def test_the_patched_object_is_validated_not_the_manifest_alone():
    """A field the manifest leaves out, and no earlier apply set, keeps its live value: the
    server validates the patched object. A Deployment made by `kubectl create deployment`
    keeps its selector when a manifest without one is applied (the manifest alone would be
    `spec.selector: Required value`)."""
    runner = session()
    runner.run_line("kubectl create deployment web --image=nginx:1.25")
    without_selector = DEPLOYMENT.format(replicas=2, app="web").replace(
        "  selector:\n    matchLabels:\n      app: web\n", ""
    )
    (document,) = parse_manifests(without_selector)
    assert check_object(document) == (
        'The Deployment "web" is invalid: \n* spec.selector: Required value\n'
        "* spec.template.metadata.labels: Invalid value: "
        '{"app":"web"}: `selector` does not match template `labels`'
    )
    output = runner.run_line("kubectl apply -f -", without_selector)
    assert output.endswith("deployment.apps/web configured")
    live = runner.cluster.api.get("Deployment", "default", "web")
    assert live["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    assert live["spec"]["replicas"] == 2


def test_a_service_update_checks_the_cluster_ip_before_the_service():
    """ValidateServiceUpdate: the cluster IP's rule comes before ValidateService's errors."""
    runner = session()
    service = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: {ip}\n"
        "  selector:\n    app: web\n  ports:\n  - port: {port}\n"
    )
    assert (
        runner.run_line("kubectl apply -f -", service.format(ip="10.96.0.50", port=80))
        == "service/web created"
    )
    assert runner.run_line("kubectl apply -f -", service.format(ip="10.96.0.51", port=70000)) == (
        'The Service "web" is invalid: \n'
        '* spec.clusterIPs[0]: Invalid value: ["10.96.0.51"]: may not change once set\n'
        "* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"
    )


def test_switching_the_strategy_to_recreate_drops_rolling_update():
    """DeploymentSpec.strategy has patchStrategy retainKeys: the defaulted rollingUpdate is
    cleared when the manifest changes the strategy, so the switch is valid (as on a real
    cluster) instead of failing `may not be specified when strategy type is 'Recreate'`."""
    runner = session()
    runner.run_line("kubectl apply -f -", DEPLOYMENT.format(replicas=1, app="web"))
    assert (
        "rollingUpdate"
        in runner.cluster.api.get("Deployment", "default", "web")["spec"]["strategy"]
    )
    recreate = DEPLOYMENT.format(replicas=1, app="web").replace(
        "spec:\n  replicas", "spec:\n  strategy:\n    type: Recreate\n  replicas", 1
    )
    assert runner.run_line("kubectl apply -f -", recreate) == "deployment.apps/web configured"
    strategy = runner.cluster.api.get("Deployment", "default", "web")["spec"]["strategy"]
    assert strategy == {"type": "Recreate"}


def test_null_fields_are_absent_on_create_and_deleted_on_apply():
    """A JSON null decodes to the Go zero value (so `strategy: null` gets the default
    strategy), and in the patch kubectl apply sends, null deletes the field (strategic merge
    patch). Either used to crash the simulator."""
    runner = session()
    nulls = DEPLOYMENT.format(replicas=2, app="web").replace(
        "spec:\n  replicas", "spec:\n  strategy: null\n  replicas", 1
    )
    nulls = nulls.replace("metadata:\n  name: web\n", "metadata:\n  name: web\n  labels: null\n")
    assert runner.run_line("kubectl apply -f -", nulls) == "deployment.apps/web created"
    live = runner.cluster.api.get("Deployment", "default", "web")
    assert live["spec"]["strategy"]["type"] == "RollingUpdate"
    assert "labels" not in live["metadata"]
    assert runner.run_line(
        "kubectl apply -f -", nulls.replace("replicas: 2", "replicas: null")
    ) == ("deployment.apps/web configured")
    assert runner.cluster.api.get("Deployment", "default", "web")["spec"]["replicas"] == 1
