"""Benchmarks (b) and (c): the cost of one simulated second of a steady cluster.

(b) 5,000 nodes / 150,000 pods: target <= 100 ms per simulated second.
(c) 10 nodes / 100 pods (a learner's cluster): target <= 1 ms.

The cluster is built from Deployments of up to 5,000 replicas, each behind a Service
(so Endpoints and EndpointSlices exist), and run for three simulated minutes until
every pod is Running and Ready; then simulated seconds are timed one by one.

Workloads:
  pause  the pause image, as upstream's density and scheduler_perf tests use: the
         steady cost is the control plane's alone.
  web    nginx with an HTTP readinessProbe every 10 s: adds each kubelet's probes
         (one request, one access-log line) to that cost.

    .venv/bin/python -m bench.tick --nodes 10 --pods 100
    .venv/bin/python -m bench.tick --nodes 5000 --pods 150000
    .venv/bin/python -m bench.tick --nodes 500 --pods 15000 --workload web
"""

import argparse
import statistics
import time

from bench.common import Stopwatch, machine, peak_rss_mib
from bench.schedule_at_scale import _deployment
from cluster_sim import gc_policy
from cluster_sim.engine import podutil
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.timefmt import MINUTE, SECOND


def _service(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"app": name}, "ports": [{"port": 80}]},
    }


def _web(deployment: dict) -> dict:
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["image"] = "nginx:1.25"
    container["ports"] = [{"containerPort": 80}]
    container["readinessProbe"] = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 10}
    return deployment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--pods", type=int, default=100)
    parser.add_argument("--workload", choices=("pause", "web"), default="pause")
    parser.add_argument("--seconds", type=int, default=300, help="simulated seconds to time")
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="leave CPython's collector as it is, without the policy the server and runner use",
    )
    args = parser.parse_args()
    if not args.default_gc:
        gc_policy.install()

    cluster = Cluster(seed=1)
    with Stopwatch() as build:
        for index in range(args.nodes):
            cluster.add_node(f"node-{index:05d}", cpu="64", memory="256Gi")
        remaining, index = args.pods, 0
        while remaining > 0:
            replicas = min(5000, remaining)
            deployment = _deployment(f"app-{index}", replicas)
            if args.workload == "web":
                deployment = _web(deployment)
            cluster.api.create(_service(f"app-{index}"))
            cluster.api.create(deployment)
            remaining -= replicas
            index += 1
        cluster.advance(3 * MINUTE)  # every pod starts: the cluster is now steady
    ready = sum(1 for pod in cluster.store.iter_kind("Pod") if podutil.is_ready(pod))
    if ready != args.pods:
        raise SystemExit(f"only {ready} of {args.pods} pods are Ready after 3 minutes")
    samples = []
    for _ in range(args.seconds):
        start = time.perf_counter()
        cluster.advance(SECOND)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(f"machine: {machine()}")
    print(f"garbage collector: {'CPython default' if args.default_gc else 'gc_policy'}")
    print(
        f"cluster: {args.nodes} nodes, {args.pods} pods ({args.workload}), "
        f"{index} Services; built and started in {build.seconds:.1f}s"
    )
    print(
        f"one simulated second: mean {statistics.mean(samples):.4f} ms, "
        f"p95 {samples[int(len(samples) * 0.95) - 1]:.4f} ms, max {samples[-1]:.4f} ms "
        f"over {args.seconds} seconds"
    )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
