"""`sim traffic`: simulated client load through kube-proxy to a Service's ready endpoints.

The spreading follows kubernetes.io/docs/reference/networking/virtual-ips/ (iptables mode
picks a ready endpoint at random per connection; pods that are not ready are left out)
and /docs/concepts/services-networking/endpoint-slices/ (conditions.ready). The capacity
and queueing are ClusterLab's model (cluster_sim/engine/traffic.py), stated there.
"""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

PHP_APACHE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{run: php-apache}}
  template:
    metadata:
      labels: {{run: php-apache}}
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports: [{{containerPort: 80}}]
        resources:
          limits: {{cpu: 500m}}
          requests: {{cpu: 200m}}
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
spec:
  ports: [{{port: 80}}]
  selector: {{run: php-apache}}
"""


def _runner(tmp_path, replicas=1, nodes=2, seed=3):
    runner = ScriptRunner(Cluster(seed=seed), base_dir=tmp_path)
    runner.run_line(f"sim node add --count {nodes} --prefix node-")
    (tmp_path / "app.yaml").write_text(PHP_APACHE.format(replicas=replicas))
    runner.run_line("kubectl apply -f app.yaml")
    runner.run_line("sim advance 30s")
    return runner


def _flow(runner, service="php-apache"):
    cluster = runner.cluster
    return cluster.traffic.service_stats(cluster.traffic.flows[("default", service)])


def test_requests_spread_evenly_over_ready_endpoints_and_burn_cpu(tmp_path):
    runner = _runner(tmp_path, replicas=3, nodes=3)
    assert runner.run_line("sim traffic php-apache --rps 3") == (
        "traffic to service/php-apache: 3 requests/s"
    )
    runner.run_line("sim advance 10s")
    loads = runner.cluster.traffic.loads_of(runner.cluster.traffic.flows[("default", "php-apache")])
    assert [round(load.offered, 3) for load in loads] == [1.0, 1.0, 1.0]
    # hpa-example burns 100 ms of CPU per request: 1 request/s is 100m on top of idle use
    top = runner.run_line("kubectl top pods").splitlines()[1:]
    assert all(line.split()[1] == "101m" for line in top), top
    stats = _flow(runner)
    assert stats.error_rate == 0 and stats.endpoints == 3
    assert 0 < stats.p50_ms < stats.p95_ms


def test_load_beyond_capacity_queues_then_fails(tmp_path):
    runner = _runner(tmp_path)
    runner.run_line("sim traffic php-apache --rps 4")
    runner.run_line("sim advance 5s")
    under = _flow(runner)
    # 500m limit / 100 ms per request = 5 requests/s: at 4/s the queue is long but holds
    assert under.error_rate == 0
    runner.run_line("sim traffic php-apache --rps 10")
    runner.run_line("sim advance 3s")
    queueing = _flow(runner)
    assert queueing.error_rate == 0 and queueing.p50_ms > under.p95_ms  # waiting, not failing
    runner.run_line("sim advance 30s")
    over = _flow(runner)
    assert over.served_rps == pytest.approx(4.99)  # (500m - 1m idle) / 100 ms
    assert over.error_rate == pytest.approx(0.501)  # beyond the client's timeout: dropped
    detail = runner.run_line("sim traffic php-apache")
    assert "overloaded: queueing" in detail and "5.0/s" in detail
    assert runner.run_line("kubectl top pods").splitlines()[1].split()[1] == "500m"  # the limit


def test_a_service_without_ready_endpoints_refuses_every_request(tmp_path):
    runner = _runner(tmp_path)
    runner.run_line("kubectl scale deployment php-apache --replicas=0")
    runner.run_line("sim advance 5s")
    assert runner.run_line("sim traffic php-apache --rps 20").endswith(
        "(no ready endpoints: every request fails)"
    )
    runner.run_line("sim advance 2s")
    stats = _flow(runner)
    assert stats.refused and stats.error_rate == 1.0
    assert "kube-proxy rejects every connection" in runner.run_line("sim traffic php-apache")


def test_a_killed_node_shows_errors_until_the_endpoints_drop_its_pods(tmp_path):
    runner = _runner(tmp_path, replicas=4, nodes=2, seed=5)
    runner.run_line("sim traffic php-apache --rps 4")
    runner.run_line("sim advance 5s")
    assert _flow(runner).error_rate == 0
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 5s")
    during = _flow(runner)
    on_dead_node = sum(
        1
        for pod in runner.cluster.store.list("Pod", "default")
        if pod["spec"].get("nodeName") == "node-1"
    )
    assert on_dead_node and during.endpoints == 4  # still in rotation: nobody knows yet
    assert during.error_rate == pytest.approx(on_dead_node / 4)
    assert "not answering (requests time out)" in runner.run_line("sim traffic php-apache")
    runner.run_line("sim advance 60s")  # node-monitor-grace-period 50 s: pods marked not ready
    after = _flow(runner)
    assert after.endpoints == 4 - on_dead_node and after.failed_rps == 0


def test_a_ramp_climbs_linearly_and_a_spike_ends(tmp_path):
    runner = _runner(tmp_path, replicas=2)
    assert runner.run_line("sim traffic php-apache --rps 8 --ramp 1m") == (
        "traffic to service/php-apache: ramping to 8 requests/s over 1m"
    )
    runner.run_line("sim advance 30s")
    assert _flow(runner).offered_rps == pytest.approx(4.0)
    runner.run_line("sim advance 40s")
    assert _flow(runner).offered_rps == pytest.approx(8.0)
    assert runner.run_line("sim traffic php-apache --rps 2 --spike=20s") == (
        "traffic to service/php-apache: a spike of 2 requests/s for 20s, then 8 requests/s"
    )
    runner.run_line("sim advance 10s")
    assert _flow(runner).offered_rps == pytest.approx(2.0)
    runner.run_line("sim advance 15s")
    assert _flow(runner).offered_rps == pytest.approx(8.0)
    assert (
        runner.run_line("sim traffic php-apache --rps 0") == "traffic to service/php-apache stopped"
    )
    assert runner.run_line("sim traffic").startswith("No traffic.")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("sim traffic nope --rps 5", 'Error from server (NotFound): services "nope" not found'),
        ("sim traffic php-apache --rps fast", "error: --rps must be a number"),
        ("sim traffic php-apache --rps -1", "error: --rps must be between 0 and 1,000,000"),
        ("sim traffic php-apache --rps 5 --ramp 1m --spike 1m", "error: --ramp and --spike"),
        ("sim traffic php-apache --rps 5 --ramp soon", "error: --ramp:"),
        ("sim traffic php-apache --rps", "error: flag needs an argument: --rps"),
        ("sim traffic php-apache --burst 5", "error: unknown flag: --burst"),
        ("sim traffic --rps 5", "error: usage: sim traffic SERVICE"),
    ],
)
def test_bad_traffic_commands_are_explained(tmp_path, line, expected):
    runner = _runner(tmp_path)
    assert runner.run_line(line).startswith(expected)


def test_the_same_commands_give_the_same_traffic(tmp_path):
    outputs = []
    for _ in range(2):
        runner = _runner(tmp_path, replicas=2, seed=11)
        runner.run_line("sim traffic php-apache --rps 7 --ramp 20s")
        runner.run_line("sim advance 45s")
        outputs.append(
            runner.run_line("sim traffic php-apache") + runner.run_line("kubectl top pods")
        )
    assert outputs[0] == outputs[1]


def test_a_flood_is_refused_past_the_connections_a_pod_holds(tmp_path):
    runner = _runner(tmp_path)
    runner.run_line("sim traffic php-apache --rps 1000000")
    runner.run_line("sim advance 10s")
    loads = runner.cluster.traffic.loads_of(runner.cluster.traffic.flows[("default", "php-apache")])
    assert loads[0].backlog <= 1024
    memory = runner.run_line("kubectl top pods").splitlines()[1].split()[2]
    assert int(memory.removesuffix("Mi")) < 400  # 1,024 requests x 256 KiB, not gigabytes
    assert _flow(runner).error_rate > 0.99
