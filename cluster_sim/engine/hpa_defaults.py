"""autoscaling defaulting (pkg/apis/autoscaling/v2/defaults.go), and the v1 -> v2 conversion
the API server applies when an autoscaling/v1 HPA is stored and read back as v2."""

DEFAULT_CPU_UTILIZATION = 80  # autoscaling.DefaultCPUUtilization


def default_hpa(hpa: dict) -> None:
    spec = hpa.setdefault("spec", {})
    # autoscaling/v2's status before the first sync: these two fields are not omitempty
    hpa.setdefault("status", {"currentMetrics": None, "desiredReplicas": 0})
    if hpa.get("apiVersion") == "autoscaling/v1":
        hpa["apiVersion"] = "autoscaling/v2"
        percent = spec.pop("targetCPUUtilizationPercentage", None)
        if percent is not None:
            spec["metrics"] = [_cpu_utilization(percent)]
    spec.setdefault("minReplicas", 1)
    if not spec.get("metrics"):
        spec["metrics"] = [_cpu_utilization(DEFAULT_CPU_UTILIZATION)]
    behavior = spec.get("behavior")
    if behavior is not None:  # SetDefaults_HorizontalPodAutoscalerBehavior: only when given
        behavior["scaleUp"] = _rules(
            behavior.get("scaleUp"),
            0,
            [
                {"type": "Pods", "value": 4, "periodSeconds": 15},
                {"type": "Percent", "value": 100, "periodSeconds": 15},
            ],
        )
        behavior["scaleDown"] = _rules(
            behavior.get("scaleDown"),
            None,  # nil: the controller's --horizontal-pod-autoscaler-downscale-stabilization
            [{"type": "Percent", "value": 100, "periodSeconds": 15}],
        )


def _rules(rules: dict | None, window: int | None, policies: list[dict]) -> dict:
    rules = dict(rules or {})
    if window is not None:
        rules.setdefault("stabilizationWindowSeconds", window)
    rules.setdefault("selectPolicy", "Max")
    if not rules.get("policies"):
        rules["policies"] = policies
    return rules


def _cpu_utilization(percent: int) -> dict:
    return {
        "type": "Resource",
        "resource": {
            "name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": percent},
        },
    }
