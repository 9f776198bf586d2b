"""`kubectl expose`: a Service for a pod, Service, ReplicationController, Deployment or
ReplicaSet (kubectl's cmd/expose: RunExpose and createService, with polymorphichelpers'
CanBeExposed, MapBasedSelectorForObject, PortsForObject and ProtocolsForObject)."""

from .. import errors
from .args import Invocation, UsageError
from .get import check_output_format
from .kerrors import aggregate, check_err, from_api, plain
from .resources import NO_RESOURCES, select
from .run_pod import parse_labels

EXPOSABLE = {"Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet"}
DNS1035_LABEL_MAX_LENGTH = 63
SEE_HELP = "See 'kubectl expose -h' for help and examples"


def expose(cluster, inv: Invocation, read_file=None) -> str:
    from .commands import (
        GENERATOR_OUTPUTS,
        _builder_objects,
        dry_run_strategy,
        print_generated,
        send_generated,
    )

    strategy = dry_run_strategy(inv)
    check_output_format(inv.flag("output"), GENERATOR_OUTPUTS, simulated=("json", "yaml", "name"))
    if not inv.args and not inv.flag("filename"):
        raise UsageError(NO_RESOURCES)
    objects, problems = _builder_objects(cluster, inv, select(inv.args))
    lines = []
    for obj in objects:
        if obj["kind"] not in EXPOSABLE:
            problems.append(plain(f"cannot expose a {obj['kind']}"))
            break
        try:
            shown = send_generated(cluster, inv, _service(obj, inv), strategy)
        except errors.ApiError as error:
            problems.append(from_api(error))
            break
        lines.append(print_generated(shown, inv.flag("output"), strategy, "exposed"))
    cluster.settle()
    return "\n".join([*lines, check_err(aggregate(problems))]).rstrip("\n")


def _service(obj: dict, inv: Invocation) -> dict:
    """createService, from the flags and what the exposed object says."""
    name = inv.flag("name") or obj["metadata"]["name"][:DNS1035_LABEL_MAX_LENGTH]
    selector = parse_labels(inv.flag("selector")) if inv.flag("selector") else _selector_of(obj)
    labels = (
        parse_labels(inv.flag("labels"))
        if inv.flag("labels")
        else dict(obj["metadata"].get("labels") or {})
    )
    headless = inv.flag("cluster-ip") == "None"
    ports = _ports(obj, inv, headless)
    target = inv.flag("target-port")
    for port in ports:
        port["targetPort"] = _int_or_string(target) if target else port["port"]
    spec: dict = {"ports": ports, "selector": selector}
    if inv.flag("external-ip"):
        spec["externalIPs"] = [inv.flag("external-ip")]
    if inv.flag("type"):
        spec["type"] = inv.flag("type")
    if spec.get("type") == "LoadBalancer" and inv.flag("load-balancer-ip"):
        spec["loadBalancerIP"] = inv.flag("load-balancer-ip")
    if inv.flag("session-affinity"):
        spec["sessionAffinity"] = inv.flag("session-affinity")
    if inv.flag("cluster-ip"):
        spec["clusterIP"] = inv.flag("cluster-ip")
    if not ports:
        del spec["ports"]
    metadata: dict = {"creationTimestamp": None}
    if labels:
        metadata["labels"] = labels
    metadata["name"] = name
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


def _selector_of(obj: dict) -> dict:
    """MapBasedSelectorForObject."""
    kind = obj["kind"]
    if kind == "Pod":
        labels = obj["metadata"].get("labels") or {}
        if not labels:
            raise _usage("the pod has no labels and cannot be exposed")
        return dict(labels)
    if kind in ("Service", "ReplicationController"):
        selector = obj["spec"].get("selector") or {}
        if not selector:
            raise _usage(f"the {kind.lower()} has no pod selector set")
        return dict(selector)
    selector = obj["spec"].get("selector") or {}
    if selector.get("matchExpressions"):
        raise _usage(
            "couldn't convert expressions - "
            f'"{_go_expressions(selector["matchExpressions"])}" to map-based selector format'
        )
    return dict(selector.get("matchLabels") or {})


def _ports(obj: dict, inv: Invocation, headless: bool) -> list[dict]:
    """getPorts: --port (a comma list), else the object's own ports; one ServicePort per
    port, named port-1, port-2... when there are several, with each port's protocol."""
    protocols = _protocols_of(obj)
    text = inv.flag("port") or ""
    if not text:
        found = _ports_of(obj)
        if not found:
            if headless:
                return []
            raise UsageError(
                f"error: couldn't find port via --port flag or introspection\n{SEE_HELP}"
            )
        text = ",".join(found)
    values = text.split(",")
    ports = []
    for index, value in enumerate(values):
        try:
            number = int(value)
        except ValueError:
            raise UsageError(f'error: strconv.Atoi: parsing "{value}": invalid syntax') from None
        protocol = inv.flag("protocol") or ""
        choices = protocols.get(value, [])
        if not protocol and len(choices) > 1:
            for choice in choices:
                ports.append(
                    {
                        "name": f"port-{index + 1}-{choice.lower()}",
                        "port": number,
                        "protocol": choice,
                    }
                )
            continue
        if not protocol:
            protocol = choices[0] if choices else "TCP"
        port = {"port": number, "protocol": protocol}
        if len(values) > 1:
            port = {"name": f"port-{index + 1}", **port}
        ports.append(port)
    return ports


def _containers(obj: dict) -> list[dict]:
    if obj["kind"] == "Pod":
        return obj["spec"].get("containers") or []
    template = (obj["spec"].get("template") or {}).get("spec") or {}
    return template.get("containers") or []


def _ports_of(obj: dict) -> list[str]:
    """PortsForObject: a Service's ports, else the containers' containerPorts."""
    if obj["kind"] == "Service":
        return [str(p["port"]) for p in obj["spec"].get("ports") or () if "port" in p]
    return [
        str(port["containerPort"])
        for container in _containers(obj)
        for port in container.get("ports") or ()
        if "containerPort" in port
    ]


def _protocols_of(obj: dict) -> dict[str, list[str]]:
    """ProtocolsForObject: port -> the protocols it is declared with."""
    found: dict[str, list[str]] = {}
    if obj["kind"] == "Service":
        entries = [
            (p.get("port"), p.get("protocol", "TCP")) for p in obj["spec"].get("ports") or ()
        ]
    else:
        entries = [
            (port.get("containerPort"), port.get("protocol", "TCP"))
            for container in _containers(obj)
            for port in container.get("ports") or ()
        ]
    for number, protocol in entries:
        found.setdefault(str(number), [])
        if protocol not in found[str(number)]:
            found[str(number)].append(protocol)
    return found


def _int_or_string(text: str):
    return int(text) if text.isdigit() else text


def _go_expressions(expressions: list[dict]) -> str:
    """%+v of []LabelSelectorRequirement."""
    items = [
        f"{{Key:{e.get('key', '')} Operator:{e.get('operator', '')} Values:[{' '.join(e.get('values') or [])}]}}"
        for e in expressions
    ]
    return "[" + " ".join(items) + "]"


def _usage(message: str) -> UsageError:
    return UsageError(
        f"error: couldn't retrieve selectors via --selector flag or introspection: {message}\n"
        f"{SEE_HELP}"
    )
