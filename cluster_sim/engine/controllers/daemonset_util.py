"""What a DaemonSet's pods look like and where they belong (pkg/controller/daemon/util).

The controller decides placement with the scheduler's own predicates (node name, the
NodeAffinity filter for nodeSelector and required affinity, taints and tolerations), so a
DaemonSet pod is wanted exactly where the default scheduler will accept it; each pod is
then pinned to its node with a `metadata.name` matchFields term and bound by the scheduler.
"""

import copy
import math

from ..scheduler import plugins
from ..scheduler.framework import CycleState

TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation"
TEMPLATE_GENERATION_LABEL = "pod-template-generation"  # extensions.DaemonSetTemplateGenerationKey
HASH_LABEL = "controller-revision-hash"  # apps.DefaultDaemonSetUniqueLabelKey

# AddOrUpdateDaemonPodTolerations: daemons survive node problems (no tolerationSeconds) and
# are placed regardless of the TaintNodesByCondition taints.
_DAEMON_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)
_HOST_NETWORK_TOLERATION = ("node.kubernetes.io/network-unavailable", "NoSchedule")


def add_daemon_tolerations(spec: dict) -> None:
    wanted = list(_DAEMON_TOLERATIONS)
    if spec.get("hostNetwork"):
        wanted.append(_HOST_NETWORK_TOLERATION)
    for key, effect in wanted:
        _add_or_update_toleration(spec, {"key": key, "operator": "Exists", "effect": effect})


def _add_or_update_toleration(spec: dict, toleration: dict) -> None:
    """v1helper.AddOrUpdateTolerationInPodSpec: a toleration with the same key, operator,
    value and effect is replaced (dropping its tolerationSeconds); otherwise appended."""
    tolerations = spec.get("tolerations") or []
    result, replaced = [], False
    for existing in tolerations:
        if _same_toleration(existing, toleration):
            if existing == toleration:
                return
            result.append(dict(toleration))
            replaced = True
        else:
            result.append(existing)
    if not replaced:
        result.append(dict(toleration))
    spec["tolerations"] = result


def _same_toleration(a: dict, b: dict) -> bool:
    """Toleration.MatchToleration."""
    return (
        a.get("key", "") == b.get("key", "")
        and a.get("effect", "") == b.get("effect", "")
        and (a.get("operator") or "Equal") == (b.get("operator") or "Equal")
        and a.get("value", "") == b.get("value", "")
    )


def template_generation(ds: dict) -> str | None:
    return (ds["metadata"].get("annotations") or {}).get(TEMPLATE_GENERATION_ANNOTATION)


def pod_template(ds: dict, hash_value: str) -> dict:
    """CreatePodTemplate: the template with daemon tolerations and the generation and
    revision-hash labels."""
    template = copy.deepcopy(ds["spec"]["template"])
    add_daemon_tolerations(template.setdefault("spec", {}))
    labels = template.setdefault("metadata", {}).setdefault("labels", {})
    generation = template_generation(ds)
    if generation is not None:
        labels[TEMPLATE_GENERATION_LABEL] = generation
    if hash_value:
        labels[HASH_LABEL] = hash_value
    return template


def pin_to_node(spec: dict, node_name: str) -> None:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes one
    matchFields term on metadata.name (other required terms are replaced)."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
    affinity = spec.setdefault("affinity", {})
    node_affinity = affinity.setdefault("nodeAffinity", {})
    required = node_affinity.setdefault("requiredDuringSchedulingIgnoredDuringExecution", {})
    required["nodeSelectorTerms"] = [term]


def target_node(pod: dict) -> str | None:
    """GetTargetNodeName: the pod's node, or the node its affinity pins it to."""
    if pod["spec"].get("nodeName"):
        return pod["spec"]["nodeName"]
    required = ((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in required.get("nodeSelectorTerms") or ():
        for expr in term.get("matchFields") or ():
            if expr.get("key") == "metadata.name" and expr.get("operator") == "In":
                values = expr.get("values") or []
                return values[0] if len(values) == 1 else None
    return None


def is_pod_updated(pod: dict, hash_value: str, generation: str | None) -> bool:
    """IsPodUpdated: the revision hash matches, or (older pods) the template generation."""
    labels = pod["metadata"].get("labels") or {}
    if generation is not None and labels.get(TEMPLATE_GENERATION_LABEL) == generation:
        return True
    return bool(hash_value) and labels.get(HASH_LABEL) == hash_value


class _NodeView:
    """The two attributes the scheduler's filter plugins read from a NodeInfo."""

    __slots__ = ("name", "node")

    def __init__(self, node: dict):
        self.name = node["metadata"]["name"]
        self.node = node


class Placement:
    """NodeShouldRunDaemonPod for one DaemonSet: the daemon pod (NewPod) is built once and
    checked against each node with the scheduler's predicates."""

    _affinity = plugins.NodeAffinity()
    _taints = plugins.TaintToleration()

    def __init__(self, ds: dict):
        template = ds["spec"]["template"]
        spec = copy.deepcopy(template.get("spec") or {})
        add_daemon_tolerations(spec)
        self._wanted_node = spec.get("nodeName")
        self._pod = {"metadata": template.get("metadata") or {}, "spec": spec}
        self._state = CycleState(pod=self._pod, requests={}, nonzero=(0, 0), total_nodes=1)

    def should_run(self, node: dict) -> tuple[bool, bool]:
        """(shouldRun, shouldContinueRunning)."""
        name = node["metadata"]["name"]
        if self._wanted_node and self._wanted_node != name:
            return False, False
        view = _NodeView(node)
        if self._affinity.filter(self._state, view) is not None:
            return False, False
        if self._taints.filter(self._state, view) is None:
            return True, True
        # Scheduled daemon pods keep running on a node whose NoSchedule taints they do not
        # tolerate, as long as they tolerate its NoExecute ones.
        for taint in node["spec"].get("taints") or ():
            if taint.get("effect") == "NoExecute" and not plugins.tolerates_taint(self._pod, taint):
                return False, False
        return False, True


def scaled(value, total: int, round_up: bool = True) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, int):
        return value
    text = str(value)
    if text.endswith("%"):
        exact = int(text[:-1]) * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(text)


def surge_and_unavailable(ds: dict, desired: int) -> tuple[int, int]:
    """SurgeCount and UnavailableCount (both round up); never both zero."""
    rolling = (ds["spec"].get("updateStrategy") or {}).get("rollingUpdate") or {}
    surge = scaled(rolling.get("maxSurge", 0), desired)
    unavailable = scaled(rolling.get("maxUnavailable", 1), desired)
    if desired > 0 and surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def template_generation_strategy(obj: dict, old: dict | None, dry_run: bool) -> None:
    """The DaemonSet registry strategy (pkg/registry/apps/daemonset/strategy.go): template
    generation 1 on create, one more each time an update changes the pod template, kept in
    the deprecated.daemonset.template.generation annotation."""
    if obj.get("kind") != "DaemonSet":
        return
    annotations = obj["metadata"].setdefault("annotations", {})
    if old is None:
        annotations[TEMPLATE_GENERATION_ANNOTATION] = "1"
        return
    previous = int(template_generation(old) or "0")
    changed = obj.get("spec", {}).get("template") != old.get("spec", {}).get("template")
    annotations[TEMPLATE_GENERATION_ANNOTATION] = str(previous + 1 if changed else previous)
