"""Events, written as components write them through client-go's EventRecorder.

See event_correlator.py for how repeats are counted, similar events combined and
floods throttled. Events expire an hour after their last update (kube-apiserver
--event-ttl).
"""

from .errors import ApiError
from .event_correlator import EventCorrelator
from .timefmt import EPOCH, HOUR, parse_rfc3339, rfc3339
from .timeline import Timeline

EVENT_TTL_MS = 1 * HOUR
EPOCH_UNIX_MS = int(EPOCH.timestamp() * 1000)
# kube-scheduler writes through the events.k8s.io API (EventSeries), which has no
# spam filter or message aggregation; repeats still become a count.
UNTHROTTLED_COMPONENTS = ("default-scheduler",)

NORMAL = "Normal"
WARNING = "Warning"


class EventRecorder:
    def __init__(self, api, timeline: Timeline):
        self._api = api
        self._timeline = timeline
        self._correlator = EventCorrelator()
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
        uid = meta.get("uid", meta["name"])
        api_version = obj.get("apiVersion", "v1")
        source = (component, host or "", obj["kind"], namespace, meta["name"], uid, api_version)
        event_key = (*source, field_path or "", event_type, reason, message)
        aggregate_key = (*source, event_type, reason)
        now = self._timeline.now_ms
        if component in UNTHROTTLED_COMPONENTS:
            decision = self._correlator.observe(event_key, message, now)
        else:
            decision = self._correlator.correlate(event_key, aggregate_key, source, message, now)
        if not decision.write:
            return None
        observed = decision.observed
        existing = (
            self._api.find("Event", namespace, observed.name) if observed.name is not None else None
        )
        if existing is not None:
            existing["count"] = observed.count
            existing["lastTimestamp"] = rfc3339(now)
            existing["message"] = decision.message
            return self._api.touch(existing)
        involved = {
            "apiVersion": api_version,
            "kind": obj["kind"],
            "name": meta["name"],
            "uid": uid,
        }
        if meta.get("namespace"):
            involved["namespace"] = meta["namespace"]
        if field_path:
            involved["fieldPath"] = field_path
        if meta.get("resourceVersion"):
            involved["resourceVersion"] = meta["resourceVersion"]
        self._sequence += 1
        # Upstream names events "<object>.<unix nanoseconds in hex>".
        stamp = (now + EPOCH_UNIX_MS) * 1_000_000 + self._sequence
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": f"{meta['name']}.{stamp:x}", "namespace": namespace},
            "involvedObject": involved,
            "reason": reason,
            "message": decision.message,
            "type": event_type,
            "source": {"component": component, "host": host} if host else {"component": component},
            "firstTimestamp": rfc3339(observed.first_ms),
            "lastTimestamp": rfc3339(now),
            "count": observed.count,
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
        observed.name = created["metadata"]["name"]
        self._timeline.call_later(
            EVENT_TTL_MS, self._expire, namespace, observed.name, decision.cache_key
        )
        return created

    def restarted(self, component: str, host: str) -> None:
        """A component's process restarted (a kubelet after its node's reboot): its
        recorder's correlator caches are gone with the old process."""
        self._correlator.forget_source(component, host)

    def _expire(self, namespace: str, name: str, cache_key: tuple) -> None:
        """kube-apiserver --event-ttl: an event goes an hour after its last update."""
        event = self._api.find("Event", namespace, name)
        if event is None:
            return
        age_ms = self._timeline.now_ms - parse_rfc3339(event["lastTimestamp"])
        if age_ms >= EVENT_TTL_MS:
            self._correlator.forget(cache_key)
            self._api.delete("Event", namespace, name)
        else:
            self._timeline.call_later(
                EVENT_TTL_MS - age_ms, self._expire, namespace, name, cache_key
            )
