"""Defaulting, as the API server's registered defaulters and admission plugins do it.

Applied on create and update so that `get -o yaml` shows what a real cluster
stores (SetDefaults_* in pkg/apis/*/v1/defaults.go; DefaultTolerationSeconds
and ServiceAccount admission plugins).
"""

from .quantity import Quantity

DEFAULT_TOLERATION_SECONDS = 300


def default_object(obj: dict) -> None:
    defaulter = _DEFAULTERS.get(obj["kind"])
    if defaulter:
        defaulter(obj)


def default_pod_spec(spec: dict) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 0)
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        _default_container(container)


def _canonical(value):
    """resource.Quantity round-trips through its canonical string: `1` -> "1", `0.5` -> "500m",
    `1024Mi` -> "1Gi", as `kubectl get -o yaml` shows what the API server stored."""
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
    # A limit without a request: the request defaults to the limit.
    if resources.get("limits"):
        requests = resources.setdefault("requests", {})
        for name, value in resources["limits"].items():
            requests.setdefault(name, value)
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


def qos_class(spec: dict) -> str:
    """Guaranteed / Burstable / BestEffort, from requests and limits (pkg/apis/core/helper/qos)."""
    containers = spec.get("containers", []) + spec.get("initContainers", [])
    any_set = False
    guaranteed = True
    for container in containers:
        resources = container.get("resources") or {}
        requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
        if requests or limits:
            any_set = True
        for name in ("cpu", "memory"):
            if name not in limits or requests.get(name, limits.get(name)) != limits.get(name):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _default_pod(pod: dict) -> None:
    default_pod_spec(pod["spec"])
    status = pod.setdefault("status", {})
    status.setdefault("phase", "Pending")
    status["qosClass"] = qos_class(pod["spec"])


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


_DEFAULTERS = {
    "Node": _default_node,
    "Pod": _default_pod,
    "Deployment": _default_deployment,
    "ReplicaSet": _default_template_owner,
    "Service": _default_service,
    "Namespace": _default_namespace,
}
