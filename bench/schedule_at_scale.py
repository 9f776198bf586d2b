"""Benchmark (a): schedule many pods onto many nodes; pods/s and peak memory.

Issue target: 150,000 pods onto 5,000 nodes at >= 2,000 pods/s within 2 GiB.

    .venv/bin/python -m bench.schedule_at_scale --nodes 5000 --pods 150000
"""

import argparse

from bench.common import Stopwatch, machine, peak_rss_mib
from cluster_sim import gc_policy
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.podutil import TERMINAL_PHASES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods", type=int, default=150000)
    parser.add_argument("--per-deployment", type=int, default=5000)
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="leave CPython's collector as it is, without the policy the server and runner use",
    )
    args = parser.parse_args()
    if not args.default_gc:
        gc_policy.install()

    cluster = Cluster(seed=1)
    with Stopwatch() as nodes_clock:
        for index in range(args.nodes):
            cluster.add_node(f"node-{index:05d}", cpu="64", memory="256Gi", pods=110)
    # Phase 1, like upstream's scheduler_perf: the pods exist (ReplicaSets made
    # them) while the scheduler waits; then the scheduler places them all.
    scheduler = cluster.scheduler
    has_work = scheduler.has_work
    scheduler.has_work = lambda: False
    remaining, index = args.pods, 0
    with Stopwatch() as create_clock:
        while remaining > 0:
            replicas = min(args.per_deployment, remaining)
            cluster.api.create(_deployment(f"app-{index}", replicas))
            cluster.settle()
            remaining -= replicas
            index += 1
    scheduler.has_work = has_work
    with Stopwatch() as clock:
        cluster.settle()  # scheduling cycles, binding, Scheduled events, kubelets notified
    bound = sum(
        1
        for pod in cluster.store.iter_kind("Pod")
        if pod["spec"].get("nodeName") and pod["status"].get("phase") not in TERMINAL_PHASES
    )
    total = create_clock.seconds + clock.seconds
    print(f"machine: {machine()}")
    print(f"garbage collector: {'CPython default' if args.default_gc else 'gc_policy'}")
    print(f"nodes: {args.nodes} added in {nodes_clock.seconds:.1f}s")
    print(f"pods: {args.pods} created by Deployments/ReplicaSets in {create_clock.seconds:.1f}s")
    print(
        f"scheduling throughput: {bound} pods bound in {clock.seconds:.1f}s "
        f"= {bound / clock.seconds:.0f} pods/s (filter, score, bind, Scheduled event)"
    )
    print(f"end to end (create + schedule): {bound / total:.0f} pods/s")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")


def _deployment(name: str, replicas: int) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "registry.k8s.io/pause:3.10",
                            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                        }
                    ]
                },
            },
        },
    }


if __name__ == "__main__":
    main()
