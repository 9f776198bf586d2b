"""Playground benchmarks (issue 4), figures 2 and 3: update sizes and server time per step.

No server: Django is set up for the templates only, and PlaygroundView renders in this
process exactly as the runner does after each step.

Figure 2, update size. Targets: a step that changes one pod sends <= 2 KB; a
learner-sized cluster's full view is <= 60 KB. The learner cluster is the empty-3 preset
(fast profile) with a 6-replica nginx Deployment and its Service, settled for 2 minutes.
Single-pod changes are made one at a time and every 250 ms step's delta is measured (its
UTF-8 bytes), with which fragments it carried: a label (invisible in the view), a bare
pod's life from `kubectl run` to Running, a container that exits and restarts
(CrashLoopBackOff), and deleting the bare pod. Full views (`full_as_oob()`, what a
socket gets on connecting) are measured for that cluster, ml-recsys after 5 minutes and
the 100-node preset.

Figure 3, server time per step. Target: <= 5 ms for a learner-sized cluster, rendering
included. A step is what `actions.advance_wall_clock` does under the lock:
`cluster.advance(250 ms x speed)` then `view.delta()`. ml-recsys from time 0 with
`sim traffic serve --rps 100`, 5 simulated minutes at speeds 1, 5 and 20.

    .venv/bin/python -m bench.playground_render
    .venv/bin/python -m bench.playground_render --minutes 10 --only steps
"""

import argparse
import os
import re
import statistics
import time
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterlab.settings.test")

import django  # noqa: E402

django.setup()

from bench.common import machine, peak_rss_mib  # noqa: E402
from cluster_sim.engine.timefmt import MINUTE  # noqa: E402
from cluster_sim.live.view import PlaygroundView  # noqa: E402
from cluster_sim.presets import build_cluster  # noqa: E402

TICK_MS = 250
SEED = 1
ONE_POD_TARGET = 2 * 1024
FULL_TARGET = 60 * 1024
STEP_TARGET_MS = 5.0

_FRAGMENT = re.compile(r'<(\w+)[^>]*? id="([^"]+)"')


def nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def fragment_kinds(delta: str) -> str:
    """What a delta carried, e.g. "pod 1, ev 3, node 1, summary": the kind of each id."""
    kinds = Counter()
    for match in re.finditer(r'id="([^"]+)"', delta):
        fragment = match.group(1)
        kind = fragment.split("-", 1)[0]
        kinds[{"cluster": "summary", "sim": "clock"}.get(kind, kind)] += 1
    deleted = delta.count('hx-swap-oob="delete"')
    parts = [f"{k} {n}" if n > 1 else k for k, n in sorted(kinds.items())]
    return ", ".join(parts) + (f" ({deleted} deletes)" if deleted else "")


# --- figure 2: sizes ------------------------------------------------------------------------
def learner_cluster():
    cluster, runner = build_cluster("empty-3", SEED, "fast")
    runner.run_line("kubectl create deployment web --image=nginx:1.27 --replicas=6", None)
    runner.run_line("kubectl expose deployment web --port=80", None)
    cluster.advance(2 * MINUTE)
    return cluster, runner


class SizeLog:
    """The deltas of single-pod changes, each labelled with what it carried."""

    def __init__(self):
        self.rows: list[tuple[str, str, int, str]] = []

    def scenario(self, name: str, lines: list[str], seconds: float, setup=()) -> None:
        """On a fresh learner cluster (after `setup`): run the lines, then step 250 ms at a time."""
        cluster, runner = learner_cluster()
        for line in setup:
            runner.run_line(line, None)
        view = PlaygroundView(cluster)
        view.full()
        for line in lines:
            runner.run_line(line, None)
            self._record(name, f"`{line}`", view.delta(), keep_empty=True)
        for _ in range(int(seconds * 1000 / TICK_MS)):
            cluster.advance(TICK_MS)
            self._record(name, f"step at {cluster.now_ms / 1000:.2f} s", view.delta())

    def _record(self, scenario: str, when: str, delta: str, keep_empty: bool = False) -> None:
        # a step that only moves the clock is not a pod change: measured apart
        if (delta or keep_empty) and fragment_kinds(delta) != "clock":
            self.rows.append((scenario, when, nbytes(delta), fragment_kinds(delta) or "nothing"))


def single_pod_changes() -> list:
    log = SizeLog()
    cluster, _ = learner_cluster()
    first = sorted(p["metadata"]["name"] for p in cluster.store.list("Pod"))[0]
    log.scenario("label a pod", [f"kubectl label pod {first} tier=demo"], 0)
    log.scenario("bare pod starts", ["kubectl run solo --image=nginx:1.27"], 20)
    log.scenario(
        "container restarts", ["kubectl run crash --image=busybox:1.36 -- sh -c 'exit 1'"], 90
    )
    log.scenario(
        "bare pod deleted",
        ["kubectl delete pod solo"],
        40,
        setup=["kubectl run solo --image=nginx:1.27", "sim advance 20s"],
    )
    return log.rows


def clock_only_size() -> int:
    cluster, _ = learner_cluster()
    view = PlaygroundView(cluster)
    view.full()
    cluster.advance(1000)
    return nbytes(view.delta())


