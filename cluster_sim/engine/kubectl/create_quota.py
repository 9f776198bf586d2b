"""The ResourceQuota `kubectl create quota` builds (create_quota.go), before it is sent:
--hard as `resource=quantity` pairs (populateResourceListV1), --scopes as names
(parseScopes: not checked here, the API server does)."""

from ..quantity import QUANTITY_ERROR, Quantity, QuantityError
from .args import Invocation, UsageError


def build_quota(inv: Invocation, name: str, read_file=None) -> dict:
    quota: dict = {
        "kind": "ResourceQuota",
        "apiVersion": "v1",
        "metadata": {"name": name, "creationTimestamp": None},
        "spec": {},
        "status": {},
    }
    hard = _resource_list(inv.flag("hard") or "")
    if hard:
        quota["spec"]["hard"] = hard
    scopes = _scopes(inv.flag("scopes") or "")
    if scopes:
        quota["spec"]["scopes"] = scopes
    return quota


def _resource_list(spec: str) -> dict[str, str]:
    result: dict[str, str] = {}
    if not spec:
        return result
    for statement in spec.split(","):
        parts = statement.split("=")
        if len(parts) != 2:
            raise UsageError(
                f"error: Invalid argument syntax {statement}, expected <resource>=<value>"
            )
        try:
            result[parts[0]] = str(Quantity.parse(parts[1]))
        except (QuantityError, ValueError):
            raise UsageError(f"error: {QUANTITY_ERROR}") from None
    return result


def _scopes(spec: str) -> list[str]:
    if not spec:
        return []
    scopes = spec.split(",")
    if any(not scope for scope in scopes):
        raise UsageError("error: invalid empty scope")
    return scopes
