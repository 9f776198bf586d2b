"""The ResourceQuota admission plugin (apiserver admission/plugin/resourcequota/controller.go).

A validating plugin: it sees the object after the mutating plugins (LimitRanger's defaults
included), checks every quota of the namespace against the object's usage, and refuses
with upstream's words:

    pods "web" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=2,
    used: requests.cpu=3, limited: requests.cpu=4
    pods "web" is forbidden: failed quota: compute-resources: must specify limits.cpu for: web

Quotas are read from their status (hard, used), which the resource quota controller fills:
a quota whose status is not written yet limits nothing. An admitted create is charged at
once (the plugin writes the new status.used), as upstream does, so two creates in a row
cannot both slip under the limit before the controller recounts.
"""

from . import errors
from .apiserver import resource_name
from .quota import add as add_quantity
from .quota import (
    charge,
    matching_resources,
    missing_requirements,
    parse_list,
    pretty,
    quota_matches,
)
from .store import Store
from .timeline import Timeline

# Evaluator.Handles: pods are charged on create, services and claims on update too (a type
# change, a resize); every other kind counts objects, on create.
CHARGED_ON_UPDATE = ("Service", "PersistentVolumeClaim")


class ResourceQuotaAdmission:
    def __init__(self, store: Store, api, timeline: Timeline):
        self._store = store
        self._api = api
        self._timeline = timeline

    def __call__(self, obj: dict, old: dict | None, dry_run: bool) -> None:
        namespace = obj["metadata"].get("namespace")
        if not namespace:
            return
        quotas = self._store.list("ResourceQuota", namespace)
        if not quotas or (old is not None and obj["kind"] not in CHARGED_ON_UPDATE):
            return
        new_usage = self.check(quotas, obj, old)
        if dry_run:
            return
        for quota, used in new_usage:
            quota["status"]["used"] = {name: str(amount) for name, amount in used.items()}
            self._api.touch(quota)

    def check(self, quotas: list[dict], obj: dict, old: dict | None) -> list[tuple[dict, dict]]:
        """CheckRequest: the quotas this request changes and their new usage, or Forbidden."""
        now = self._timeline.now_ms
        api_version = obj.get("apiVersion", "")
        item = charge(obj, now)
        interesting = []
        for quota in quotas:
            if not quota_matches(quota, item, api_version):
                continue
            status = quota.get("status") or {}
            restricted = matching_resources(item.kind, api_version, status.get("hard") or {})
            if item.kind == "Pod":
                missing = missing_requirements(restricted, obj)
                if missing:
                    raise self._forbidden(
                        obj, f"failed quota: {quota['metadata']['name']}: {missing}"
                    )
            unknown = sorted(name for name in restricted if name not in (status.get("used") or {}))
            if unknown:
                raise self._forbidden(
                    obj,
                    f"status unknown for quota: {quota['metadata']['name']}, resources: "
                    + ",".join(unknown),
                )
            interesting.append(quota)
        negative = sorted(name for name, amount in item.usage.items() if amount.value < 0)
        if negative:
            raise self._forbidden(
                obj, f"quota usage is negative for resource(s): {','.join(negative)}"
            )
        changed = []
        for quota in interesting:
            delta = item.usage
            if old is not None and quota_matches(quota, charge(old, now), api_version):
                delta = _subtract_non_negative(item.usage, charge(old, now).usage)
            delta = {name: amount for name, amount in delta.items() if amount.value != 0}
            if not delta:
                continue
            hard = parse_list(quota["status"]["hard"])
            used = parse_list(quota["status"].get("used"))
            requested = {name: amount for name, amount in delta.items() if name in hard}
            new_used = dict(used)
            for name, amount in requested.items():
                new_used[name] = add_quantity(used.get(name), amount)
            exceeded = sorted(name for name in requested if new_used[name].value > hard[name].value)
            if exceeded:
                raise self._forbidden(
                    obj,
                    f"exceeded quota: {quota['metadata']['name']}, "
                    f"requested: {pretty({n: requested[n] for n in exceeded})}, "
                    f"used: {pretty({n: used[n] for n in exceeded if n in used})}, "
                    f"limited: {pretty({n: hard[n] for n in exceeded})}",
                )
            if new_used != used:
                changed.append((quota, new_used))
        return changed

    @staticmethod
    def _forbidden(obj: dict, message: str) -> errors.ApiError:
        """admission.NewForbidden: `<resource> "<name>" is forbidden: <message>`."""
        name = obj["metadata"].get("name") or obj["metadata"].get("generateName") or "Unknown"
        resource = resource_name(obj["kind"], obj.get("apiVersion", ""))
        return errors.forbidden(f'{resource} "{name}" is forbidden: {message}')


def _subtract_non_negative(new: dict, old: dict) -> dict:
    """quota.SubtractWithNonNegativeResult."""
    result = {}
    for name, amount in new.items():
        before = old.get(name)
        value = amount.value - (before.value if before is not None else 0)
        result[name] = type(amount)(max(value, 0), amount.format)
    return result
