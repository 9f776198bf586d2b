"""The NamespaceLifecycle admission plugin refuses to delete default, kube-system and
kube-public.

kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#namespacelifecycle:
"This admission controller also prevents deletion of three system reserved namespaces
default, kube-system, kube-public." The message is the plugin's errors.NewForbidden(
namespaces, name, "this namespace may not be deleted")
(staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go); kubectl
delete gathers each refusal (ContinueOnError) and deletes the rest.
"""

import pytest

from cluster_sim.engine import errors
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner


def forbidden(name: str) -> str:
    return (
        f'Error from server (Forbidden): namespaces "{name}" is forbidden: '
        "this namespace may not be deleted"
    )


@pytest.mark.parametrize("name", ["default", "kube-system", "kube-public"])
def test_deleting_a_system_namespace_is_forbidden(name):
    runner = ScriptRunner(Cluster(seed=0))
    assert runner.run_line(f"kubectl delete namespace {name}") == forbidden(name)
    namespace = runner.cluster.api.get("Namespace", "", name)
    assert "deletionTimestamp" not in namespace["metadata"]
    assert namespace["status"]["phase"] == "Active"


def test_the_api_refuses_before_anything_changes():
    cluster = Cluster(seed=0)
    with pytest.raises(errors.ApiError) as refused:
        cluster.api.delete("Namespace", "", "default")
    assert (refused.value.reason, refused.value.code) == ("Forbidden", 403)
    assert refused.value.message == (
        'namespaces "default" is forbidden: this namespace may not be deleted'
    )
    # a namespace that does not exist is NotFound first: admission sees existing objects only
    with pytest.raises(errors.ApiError) as missing:
        cluster.api.delete("Namespace", "", "nope")
    assert missing.value.reason == "NotFound"


def test_other_namespaces_still_go_and_every_refusal_is_reported():
    runner = ScriptRunner(Cluster(seed=0))
    runner.run_line("kubectl create namespace dev")
    assert runner.run_line("kubectl delete namespace kube-system dev kube-public") == "\n".join(
        ['namespace "dev" deleted', forbidden("kube-system"), forbidden("kube-public")]
    )
    runner.run_line("sim advance 5s")
    assert runner.cluster.api.find("Namespace", "", "dev") is None
    names = [ns["metadata"]["name"] for ns in runner.cluster.api.list("Namespace")]
    assert {"default", "kube-system", "kube-public"} <= set(names)


def test_server_dry_run_and_delete_f_are_admitted_too():
    runner = ScriptRunner(Cluster(seed=0))
    assert runner.run_line("kubectl delete ns default --dry-run=server") == forbidden("default")
    # a client dry run sends nothing, so nothing refuses it
    assert (
        runner.run_line("kubectl delete ns default --dry-run=client")
        == 'namespace "default" deleted (dry run)'
    )
    manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-public\n"
    assert runner.run_line("kubectl delete -f -", manifest) == (
        'Error from server (Forbidden): error when deleting "STDIN": namespaces "kube-public" '
        "is forbidden: this namespace may not be deleted"
    )
    assert runner.cluster.api.find("Namespace", "", "kube-public") is not None
