"""Course benchmarks (issue 5): what a learner waits for.

1. Opening a lesson the first time builds its cluster: the preset, then the lesson's
   setup (`build_live_cluster`, as the hub does before the page can show it).
2. "Check my cluster" on a hands-on task: the goal check on copies of the learner's
   cluster, each a replay of the log (here: the task's starting cluster plus its reference
   solution, the common case; then after an hour of simulated time in it, since a replay
   runs the clock up to where the learner's is). A node-loss check replays once per node.
3. "Run the scenario and see" on a numeric question: its cluster, `run` lines and `check`
   (once per process; later runs come from the cache).

Pure Python, no server: the same functions the views call, timed on this machine.

    .venv/bin/python -m bench.course
"""

import statistics
import time

from bench.common import machine, peak_rss_mib
from cluster_sim.live.session import build_live_cluster
from lessons.course_cache import course
from lessons.goals import GOAL_CHECKS
from lessons.scenario_run import run_scenario
from lessons.solution_bots import SEED, Replay


def timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def solved_factory(question, before=()):
    """As the task view's: a copy per call, and `original()`, the task's starting cluster.
    `before`: lines a learner ran first (time spent in the task's cluster)."""

    def factory():
        replay = Replay(question.cluster, question.id)
        for line in (*before, *question.solution):
            replay.run(line, "solution")
        return replay.cluster, replay.runner

    def original():
        replay = Replay(question.cluster, question.id)
        return replay.cluster, replay.runner

    factory.original = original
    return factory


def main() -> None:
    print(f"machine: {machine()}")
    print("\n1. first visit: a lesson's cluster built (preset + setup)")
    builds = []
    for lesson in course().lessons:
        spec = lesson.cluster
        seconds, _ = timed(
            lambda spec=spec: build_live_cluster(spec.preset, SEED, spec.profile, spec.setup)
        )
        builds.append(seconds)
        print(f"  {lesson.slug:36} {spec.preset:10} {seconds * 1000:7.0f} ms")
    print(f"  median {statistics.median(builds) * 1000:.0f} ms, max {max(builds) * 1000:.0f} ms")

    print("\n2. Check my cluster: a task's goal check on its reference solution")
    checks = []
    for lesson in course().lessons:
        for question in lesson.quiz.questions:
            if question.type != "task":
                continue
            goal = dict(question.goal.params)
            check = GOAL_CHECKS[question.goal.check]
            seconds, result = timed(lambda c=check, q=question, g=goal: c(solved_factory(q), **g))
            checks.append(seconds)
            verdict = "passed" if result.passed else "FAILED"
            name = f"{lesson.slug}/{question.id}"
            print(f"  {name:56} {question.goal.check:44} {seconds:6.2f} s  {verdict}")
    print(f"  median {statistics.median(checks):.2f} s, max {max(checks):.2f} s")
    print("  the same checks after the learner spent an hour of simulated time in the cluster:")
    for lesson in course().lessons:
        for question in lesson.quiz.questions:
            if question.type == "task" and question.goal.check.startswith("service_keeps"):
                check = GOAL_CHECKS[question.goal.check]
                factory = solved_factory(question, before=("sim advance 1h",))
                seconds, result = timed(
                    lambda c=check, f=factory, g=dict(question.goal.params): c(f, **g)
                )
                name = f"{lesson.slug}/{question.id}"
                print(f"  {name:56} {'(+1h)':44} {seconds:6.2f} s  {result.passed}")

    print("\n3. Run the scenario and see: a numeric question's scenario, first run")
    runs = []
    for lesson in course().lessons:
        for question in lesson.quiz.questions:
            if question.type == "numeric" and question.check:
                seconds, _ = timed(lambda s=lesson.slug, q=question.id: run_scenario(s, q))
                runs.append(seconds)
                print(f"  {lesson.slug + '/' + question.id:56} {seconds * 1000:7.0f} ms")
    if runs:
        print(f"  median {statistics.median(runs) * 1000:.0f} ms, max {max(runs) * 1000:.0f} ms")
    print(f"\npeak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
