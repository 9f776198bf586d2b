"""Benchmark (d): a learner-sized cluster with traffic and autoscaling, against real time.

10 nodes (4 CPUs, 8 GiB each) run about 100 pods: php-apache (the HPA walkthrough's
image, 200m request, 500m limit) behind a Service with an HPA (50 % CPU, 2 to 40
replicas), nginx web servers with readiness probes, and ClusterLab's recommendation API
(clusterlab/serve) behind Services. Traffic flows to all three Services and changes
every few minutes (ramps, a spike, a quiet spell), so the HPA scales out and back in
while the kubelets probe, the endpoints move and the traffic model steps every second.

Target: the simulation runs at least 1,000x faster than real time on one core, i.e. a
simulated second costs at most 1 ms.

    .venv/bin/python -m bench.traffic_hpa
    .venv/bin/python -m bench.traffic_hpa --minutes 60
"""

import argparse
import time

from bench.common import Stopwatch, machine, peak_rss_mib
from cluster_sim import gc_policy
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.timefmt import MINUTE, SECOND


def _deployment(name: str, image: str, replicas: int, port: int, resources: dict) -> dict:
    container = {
        "name": name,
        "image": image,
        "ports": [{"containerPort": port}],
        "resources": resources,
        "readinessProbe": {"tcpSocket": {"port": port}, "periodSeconds": 10},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [container]},
            },
        },
    }


def _service(name: str, port: int) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"app": name}, "ports": [{"port": port}]},
    }


def _hpa(name: str) -> dict:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 2,
            "maxReplicas": 40,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 50},
                    },
                }
            ],
        },
    }


# (minute, service, requests/s, ramp seconds): the day the cluster lives through
PLAN = [
    (0, "php-apache", 5, 0),
    (0, "web", 400, 0),
    (0, "recsys", 30, 0),
    (3, "php-apache", 40, 120),
    (8, "php-apache", 80, 0),
    (12, "php-apache", 10, 60),
    (15, "web", 2000, 60),
    (20, "php-apache", 0, 0),
    (24, "php-apache", 30, 180),
]


def build() -> Cluster:
    cluster = Cluster(seed=1)
    for index in range(10):
        cluster.add_node(f"node-{index}", cpu="4", memory="8Gi")
    small = {"requests": {"cpu": "100m", "memory": "64Mi"}}
    apps = [
        ("php-apache", "registry.k8s.io/hpa-example", 2, 80,
         {"requests": {"cpu": "200m"}, "limits": {"cpu": "500m"}}),
        ("web", "nginx:1.25", 60, 80, small),
        ("recsys", "clusterlab/serve:1.0", 20, 8080,
         {"requests": {"cpu": "250m", "memory": "512Mi"}}),
    ]  # fmt: skip
    for name, image, replicas, port, resources in apps:
        cluster.api.create(_deployment(name, image, replicas, port, resources))
        cluster.api.create(_service(name, port if name != "recsys" else 8080))
    cluster.api.create(_hpa("php-apache"))
    cluster.advance(2 * MINUTE)
    return cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, default=30, help="simulated minutes to time")
    args = parser.parse_args()
    gc_policy.install()
    with Stopwatch() as setup:
        cluster = build()
    plan = sorted(PLAN)
    pods_seen, replicas_seen = [], []
    start = time.perf_counter()
    for minute in range(args.minutes):
        for at, service, rps, ramp in plan:
            if at == minute:
                cluster.traffic.set_rate("default", service, rps, ramp_ms=ramp * SECOND)
        cluster.advance(MINUTE)
        pods_seen.append(sum(1 for _ in cluster.store.iter_kind("Pod")))
        hpa = cluster.store.get("HorizontalPodAutoscaler", "default", "php-apache")
        replicas_seen.append(hpa["status"].get("currentReplicas", 0))
    wall = time.perf_counter() - start
    simulated = args.minutes * 60
    print(f"machine: {machine()}")
    print(
        f"cluster: 10 nodes, {min(pods_seen)}-{max(pods_seen)} pods, traffic to 3 Services, "
        f"php-apache HPA between {min(replicas_seen)} and {max(replicas_seen)} replicas; "
        f"built in {setup.seconds:.1f}s"
    )
    print(
        f"{simulated} simulated seconds in {wall:.2f} s: {simulated / wall:,.0f}x real time, "
        f"{wall * 1000 / simulated:.3f} ms per simulated second"
    )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
