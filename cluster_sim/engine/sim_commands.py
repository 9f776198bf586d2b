"""`sim …` verbs: what a learner can do to the simulation itself (nodes, time, profile)."""

from . import errors
from .kube_proxy import NoEndpoints
from .kubectl.args import UsageError
from .manifests.check import check_object
from .nodes import node_manifest
from .profiles import PROFILES
from .quantity import QUANTITY_ERROR, is_valid_quantity
from .sim_traffic import run_traffic
from .timefmt import exact_duration, parse_duration

NODE_FLAGS = {
    "--cpu",
    "--memory",
    "--pods",
    "--labels",
    "--taints",
    "--count",
    "--prefix",
    "--gpus",
}
USAGE = """sim commands:
  sim node add NAME [--cpu 4] [--memory 8Gi] [--pods 110] [--labels k=v,...] [--taints k=v:Effect,...] [--gpus N]
  sim node add --count N --prefix worker- [same options]
  sim node kill NAME | restore NAME | remove NAME
  sim advance DURATION          (30s, 5m, 1h30m)
  sim profile [realistic|fast]
  sim request SERVICE [--count N] [-n NAMESPACE]   (connections through kube-proxy)
  sim traffic SERVICE --rps N [--ramp 1m | --spike 30s] [-n NAMESPACE]   (0 stops)
  sim traffic [SERVICE]         (rates, errors and latency the traffic meets)
  sim time"""


def run_sim(cluster, words: list[str]) -> str:
    try:
        return _dispatch(cluster, words)
    except UsageError as error:
        return str(error)
    except errors.ApiError as error:
        if error.reason == "Invalid":  # as kubectl's CheckErr prints a 422: the message alone
            return error.message
        return f"Error from server ({error.reason}): {error.message}"


def _dispatch(cluster, words: list[str]) -> str:
    if not words or words[0] in ("help", "--help", "-h"):
        return USAGE
    verb, rest = words[0], words[1:]
    if verb == "advance":
        if len(rest) != 1:
            raise UsageError("error: usage: sim advance DURATION (e.g. 30s, 5m)")
        try:
            duration = parse_duration(rest[0])
        except ValueError as error:
            raise UsageError(f"error: {error}") from error
        cluster.advance(duration)
        # exact, unlike kubectl's coarse AGE column: `sim advance 11m30s` says 11m30s
        return f"advanced {exact_duration(duration)} (now {exact_duration(cluster.now_ms)} since start)"
    if verb == "time":
        return f"{exact_duration(cluster.now_ms)} since start (profile {cluster.profile.name})"
    if verb == "profile" and not rest:
        return f"profile {cluster.profile.name}: {cluster.profile.description}"
    if verb == "profile":
        if len(rest) != 1 or rest[0] not in PROFILES:
            raise UsageError(f"error: usage: sim profile {'|'.join(PROFILES)}")
        cluster.set_profile(rest[0])
        return f"profile set to {rest[0]}: {cluster.profile.description}"
    if verb == "node":
        return _node(cluster, rest)
    if verb == "request":
        return _request(cluster, rest)
    if verb == "traffic":
        return run_traffic(cluster, rest)
    raise UsageError(f'error: unknown sim command "{verb}"\n{USAGE}')


def _node(cluster, words: list[str]) -> str:
    if not words:
        raise UsageError(USAGE)
    action, rest = words[0], words[1:]
    if action == "add":
        return _node_add(cluster, rest)
    if action in ("kill", "restore", "remove"):
        if len(rest) != 1:
            raise UsageError(f"error: usage: sim node {action} NAME")
        name = rest[0]
        if action == "kill":
            cluster.kill_node(name)
            grace = cluster.profile.node_monitor_grace_ms // 1000
            return f"node/{name} powered off (kubelet stopped; the control plane notices after {grace}s)"
        if action == "restore":
            cluster.restore_node(name)
            return f"node/{name} powered on (kubelet starting)"
        cluster.remove_node(name)
        return f"node/{name} removed"
    raise UsageError(f'error: unknown node action "{action}"\n{USAGE}')


