"""Splitting training across an Indexed Job's workers (clusterlab/train's WORKERS and
JOB_COMPLETION_INDEX), the pattern of
kubernetes.io/docs/tasks/job/indexed-parallel-processing-static/: each worker trains its
1/N share of every epoch and then synchronises with its N-1 peers, so 4 workers finish
sooner than one, but not 4 times sooner.
"""

import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.timefmt import parse_rfc3339


def training_job(workers: int) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "train"},
            "spec": {
                "completions": workers,
                "parallelism": workers,
                "completionMode": "Indexed",
                "template": {
                    "spec": {
                        "restartPolicy": "Never",
                        "containers": [
                            {
                                "name": "train",
                                "image": "clusterlab/train:1.0",
                                "env": [{"name": "WORKERS", "value": str(workers)}],
                            }
                        ],
                    }
                },
            },
        }
    )


def train(workers: int) -> tuple[int, ScriptRunner]:
    """The Job's duration (startTime to completionTime) in ms, and the session."""
    runner = ScriptRunner(Cluster(seed=3, profile="fast"))
    runner.run_line("sim node add node-1 --cpu 16 --memory 32Gi")
    runner.run_line("kubectl apply -f -", training_job(workers))
    runner.run_line("sim advance 5m")
    status = runner.cluster.api.get("Job", "default", "train")["status"]
    assert status["succeeded"] == workers, status
    duration = parse_rfc3339(status["completionTime"]) - parse_rfc3339(status["startTime"])
    return duration, runner


def test_four_workers_are_faster_than_one_but_not_four_times():
    one, _ = train(1)
    four, runner = train(4)
    assert one > four > one / 4
    pods = sorted(runner.cluster.store.list("Pod", "default"), key=lambda p: p["metadata"]["name"])
    logs = runner.run_line(f"kubectl logs {pods[2]['metadata']['name']}")
    assert "worker 2 of 4: training shard 2 (1/4 of each epoch), gradient sync with 3 peers" in logs
    assert "epoch 10/10" in logs and "s sync)" in logs
    assert "saved shard /models/recsys-v1.shard-2-of-4.pkl" in logs
