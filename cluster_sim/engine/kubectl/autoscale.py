"""`kubectl autoscale`: an autoscaling/v2 HorizontalPodAutoscaler for a scalable workload
(kubectl's cmd/autoscale: Validate, then createHorizontalPodAutoscalerV2 per object)."""

import re

from .. import errors
from ..quantity import is_valid_quantity
from .args import Invocation, UsageError, parse_int
from .get import check_output_format
from .kerrors import aggregate, check_err, from_api, plain
from .resources import kind_info, select

SCALABLE = {"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"}


def autoscale(cluster, inv: Invocation, read_file=None) -> str:
    from .commands import (
        GENERATOR_OUTPUTS,
        _builder_objects,
        dry_run_strategy,
        print_generated,
        send_generated,
    )

    strategy = dry_run_strategy(inv)
    low, high = parse_int(inv.flag("min", -1)), parse_int(inv.flag("max", -1))
    percent = parse_int(inv.flag("cpu-percent", -1))
    cpu, memory = inv.flag("cpu") or "", inv.flag("memory") or ""
    if high < 1:
        raise UsageError(f"error: --max=MAXPODS is required and must be at least 1, max: {high}")
    if high < low:
        raise UsageError(
            f"error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {high}, min: {low}"
        )
    if percent > 0 and cpu:
        raise UsageError("error: --cpu-percent and --cpu are mutually exclusive")
    metrics = []
    if percent > 0:
        metrics.append(_metric("cpu", "Utilization", percent))
    for resource, text in (("cpu", cpu), ("memory", memory)):
        if text:
            metrics.append(_parsed_metric(resource, text))
    check_output_format(inv.flag("output"), GENERATOR_OUTPUTS, simulated=("json", "yaml", "name"))
    objects, problems = _builder_objects(cluster, inv, select(inv.args))
    lines = []
    for obj in objects:
        if obj["kind"] not in SCALABLE:  # the visitor's error ends the run
            info = kind_info(obj)
            gvr = f"{info.group}/{info.version}, Resource={info.plural}"
            problems.append(
                plain(
                    f"cannot autoscale a {obj['kind']}: could not find scale subresource for "
                    f"{gvr} in discovery information"
                )
            )
            break
        hpa = _hpa(obj, inv.flag("name") or obj["metadata"]["name"], low, high, metrics)
        try:  # the server validates what kubectl built (--name, --cpu=0%)
            shown = send_generated(cluster, inv, hpa, strategy)
        except errors.ApiError as error:
            problems.append(from_api(error))
            break
        operation = "created" if strategy == "client" else "autoscaled"
        lines.append(print_generated(shown, inv.flag("output"), strategy, operation))
    cluster.settle()
    if not objects and not problems:
        problems.append(plain("no objects passed to autoscale"))
    return "\n".join([*lines, check_err(aggregate(problems))]).rstrip("\n")


def _hpa(target: dict, name: str, low: int, high: int, metrics: list[dict]) -> dict:
    spec: dict = {
        "maxReplicas": high,
        "scaleTargetRef": {
            "apiVersion": target["apiVersion"],
            "kind": target["kind"],
            "name": target["metadata"]["name"],
        },
    }
    if low > 0:
        spec["minReplicas"] = low
    if metrics:
        spec["metrics"] = metrics
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"creationTimestamp": None, "name": name},
        "spec": spec,
        # autoscaling/v2's status: currentMetrics and desiredReplicas are not omitempty
        "status": {"currentMetrics": None, "desiredReplicas": 0},
    }


def _metric(resource: str, kind: str, value) -> dict:
    target = {"type": kind}
    target["averageUtilization" if kind == "Utilization" else "averageValue"] = value
    return {"type": "Resource", "resource": {"name": resource, "target": target}}


def _parsed_metric(resource: str, text: str) -> dict:
    """parseResourceInput: `70%` is a utilization, `500m`/`200Mi` an average value, and a
    bare number takes the resource's unit (millicores, mebibytes)."""
    text = text.strip()
    if text.endswith("%"):
        number = text[:-1]
        if not re.fullmatch(r"\+?\d+", number) or int(number) > 2**31 - 1:
            raise UsageError(f"error: invalid percentage value: {number}")
        return _metric(resource, "Utilization", int(number))
    try:
        value = float(text)
    except ValueError:
        if not is_valid_quantity(text):
            raise UsageError(f"error: invalid resource {resource} value: {text}") from None
        return _metric(resource, "AverageValue", text)
    unit = "m" if resource == "cpu" else "Mi"
    return _metric(resource, "AverageValue", f"{value:g}{unit}")
