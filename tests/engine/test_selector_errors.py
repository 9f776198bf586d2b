"""kubectl -l errors as a real cluster prints them.

kubectl does not parse -l for a list: cli-runtime's builder sends it as the list's
labelSelector, the API server parses it with labels.Parse (k8s.io/apimachinery
pkg/labels/selector.go) and answers 400, and kubectl words that through EnhanceListError
(`Unable to find "<group/version>, Resource=<plural>" that match label selector ...`).
Only with -f does the builder filter client-side (visitByPaths), so the error is kubectl's.
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

PARSE_ERROR = "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"


def _runner() -> ScriptRunner:
    runner = ScriptRunner(Cluster(seed=1))
    runner.run_line("kubectl create deployment web --image=nginx --replicas=2")
    return runner


def test_get_pods_with_a_bad_selector_is_the_servers_bad_request():
    assert _runner().run_line("kubectl get pods -l 'a b'") == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label '
        f'selector "a b", field selector "": {PARSE_ERROR}'
    )


def test_delete_deployments_with_a_bad_selector_names_the_apps_group():
    runner = _runner()
    assert runner.run_line("kubectl delete deployments -l 'a b'") == (
        'Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that '
        f'match label selector "a b", field selector "": {PARSE_ERROR}'
    )
    assert "web" in runner.run_line("kubectl get deployments")  # nothing was deleted


def test_the_label_selector_is_parsed_before_the_field_selector():
    out = _runner().run_line("kubectl get pods -l ' a b ' --field-selector spec.image=x")
    assert out == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label '
        f'selector "a b", field selector "spec.image=x": {PARSE_ERROR}'
    )


def test_each_listed_kind_gets_its_own_bad_request():
    out = _runner().run_line("kubectl get pods,deployments -l 'x<a'").splitlines()
    detail = (
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' "
        "operators, the value must be an integer"
    )
    assert out == [
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label '
        f'selector "x<a", field selector "": {detail}',
        'Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that '
        f'match label selector "x<a", field selector "": {detail}',
    ]


def test_other_builder_commands_report_the_list_error():
    runner = _runner()
    expected = (
        'Error from server (BadRequest): Unable to find "{gv}, Resource={plural}" that match '
        f'label selector "a b", field selector "": {PARSE_ERROR}'
    )
    pods = expected.format(gv="/v1", plural="pods")
    deployments = expected.format(gv="apps/v1", plural="deployments")
    assert runner.run_line("kubectl describe pods -l 'a b'") == pods
    assert runner.run_line("kubectl label pods -l 'a b' x=y") == pods
    assert runner.run_line("kubectl scale deployment -l 'a b' --replicas=3") == deployments
    assert runner.run_line("kubectl rollout status deployment -l 'a b'") == deployments
    assert runner.run_line("kubectl cordon -l 'a b'") == expected.format(gv="/v1", plural="nodes")


def test_with_files_kubectl_parses_the_selector_itself():
    runner = _runner()
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n  labels: {app: web}\n"
    runner.run_line("kubectl apply -f -", manifest)
    assert runner.run_line("kubectl get -f - -l 'a b'", manifest) == (
        f'error: the provided selector "a b" is not valid: {PARSE_ERROR}'
    )
    assert runner.run_line("kubectl get -f - -l app=db", manifest).startswith("No resources")
    assert runner.run_line("kubectl get -f - -l app=web -o name", manifest) == "configmap/c1"


def test_gt_and_lt_select_by_integer_label_values():
    runner = _runner()
    runner.run_line("kubectl label deployment web rank=7")
    assert runner.run_line("kubectl get deployments -l 'rank>5' -o name") == "deployment.apps/web"
    assert "web" not in runner.run_line("kubectl get deployments -l 'rank<5' -o name")
