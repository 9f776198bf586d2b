"""client-go's EventCorrelator: counts, combining similar events, and the spam filter."""

from cluster_sim.engine.event_correlator import (
    COMBINED_PREFIX,
    SPAM_BURST,
    EventCorrelator,
)
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.timefmt import SECOND


def keys(reason: str, message: str):
    source = ("kubelet", "node-1", "Pod", "default", "web", "uid-1", "v1")
    return (*source, "", "Normal", reason, message), (*source, "Normal", reason), source


def test_identical_events_are_counted_not_duplicated():
    correlator = EventCorrelator()
    first = correlator.correlate(*keys("Pulled", "same"), "same", now=0)
    second = correlator.correlate(*keys("Pulled", "same"), "same", now=SECOND)
    assert first.observed is second.observed and second.observed.count == 2
    assert second.observed.first_ms == 0


def test_ten_similar_messages_are_combined():
    correlator = EventCorrelator()
    messages = [
        correlator.correlate(
            *keys("SuccessfulCreate", f"Created pod: web-{i}"), f"Created pod: web-{i}", now=i
        ).message
        for i in range(12)
    ]
    assert messages[:9] == [f"Created pod: web-{i}" for i in range(9)]
    assert messages[9] == COMBINED_PREFIX + "Created pod: web-9"
    assert messages[11] == COMBINED_PREFIX + "Created pod: web-11"


def test_spam_filter_allows_a_burst_then_one_every_five_minutes():
    correlator = EventCorrelator()
    written = [
        correlator.correlate(*keys("BackOff", f"m{i % 3}"), f"m{i % 3}", now=i).write
        for i in range(40)
    ]
    assert written[:SPAM_BURST] == [True] * SPAM_BURST
    assert not any(written[SPAM_BURST:])
    later = correlator.correlate(*keys("BackOff", "m0"), "m0", now=40 + 300 * SECOND)
    assert later.write
    assert later.observed.count > 2  # the dropped repeats were still counted


def test_a_replicaset_creating_many_pods_combines_its_events():
    runner = ScriptRunner()
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=30")
    events = runner.run_line("kubectl get events")
    created = [line for line in events.splitlines() if "SuccessfulCreate" in line]
    assert len(created) == 10  # nine single ones, then one combined event that keeps counting
    assert any("(combined from similar events): Created pod: web-" in line for line in created)
