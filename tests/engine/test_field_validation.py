"""kubectl --validate: the request's fieldValidation.

kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/ (--validate): "true" or
"strict" fail the request on unknown fields; "warn" warns about them without blocking
it; "false" or "ignore" silently drop them. Type errors fail whatever is chosen (the
object cannot be decoded), and the object's own validation always runs.
"""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replica: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        portz: 80
"""
UNKNOWN = ['unknown field "spec.replica"', 'unknown field "spec.template.spec.containers[0].portz"']


def session():
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    runner.run_line("sim node add node-1")
    return runner


@pytest.mark.parametrize("verb", ["apply", "create"])
@pytest.mark.parametrize("flag", ["", "--validate=strict", "--validate=true", "--validate"])
def test_strict_rejects_unknown_fields(verb, flag):
    runner = session()
    out = runner.run_line(f"kubectl {verb} {flag} -f -".replace("  ", " "), MANIFEST)
    assert out == (
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version '
        '"v1" cannot be handled as a Deployment: strict decoding error: ' + ", ".join(UNKNOWN)
    )
    assert runner.cluster.store.get("Deployment", "default", "web") is None


@pytest.mark.parametrize("verb", ["apply", "create"])
def test_warn_stores_the_object_without_them_and_says_so(verb):
    runner = session()
    out = runner.run_line(f"kubectl {verb} --validate=warn -f -", MANIFEST)
    assert out.splitlines() == [f"Warning: {u}" for u in UNKNOWN] + ["deployment.apps/web created"]
    stored = runner.cluster.store.get("Deployment", "default", "web")
    assert "replica" not in stored["spec"] and stored["spec"]["replicas"] == 1
    assert "portz" not in stored["spec"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize("flag", ["--validate=false", "--validate=ignore"])
def test_ignore_drops_them_silently(flag):
    runner = session()
    assert runner.run_line(f"kubectl apply {flag} -f -", MANIFEST) == "deployment.apps/web created"
    stored = runner.cluster.store.get("Deployment", "default", "web")
    assert "replica" not in stored["spec"]
    # kubectl's own record of what was applied still holds the whole manifest
    annotation = stored["metadata"]["annotations"][
        "kubectl.kubernetes.io/last-applied-configuration"
    ]
    assert '"replica":3' in annotation
    # and a later apply with the same manifest changes nothing
    assert (
        runner.run_line(f"kubectl apply {flag} -f -", MANIFEST) == "deployment.apps/web unchanged"
    )


def test_an_update_with_unknown_fields_drops_them_from_the_patch():
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        MANIFEST.replace("  replica: 3\n", "").replace("        portz: 80\n", ""),
    )
    out = runner.run_line(
        "kubectl apply --validate=warn -f -", MANIFEST.replace("nginx:1.25", "nginx:1.26")
    )
    assert out.splitlines() == [f"Warning: {u}" for u in UNKNOWN] + [
        "deployment.apps/web configured"
    ]
    stored = runner.cluster.store.get("Deployment", "default", "web")
    assert stored["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert "portz" not in stored["spec"]["template"]["spec"]["containers"][0]


def test_type_errors_and_invalid_objects_fail_whatever_the_flag():
    runner = session()
    wrong_type = MANIFEST.replace("replica: 3", "replicas: three")
    out = runner.run_line("kubectl apply --validate=false -f -", wrong_type)
    assert out.startswith('Error from server (BadRequest): error when creating "STDIN": ')
    assert "cannot unmarshal string into Go struct field" in out
    invalid = MANIFEST.replace("name: web\nspec", "name: Web\nspec")
    out = runner.run_line("kubectl apply --validate=ignore -f -", invalid)
    assert out.startswith('The Deployment "Web" is invalid: metadata.name: Invalid value: "Web"')


def test_an_unknown_choice_is_refused():
    runner = session()
    assert runner.run_line("kubectl apply --validate=maybe -f -", MANIFEST) == (
        'error: invalid - validate option "maybe"; must be one of: strict (or true), warn, '
        "ignore (or false)"
    )
