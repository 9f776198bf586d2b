"""The traffic history behind the playground's charts: samples while traffic flows and
when an autoscaler changes (so the scale-down after the traffic stopped is recorded),
bounded, deterministic, and no timer of its own (the clock's "next event" is unchanged)."""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.traffic_history import MAX_SAMPLES, SAMPLE_MS

SCENARIO = """sim node add --count 3 --prefix worker- --cpu 4 --memory 8Gi
kubectl create deployment web --image=registry.k8s.io/hpa-example --replicas=1
kubectl set resources deployment web --requests=cpu=200m
kubectl expose deployment web --port=80
sim advance 30s
kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=10
sim traffic web --rps 100 --ramp 1m
sim advance 3m
sim traffic web --rps 0
sim advance 7m
"""


def run(script: str, seed: int = 1) -> Cluster:
    cluster = Cluster(seed=seed)
    ScriptRunner(cluster).run(script)
    return cluster


def test_load_endpoints_and_replicas_are_sampled_up_and_back_down():
    samples = list(run(SCENARIO).traffic.history.samples)
    during = [s for s in samples if s.services]
    assert during[0].at_ms == 30_000 and during[0].services[0].offered == 0
    gaps = {b.at_ms - a.at_ms for a, b in zip(during, during[1:], strict=False)}
    assert max(gaps) <= SAMPLE_MS  # every 5 s at least, more often when a rate or HPA changes
    peak = max(during, key=lambda s: s.services[0].offered)
    assert peak.services[0].offered == 100 and peak.services[0].endpoints > 1
    assert during[-1].services[0].offered == 0  # the stop is recorded, not just the last rate
    after = [s for s in samples if not s.services]
    scaled = [a.desired for s in after for a in s.autoscalers]
    assert scaled and scaled[-1] == 1 and max(scaled) > 1  # the scale-down, charted
    hpa = peak.autoscalers[0]
    assert (hpa.name, hpa.target) == ("web", 50) and hpa.utilization is not None


def test_the_same_script_gives_the_same_history():
    assert list(run(SCENARIO).traffic.history.samples) == list(
        run(SCENARIO).traffic.history.samples
    )


def test_no_traffic_no_samples_and_no_extra_timers():
    quiet = run("sim node add n1\nkubectl create deployment web --image=nginx\nsim advance 1m\n")
    assert not quiet.traffic.history.samples


def test_the_history_is_bounded():
    cluster = run(
        "sim node add n1\nkubectl create deployment web --image=nginx\n"
        "kubectl expose deployment web --port=80\nsim traffic web --rps 5\nsim advance 2h\n"
    )
    assert len(cluster.traffic.history.samples) == MAX_SAMPLES