def full_view_size(preset: str, minutes: int, profile: str = "realistic"):
    """Bytes of full_as_oob(), its largest regions, and the cluster's size."""
    if preset == "learner":
        cluster, _ = learner_cluster()
    else:
        cluster, _ = build_cluster(preset, SEED, profile)
        cluster.advance(minutes * MINUTE)
    view = PlaygroundView(cluster)
    size = nbytes(view.full_as_oob())
    regions = view.full()
    parts = {k: nbytes(v) for k, v in regions.items() if isinstance(v, str)}
    parts.update({f"wl-{g['resource']}s": nbytes("".join(g["rows"])) for g in regions["workloads"]})
    top = sorted(parts.items(), key=lambda kv: -kv[1])[:3]
    events = sum(1 for _ in cluster.store.iter_kind("Event"))
    pods = sum(1 for _ in cluster.store.iter_kind("Pod"))
    nodes = sum(1 for _ in cluster.store.iter_kind("Node"))
    where = ", ".join(f"{k} {v:,} B" for k, v in top)
    return size, f"{nodes} nodes, {pods} pods, {events} events; largest regions: {where}"


def report_sizes() -> None:
    print("\n## Figure 2: update sizes (UTF-8 bytes)")
    print(f"a step that only moves the clock (learner cluster): {clock_only_size()} B")
    rows = single_pod_changes()
    print("single-pod changes on the learner cluster, every step that carried more than the clock:")
    for scenario, when, size, kinds in rows:
        flag = "" if size <= ONE_POD_TARGET else "   <-- over 2 KB"
        print(f"  {scenario:19} {when:52} {size:6,} B  [{kinds}]{flag}")
    by_scenario: dict[str, list[int]] = {}
    for scenario, _, size, _ in rows:
        by_scenario.setdefault(scenario, []).append(size)
    for scenario, sizes in by_scenario.items():
        print(
            f"  -> {scenario}: {len(sizes)} steps, median {statistics.median(sizes):,.0f} B, "
            f"max {max(sizes):,} B"
        )
    over = sum(1 for *_, size, _ in rows if size > ONE_POD_TARGET)
    print(f"steps over {ONE_POD_TARGET} B: {over} of {len(rows)}")
    print("full views (full_as_oob):")
    for preset, minutes in (("learner", 0), ("ml-recsys", 5), ("nodes-100", 2)):
        size, detail = full_view_size(preset, minutes)
        flag = "within 60 KB" if size <= FULL_TARGET else "over 60 KB"
        label = "learner (empty-3 fast + web x6 + Service)" if preset == "learner" else preset
        after = f" after {minutes} min" if minutes else ""
        print(f"  {label}{after}: {size:,} B ({flag}); {detail}")


# --- figure 3: server time per step -----------------------------------------------------------
def time_steps(speed: int, minutes: int) -> dict:
    cluster, runner = build_cluster("ml-recsys", SEED)
    runner.run_line("sim traffic serve --rps 100", None)
    view = PlaygroundView(cluster)
    view.full()  # the page load: deltas start from here
    step_ms = TICK_MS * speed
    walls, totals, advances, renders, sizes = [], [], [], [], []
    for _ in range(minutes * MINUTE // step_ms):
        # CPU time of this thread: what the step costs, not what the other agents on this
        # shared machine take from it by preempting us (wall time is reported beside it)
        wall = time.perf_counter()
        start = time.thread_time()
        cluster.advance(step_ms)
        middle = time.thread_time()
        delta = view.delta()
        end = time.thread_time()
        walls.append((time.perf_counter() - wall) * 1000)
        totals.append((end - start) * 1000)
        advances.append((middle - start) * 1000)
        renders.append((end - middle) * 1000)
        sizes.append(nbytes(delta))
    worst = max(range(len(totals)), key=totals.__getitem__)
    return {
        "speed": speed,
        "steps": len(totals),
        "wall": walls,
        "total": totals,
        "advance": advances,
        "render": renders,
        "sizes": sizes,
        "worst": (worst, advances[worst], renders[worst], sizes[worst]),
        "pods": sum(1 for _ in cluster.store.iter_kind("Pod")),
    }


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report_steps(minutes: int) -> None:
    print(f"\n## Figure 3: server time per step (ml-recsys + traffic 100 rps, {minutes} sim min)")
    for speed in (1, 5, 20):
        r = time_steps(speed, minutes)
        total, adv, ren = r["total"], r["advance"], r["render"]
        index, w_adv, w_ren, w_size = r["worst"]
        over = sum(1 for t in total if t > STEP_TARGET_MS)
        print(
            f"speed {speed:2}x: {r['steps']} steps of {TICK_MS * speed} ms; CPU per step "
            f"p50 {statistics.median(total):.2f} ms, p95 {p(total, 0.95):.2f} ms, "
            f"max {max(total):.2f} ms; {over} steps over {STEP_TARGET_MS:g} ms"
        )
        wall = r["wall"]
        print(
            f"    wall per step p50 {statistics.median(wall):.2f} ms, p95 {p(wall, 0.95):.2f} ms, "
            f"max {max(wall):.2f} ms"
        )
        print(
            f"    CPU: advance p50 {statistics.median(adv):.2f} / p95 {p(adv, 0.95):.2f} ms; "
            f"render p50 {statistics.median(ren):.2f} / p95 {p(ren, 0.95):.2f} ms; "
            f"delta p50 {statistics.median(r['sizes']):,.0f} B, max {max(r['sizes']):,} B; "
            f"worst step #{index} (at {(index + 1) * TICK_MS * speed / 1000:.0f} s): "
            f"advance {w_adv:.2f} + render {w_ren:.2f} ms, {w_size:,} B; {r['pods']} pods at the end"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, default=5, help="simulated minutes per speed")
    parser.add_argument("--only", choices=("sizes", "steps"), help="run one figure only")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    if args.only != "steps":
        report_sizes()
    if args.only != "sizes":
        report_steps(args.minutes)
    print(f"\npeak RSS: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
