"""The Pod `kubectl run` builds (run.go, generateversioned.BasicPod), before it is sent.

`kubectl run nginx --image=nginx --dry-run=client -o yaml` prints exactly this object,
which is how many people write their first manifest.
"""

import re

from ..runtime.reference import matches_reference_grammar
from .args import Invocation, UsageError

RESTART_POLICIES = ("Always", "OnFailure", "Never")
# validation.IsEnvVarName
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def build_pod(inv: Invocation) -> dict:
    """The Pod for `kubectl run NAME --image=IMAGE [flags] [-- ARGS...]`."""
    if not inv.args:
        raise UsageError(
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples"
        )
    name, rest = inv.args[0], inv.args[1:]
    image = inv.flag("image") or ""
    if not image:
        raise UsageError("error: --image is required")
    if not matches_reference_grammar(image):
        raise UsageError(f'error: Invalid image name "{image}": invalid reference format')
    restart = inv.flag("restart") or "Always"
    if restart not in RESTART_POLICIES:
        raise UsageError(f"error: invalid restart policy: {restart}")
    container: dict = {"name": name, "image": image}
    if rest:  # updatePodContainers: the rest of the line is the command or its arguments
        container["command" if inv.flag("command") else "args"] = list(rest)
    envs = _envs(inv.flag("env") or [])
    if envs:
        container["env"] = envs
    if inv.flag("image-pull-policy"):
        container["imagePullPolicy"] = inv.flag("image-pull-policy")
    port = _port(inv.flag("port") or "")
    if port is not None:
        container["ports"] = [{"containerPort": port}]
    container["resources"] = {}
    if inv.flag("privileged"):
        container["securityContext"] = {"privileged": True}
    metadata: dict = {"creationTimestamp": None, "labels": _labels(inv.flag("labels"), name)}
    annotations = _annotations(inv.flag("annotations") or [])
    if annotations:
        metadata["annotations"] = annotations
    metadata["name"] = name
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {},
    }


def _labels(text: str | None, name: str) -> dict:
    """generate.ParseLabels; `run=<name>` when none are given."""
    return parse_labels(text) if text else {"run": name}


def parse_labels(text: str) -> dict:
    """parseLabels (run, expose): `k=v,k2=v2`, each exactly one `=` and a key."""
    labels = {}
    for pair in text.split(","):
        parts = pair.split("=")
        if len(parts) != 2:
            raise UsageError(f"error: unexpected label spec: {pair}")
        if not parts[0]:
            raise UsageError("error: unexpected empty label key")
        labels[parts[0]] = parts[1]
    return labels


def _annotations(pairs: list[str]) -> dict:
    annotations = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"error: invalid annotation spec: {pair}")
        annotations[key] = value
    return annotations


def _envs(pairs: list[str]) -> list[dict]:
    """parseEnvs."""
    envs = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not _ENV_NAME.match(key):
            raise UsageError(f"error: invalid env: {pair}")
        envs.append({"name": key, "value": value})
    return envs


def _port(text: str) -> int | None:
    """updatePodPorts: strconv.Atoi of --port; -1 (or nothing) means no port."""
    if not text:
        return None
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise UsageError(f'error: strconv.Atoi: parsing "{text}": invalid syntax')
    port = int(text)
    return port if port > -1 else None
