"""Defaulting, as the API server's registered defaulters and admission plugins do it.

Applied on create and update so that `get -o yaml` shows what a real cluster
stores (SetDefaults_* in pkg/apis/*/v1/defaults.go; DefaultTolerationSeconds
and ServiceAccount admission plugins).
"""

import base64
from functools import lru_cache

from .quantity import Quantity, QuantityError, parse_quantity

DEFAULT_TOLERATION_SECONDS = 300


def default_object(obj: dict) -> None:
    defaulter = _DEFAULTERS.get(obj["kind"])
    if defaulter:
        defaulter(obj)


def default_pod_spec(spec: dict) -> None:
    """SetDefaults_PodSpec (pkg/apis/core/v1/defaults.go): every PodSpec, a Pod's or a pod
    template's. Defaults that only a Pod gets are in _default_pod."""
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        _default_container(container)


def _canonical(value):
    """resource.Quantity round-trips through its canonical string: `1` -> "1", `0.5` -> "500m",
    `1024Mi` -> "1Gi", as `kubectl get -o yaml` shows what the API server stored."""
    if isinstance(value, str | int | float):
        return _canonical_scalar(value)  # every pod of a template repeats the same few
    return _canonical_uncached(value)


@lru_cache(maxsize=4096, typed=True)  # typed: True, 1 and 1.0 are different inputs
def _canonical_scalar(value):
    return _canonical_uncached(value)


def _canonical_uncached(value):
    try:
        return str(Quantity.parse(value))
    except (ValueError, TypeError):
        return value  # validation reports it; defaulting leaves it alone


def _default_container(container: dict) -> None:
    image = container.get("image", "")
    tag = image.rsplit("/", 1)[-1]
    untagged_or_latest = "@" not in tag and (":" not in tag or tag.endswith(":latest"))
    container.setdefault("imagePullPolicy", "Always" if untagged_or_latest else "IfNotPresent")
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    container.setdefault("resources", {})
    resources = container["resources"]
    for kind in ("limits", "requests"):
        if resources.get(kind):
            resources[kind] = {name: _canonical(value) for name, value in resources[kind].items()}
    for port in container.get("ports", []):
        port.setdefault("protocol", "TCP")
    for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_name)
        if probe is not None:
            probe.setdefault("timeoutSeconds", 1)
            probe.setdefault("periodSeconds", 10)
            probe.setdefault("successThreshold", 1)
            probe.setdefault("failureThreshold", 3)
            if "httpGet" in probe:
                probe["httpGet"].setdefault("scheme", "HTTP")
                probe["httpGet"].setdefault("path", "/")


def add_default_tolerations(spec: dict, seconds: int = DEFAULT_TOLERATION_SECONDS) -> None:
    """DefaultTolerationSeconds admission: tolerate not-ready/unreachable for 300 s.

    An admission plugin, not a defaulter: the API server runs it when a pod is created,
    with its --default-{not-ready,unreachable}-toleration-seconds (see APIServer.create)."""
    tolerations = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(
            t.get("key") == key and t.get("effect") in ("NoExecute", None, "") for t in tolerations
        ):
            tolerations.append(
                {
                    "effect": "NoExecute",
                    "key": key,
                    "operator": "Exists",
                    "tolerationSeconds": seconds,
                }
            )


QOS_COMPUTE_RESOURCES = ("cpu", "memory")
NANO = 10**9


def qos_class(spec: dict) -> str:
    """ComputePodQOS (pkg/apis/core/helper/qos/qos.go): only cpu and memory count, and only
    non-zero amounts. BestEffort: none requested or limited. Guaranteed: every container
    limits both cpu and memory, and the pod's summed requests equal its summed limits.
    Anything else (an extended resource such as nvidia.com/gpu alone included) is
    BestEffort or Burstable by its cpu and memory alone. Pod-level `spec.resources`
    (PodLevelResources, beta and on in v1.34), when set, is used instead of the containers'."""
    requests: dict[str, int] = {}
    limits: dict[str, int] = {}
    guaranteed = True
    pod_level = spec.get("resources")
    if isinstance(pod_level, dict) and (pod_level.get("requests") or pod_level.get("limits")):
        _add_qos_amounts(requests, pod_level.get("requests"))
        if pod_level.get("limits"):
            found = _add_qos_amounts(limits, pod_level["limits"])
            guaranteed = set(QOS_COMPUTE_RESOURCES) <= found
    else:
        for container in spec.get("containers", []) + spec.get("initContainers", []):
            resources = container.get("resources") or {}
            _add_qos_amounts(requests, resources.get("requests"))
            found = _add_qos_amounts(limits, resources.get("limits"))
            if not set(QOS_COMPUTE_RESOURCES) <= found:
                guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        # every request equals its limit, and nothing is limited that is not requested
        guaranteed = all(limits.get(name) == amount for name, amount in requests.items())
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


