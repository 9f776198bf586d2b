"""The playground's own limits: refused as an API server refuses, in words that say whose
limit it is; the Deployment's ReplicaSet reports FailedCreate as under a quota."""

from cluster_sim.live import limits
from cluster_sim.live.session import build_live_cluster


def test_pods_past_the_limit_are_refused_and_reported(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PODS", 5)
    cluster, runner = build_live_cluster("empty-3", seed=1, profile="fast")
    assert runner.run_line("kubectl create deployment web --image=nginx --replicas=8") == (
        "deployment.apps/web created"
    )
    cluster.advance(5_000)
    assert cluster.store.count("Pod") == 5
    events = runner.run_line("kubectl get events --field-selector reason=FailedCreate")
    assert "this ClusterLab playground holds at most 5 pods" in events
    refused = runner.run_line("kubectl run extra --image=nginx")
    assert refused.startswith('Error from server (Forbidden): pods "extra" is forbidden')
    assert "a limit of the site, not of Kubernetes" in refused


def test_nodes_past_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_NODES", 4)
    cluster, runner = build_live_cluster("empty-3", seed=1, profile="fast")
    assert "created" in runner.run_line("sim node add extra-1")
    refused = runner.run_line("sim node add extra-2")
    assert 'nodes "extra-2" is forbidden' in refused and cluster.store.count("Node") == 4
