"""Reading a cluster spec (cluster.yaml, or a task's `cluster:`): preset, profile, setup."""

from pathlib import Path

from cluster_sim.engine.profiles import PROFILES
from cluster_sim.presets import PRESETS

from . import content_fields as f
from .content_model import DEFAULT_PRESET, DEFAULT_PROFILE, ClusterSpec
from .content_yaml import LineDict


def parse_cluster_spec(
    mapping: LineDict, problems: f.Problems, path: Path, where: str = ""
) -> ClusterSpec:
    """The spec, with defaults for what is left out; unknown names are reported."""
    fields = f.Fields(problems, path, mapping, where)
    preset = fields.get("preset", f.text, DEFAULT_PRESET)
    profile = fields.get("profile", f.text, DEFAULT_PROFILE)
    setup = f.command_lines(fields, "setup", (), allow_empty=True, heredocs=True)
    fields.finish()
    if preset is not None and preset not in PRESETS:
        fields.error(f"unknown preset '{preset}' (one of: {', '.join(PRESETS)})", "preset")
    if profile is not None and profile not in PROFILES:
        fields.error(f"unknown profile '{profile}' (one of: {', '.join(PROFILES)})", "profile")
    return ClusterSpec(preset or DEFAULT_PRESET, profile or DEFAULT_PROFILE, setup or ())
