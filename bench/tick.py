"""Benchmarks (b) and (c): the cost of one simulated second of a steady cluster.

(b) 5,000 nodes / 150,000 pods: target <= 100 ms per simulated second.
(c) 10 nodes / 100 pods (a learner's cluster): target <= 1 ms.

    .venv/bin/python -m bench.tick --nodes 10 --pods 100
    .venv/bin/python -m bench.tick --nodes 5000 --pods 150000
"""

import argparse
import statistics
import time

from bench.common import machine, peak_rss_mib
from bench.schedule_at_scale import _deployment
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.timefmt import MINUTE, SECOND


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--pods", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=300, help="simulated seconds to time")
    args = parser.parse_args()

    cluster = Cluster(seed=1)
    for index in range(args.nodes):
        cluster.add_node(f"node-{index:05d}", cpu="64", memory="256Gi")
    per_deployment = 5000
    remaining, index = args.pods, 0
    while remaining > 0:
        replicas = min(per_deployment, remaining)
        cluster.api.create(_deployment(f"app-{index}", replicas))
        remaining -= replicas
        index += 1
    cluster.advance(3 * MINUTE)  # let every pod start: the cluster is now steady
    samples = []
    for _ in range(args.seconds):
        start = time.perf_counter()
        cluster.advance(SECOND)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(f"machine: {machine()}")
    print(f"cluster: {args.nodes} nodes, {args.pods} pods, steady")
    print(
        f"one simulated second: mean {statistics.mean(samples):.4f} ms, "
        f"p95 {samples[int(len(samples) * 0.95) - 1]:.4f} ms, max {samples[-1]:.4f} ms "
        f"over {args.seconds} seconds"
    )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