def _node_add(cluster, words: list[str]) -> str:
    names, options = [], {}
    index = 0
    while index < len(words):
        word = words[index]
        if word.startswith("--"):
            key, _, value = word.partition("=")
            if key not in NODE_FLAGS:
                raise UsageError(f"error: unknown flag: {key}")
            if not value:
                index += 1
                if index >= len(words):
                    raise UsageError(f"error: flag needs an argument: {key}")
                value = words[index]
            options[key[2:]] = value
        else:
            names.append(word)
        index += 1
    for flag in ("count", "pods", "gpus"):
        if flag in options:
            _whole_number(flag, options[flag])
    for flag in ("cpu", "memory"):
        if flag in options and not is_valid_quantity(options[flag]):
            raise UsageError(
                f'error: invalid value "{options[flag]}" for --{flag}: {QUANTITY_ERROR}'
            )
    count = int(options.pop("count", 0) or 0)
    prefix = options.pop("prefix", "node-")
    if count:
        existing = {n["metadata"]["name"] for n in cluster.store.list("Node")}
        names = []
        number = 1
        while len(names) < count:
            candidate = f"{prefix}{number}"
            if candidate not in existing:
                names.append(candidate)
            number += 1
    if not names:
        raise UsageError(
            "error: usage: sim node add NAME [options] | sim node add --count N --prefix P"
        )
    kwargs = {
        "cpu": options.get("cpu", "4"),
        "memory": options.get("memory", "8Gi"),
        "pods": int(options.get("pods", 110)),
        "labels": _pairs(options.get("labels")),
        "taints": _taints(options.get("taints")),
    }
    if options.get("gpus"):
        kwargs["extended"] = {"nvidia.com/gpu": str(int(options["gpus"]))}
    for name in names:
        # The API server validates the Node the kubelet registers (ValidateNode: the name is
        # a DNS-1123 subdomain, labels and taints are checked too); none joins if one fails.
        message = check_object(node_manifest(name, **kwargs), None, "")
        if message:
            raise UsageError(message)
    lines = []
    for name in names:
        cluster.add_node(name, **kwargs)
        lines.append(f"node/{name} created")
    if len(lines) > 10:
        return f"{len(lines)} nodes created ({names[0]} … {names[-1]})"
    return "\n".join(lines)


def _whole_number(flag: str, value: str) -> int:
    if not value.isdigit():
        raise UsageError(f'error: invalid value "{value}" for --{flag}: must be a whole number')
    return int(value)


def _pairs(text: str | None) -> dict:
    if not text:
        return {}
    result = {}
    for item in text.split(","):
        key, _, value = item.partition("=")
        result[key] = value
    return result


def _taints(text: str | None) -> list[dict]:
    if not text:
        return []
    taints = []
    for item in text.split(","):
        key_value, _, effect = item.rpartition(":")
        if effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            raise UsageError(f"error: invalid taint effect: {effect}, unsupported taint effect")
        key, _, value = key_value.partition("=")
        taint = {"effect": effect, "key": key}
        if value:
            taint["value"] = value
        taints.append(taint)
    return taints


def _request(cluster, words: list[str]) -> str:
    """Open N connections to a Service and show which pods kube-proxy sent them to."""
    namespace, count, names = "default", 10, []
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("-n", "--namespace", "--count") and index + 1 < len(words):
            if word == "--count":
                count = _whole_number("count", words[index + 1])
            else:
                namespace = words[index + 1]
            index += 2
            continue
        names.append(word)
        index += 1
    if len(names) != 1 or not 1 <= count <= 10_000:
        raise UsageError("error: usage: sim request SERVICE [--count N (1-10000)] [-n NAMESPACE]")
    service = cluster.api.get("Service", namespace, names[0])
    spec = service["spec"]
    port = (spec.get("ports") or [{}])[0].get("port", 80)
    target = f"{spec.get('clusterIP')}:{port}"
    tally: dict[tuple[str, str], int] = {}
    try:
        for _ in range(count):
            endpoint = cluster.kube_proxy.route(namespace, names[0])
            tally[endpoint] = tally.get(endpoint, 0) + 1
    except NoEndpoints:
        return (
            f"{count} connections to service/{names[0]} ({target}): all refused "
            "(no ready endpoints; kube-proxy rejects connections to a Service without endpoints)"
        )
    lines = [f"{count} connections to service/{names[0]} ({target}) went to:"]
    silent = {pod: _why_silent(cluster, namespace, pod) for _, pod in tally if pod}
    # an endpoint without a pod behind it: the `kubernetes` Service's API server
    tally = {(ip, pod or "(not a pod)"): hits for (ip, pod), hits in tally.items()}
    width = max(len(pod) for _, pod in tally)
    for (ip, pod), hits in sorted(tally.items(), key=lambda item: item[0][1]):
        why = silent.get(pod)
        note = f"  timed out: {why}" if why else ""
        lines.append(f"  {pod.ljust(width)}  {ip.ljust(15)}  {hits}{note}")
    if any(silent.values()):
        lines.append(
            "(their EndpointSlices still say ready: the control plane has not noticed the "
            "node yet, so kube-proxy keeps sending connections that get no answer)"
        )
    return "\n".join(lines)


def _why_silent(cluster, namespace: str, pod_name: str) -> str:
    """Why a pod kube-proxy routed to cannot answer ("" when it can): its node is off."""
    pod = cluster.store.get("Pod", namespace, pod_name)
    node = (pod or {}).get("spec", {}).get("nodeName")
    if node and not cluster.node_powered(node):
        return f"node {node} is not responding"
    return ""
