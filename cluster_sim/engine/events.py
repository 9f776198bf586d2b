"""Events, recorded and aggregated as client-go's EventRecorder and EventCorrelator do.

An identical event (same source, object, type, reason and message) bumps
`count` and `lastTimestamp` on the existing Event instead of creating a new
one; Events expire an hour after their last update (kube-apiserver --event-ttl).
"""

from .errors import ApiError
from .timefmt import EPOCH, HOUR, parse_rfc3339, rfc3339
from .timeline import Timeline

EVENT_TTL_MS = 1 * HOUR

NORMAL = "Normal"
WARNING = "Warning"


class EventRecorder:
    def __init__(self, api, timeline: Timeline):
        self._api = api
        self._timeline = timeline
        self._by_key: dict[tuple, tuple[str, str]] = {}
        self._sequence = 0

    def record(
        self,
        obj: dict,
        event_type: str,
        reason: str,
        message: str,
        *,
        component: str,
        host: str | None = None,
        field_path: str | None = None,
    ) -> dict | None:
        meta = obj["metadata"]
        namespace = meta.get("namespace") or "default"
        involved = {
            "apiVersion": obj.get("apiVersion", "v1"),
            "kind": obj["kind"],
            "name": meta["name"],
            "uid": meta.get("uid", meta["name"]),
        }
        if meta.get("namespace"):
            involved["namespace"] = meta["namespace"]
        if field_path:
            involved["fieldPath"] = field_path
        if meta.get("resourceVersion"):
            involved["resourceVersion"] = meta["resourceVersion"]
        key = (
            component,
            host,
            involved["kind"],
            namespace,
            involved["name"],
            involved["uid"],
            field_path,
            event_type,
            reason,
            message,
        )
        now = rfc3339(self._timeline.now_ms)
        existing_ref = self._by_key.get(key)
        if existing_ref is not None:
            existing = self._api.find("Event", *existing_ref)
            if existing is not None:
                existing["count"] += 1
                existing["lastTimestamp"] = now
                existing["involvedObject"] = involved
                return self._api.touch(existing)
        self._sequence += 1
        # Upstream names events "<object>.<unix nanoseconds in hex>".
        epoch_ms = int(EPOCH.timestamp() * 1000)
        stamp = (self._timeline.now_ms + epoch_ms) * 1_000_000 + self._sequence
        source = {"component": component}
        if host:
            source["host"] = host
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": f"{meta['name']}.{stamp:x}", "namespace": namespace},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "type": event_type,
            "source": source,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host or "",
        }
        try:
            created = self._api.create(event)
        except ApiError:
            # client-go's recorder drops an event it cannot write (e.g. its namespace
            # is being deleted); recording must never break the component.
            return None
        self._by_key[key] = (namespace, created["metadata"]["name"])
        self._timeline.call_later(EVENT_TTL_MS, self._expire, key)
        return created

    def _expire(self, key: tuple) -> None:
        ref = self._by_key.get(key)
        event = self._api.find("Event", *ref) if ref else None
        if event is None:
            self._by_key.pop(key, None)
            return
        age_ms = self._timeline.now_ms - parse_rfc3339(event["lastTimestamp"])
        if age_ms >= EVENT_TTL_MS:
            self._by_key.pop(key, None)
            self._api.delete("Event", *ref)
        else:
            self._timeline.call_later(EVENT_TTL_MS - age_ms, self._expire, key)
