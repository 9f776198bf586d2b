"""The clusters a playground starts from: a registry of presets, each a ClusterLab script.

A preset is plain script text (the `*.script` files beside this module, in the format of
the golden scripts), so a sandbox stays reproducible from (key, seed, profile) alone:
building runs the script on a fresh cluster at simulated time 0, and the script never
advances the clock; the playground's runner does that.
"""

from dataclasses import dataclass
from importlib import resources

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner


@dataclass(frozen=True)
class Preset:
    key: str  # url-safe
    title: str
    summary: str  # one sentence for the preset picker
    script: str  # kubectl/sim lines, heredocs allowed


def _load(key: str, title: str, summary: str) -> Preset:
    script = resources.files(__package__).joinpath(f"{key}.script").read_text(encoding="utf-8")
    return Preset(key=key, title=title, summary=summary, script=script)


# In display order; the first is the default.
PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        _load(
            "empty-3",
            "3 empty worker nodes",
            "Three identical workers (4 CPU, 8 GiB) with nothing running: start from scratch.",
        ),
        _load(
            "ml-recsys",
            "the ML recommendation system",
            "The movie recommender, running: ingest, serve and ui Deployments, "
            "a feature Job and a training Job on a tainted GPU node.",
        ),
        _load(
            "mixed",
            "mixed nodes",
            "Small, medium, large, GPU and batch-only nodes, labelled and tainted, "
            "to practise nodeSelector, affinity and tolerations.",
        ),
        _load(
            "nodes-100",
            "a 100-node cluster",
            "100 workers in four zones running 240 pods of three Deployments.",
        ),
    )
}
DEFAULT_PRESET = "empty-3"


def build_cluster(key: str, seed: int, profile: str = "realistic") -> tuple[Cluster, ScriptRunner]:
    """A fresh cluster with the preset's script run on it; KeyError for an unknown key."""
    cluster, runner, _ = build_with_transcript(key, seed, profile)
    return cluster, runner


def build_with_transcript(
    key: str, seed: int, profile: str = "realistic"
) -> tuple[Cluster, ScriptRunner, str]:
    """As build_cluster, plus what running the script printed (to check it for errors)."""
    preset = PRESETS[key]
    cluster = Cluster(seed=seed, profile=profile)
    runner = ScriptRunner(cluster)
    transcript = runner.run(preset.script)
    return cluster, runner, transcript