@lru_cache(maxsize=4096)
def _qos_amount(value) -> int | None:
    """The amount in nano-units, exact at a Quantity's finest precision (Quantity.Cmp compares
    exact values); None if it does not parse."""
    try:
        exact = parse_quantity(value) * NANO
    except QuantityError:
        return None
    return -((-exact.numerator) // exact.denominator)


def _add_qos_amounts(total: dict, amounts) -> set[str]:
    """processResourceList: add the positive cpu and memory amounts; return their names."""
    found = set()
    for name, value in (amounts or {}).items():
        if name not in QOS_COMPUTE_RESOURCES:
            continue
        amount = _qos_amount(value) if isinstance(value, (str, int, float)) else None
        if amount is not None and amount > 0:
            found.add(name)
            total[name] = total.get(name, 0) + amount
    return found


def _default_pod(pod: dict) -> None:
    spec = pod["spec"]
    default_pod_spec(spec)
    # SetDefaults_Pod: only a Pod, never a pod template (a Deployment's, a ReplicaSet's),
    # gets these: requests default to the limits, and enableServiceLinks to true.
    for container in spec.get("containers", []) + spec.get("initContainers", []):
        resources = container.get("resources")
        if isinstance(resources, dict) and resources.get("limits"):
            requests = resources.setdefault("requests", {})
            for name, value in resources["limits"].items():
                requests.setdefault(name, value)
    spec.setdefault("enableServiceLinks", True)
    # The Priority admission plugin (plugin/pkg/admission/priority) admits Pods only: with no
    # priorityClassName and no globalDefault PriorityClass, priority 0 and the
    # PreemptLowerPriority policy.
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 0)
    status = pod.setdefault("status", {})
    status.setdefault("phase", "Pending")
    status["qosClass"] = qos_class(spec)


def _default_template_owner(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    template = spec.setdefault("template", {})
    template.setdefault("metadata", {})
    default_pod_spec(template.setdefault("spec", {}))


def _default_deployment(obj: dict) -> None:
    _default_template_owner(obj)
    spec = obj["spec"]
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)


def _default_service(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["type"] != "ExternalName":
        # SetDefaults_Service defaults internalTrafficPolicy for the other three types only;
        # the service REST storage sets IP families only for Services with a cluster IP.
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    for port in spec.get("ports", []):
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
    obj.setdefault("status", {}).setdefault("loadBalancer", {})


def _default_namespace(obj: dict) -> None:
    name = obj["metadata"]["name"]
    obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj.setdefault("status", {}).setdefault("phase", "Active")


def _default_node(obj: dict) -> None:
    """v1.Node's spec and status are structs: a Node sent without them is stored with `{}`."""
    if not isinstance(obj.get("spec"), dict):
        obj["spec"] = {}
    if not isinstance(obj.get("status"), dict):
        obj["status"] = {}


def _default_secret(secret: dict) -> None:
    """The v1 Secret's conversion and defaults: stringData is a write-only convenience, merged
    into data (base64 of its UTF-8), its keys winning; type defaults to Opaque."""
    string_data = secret.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = secret.get("data") if isinstance(secret.get("data"), dict) else {}
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode("utf-8")).decode("ascii")
        secret["data"] = data
    secret.setdefault("type", "Opaque")


_DEFAULTERS = {
    "Secret": _default_secret,
    "Node": _default_node,
    "Pod": _default_pod,
    "Deployment": _default_deployment,
    "ReplicaSet": _default_template_owner,
    "Service": _default_service,
    "Namespace": _default_namespace,
}

# batch/v1 defaulting lives in its own module, which uses default_pod_spec above.
from .batch_defaults import default_cronjob, default_job  # noqa: E402

_DEFAULTERS["Job"] = default_job
from .hpa_defaults import default_hpa  # noqa: E402

_DEFAULTERS["HorizontalPodAutoscaler"] = default_hpa
_DEFAULTERS["CronJob"] = default_cronjob
from .apps_defaults import default_daemonset, default_statefulset  # noqa: E402

_DEFAULTERS["DaemonSet"] = default_daemonset
_DEFAULTERS["StatefulSet"] = default_statefulset
from .policy_defaults import default_limit_range, default_resource_quota  # noqa: E402

_DEFAULTERS["LimitRange"] = default_limit_range
_DEFAULTERS["ResourceQuota"] = default_resource_quota
from .storage import (  # noqa: E402
    default_persistent_volume,
    default_persistent_volume_claim,
    default_storage_class_fields,
)

_DEFAULTERS["PersistentVolume"] = default_persistent_volume
_DEFAULTERS["PersistentVolumeClaim"] = default_persistent_volume_claim
_DEFAULTERS["StorageClass"] = default_storage_class_fields
