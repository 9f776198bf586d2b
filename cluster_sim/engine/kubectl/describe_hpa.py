"""`kubectl describe hpa` (describeHorizontalPodAutoscalerV2 in kubectl's describe.go)."""

from .describe import _annotations_multiline, _events, _labels_multiline, _time, _Writer


def describe_hpa(hpa: dict, events: list[dict] | None, now_ms: int) -> str:
    meta, spec, status = hpa["metadata"], hpa.get("spec", {}), hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{_time(meta.get('creationTimestamp'))}\n")
    w.write(0, f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.write(0, "Metrics:\t( current / target )\n")
    current_metrics = status.get("currentMetrics") or []
    for index, metric in enumerate(spec.get("metrics") or []):
        current = current_metrics[index] if index < len(current_metrics) else None
        _metric_line(w, metric, current)
    minimum = spec.get("minReplicas")
    w.write(0, f"Min replicas:\t{'<unset>' if minimum is None else minimum}\n")
    w.write(0, f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
    behavior = spec.get("behavior")
    if behavior is not None:
        w.write(0, "Behavior:\n")
        _direction(w, "Scale Up", behavior.get("scaleUp"))
        _direction(w, "Scale Down", behavior.get("scaleDown"))
    w.write(0, f"{ref.get('kind', '')} pods:\t")
    w.write(
        0,
        f"{status.get('currentReplicas', 0)} current / {status.get('desiredReplicas', 0)} desired\n",
    )
    if status.get("conditions"):
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tReason\tMessage\n")
        w.write(1, "----\t------\t------\t-------\n")
        for condition in status["conditions"]:
            w.write(
                1,
                f"{condition['type']}\t{condition['status']}\t{condition.get('reason', '')}\t"
                f"{condition.get('message', '')}\n",
            )
    _events(w, events, now_ms)
    return w.render()


def _metric_line(w, metric: dict, current: dict | None) -> None:
    kind = metric.get("type")
    if kind not in ("Resource", "ContainerResource"):
        w.write(1, f"{kind} metric:\t<unknown> / <unknown>\n")
        return
    source = metric.get("resource") or metric.get("containerResource") or {}
    target = source.get("target") or {}
    now = ((current or {}).get("resource") or (current or {}).get("containerResource") or {}).get(
        "current"
    ) or {}
    name = source.get("name", "")
    where = (
        "on pods" if kind == "Resource" else f'of container "{source.get("container", "")}" on pods'
    )
    if target.get("averageValue") is not None:
        value = now.get("averageValue", "<unknown>")
        w.write(1, f"resource {name} {where}:\t{value} / {target['averageValue']}\n")
        return
    value = "<unknown>"
    if now.get("averageUtilization") is not None:
        value = f"{now['averageUtilization']}% ({now.get('averageValue', '')})"
    wanted = "<auto>"
    if target.get("averageUtilization") is not None:
        wanted = f"{target['averageUtilization']}%"
    w.write(1, f"resource {name} {where}  (as a percentage of request):\t{value} / {wanted}\n")


def _direction(w, title: str, rules: dict | None) -> None:
    """printDirectionBehavior."""
    if rules is None:
        return
    w.write(1, f"{title}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
    if rules.get("policies"):
        w.write(2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.write(2, "Policies:\n")
        for policy in rules["policies"]:
            w.write(
                3,
                f"- Type={policy['type']}  Value={policy['value']}  "
                f"Period={policy['periodSeconds']} seconds\n",
            )
