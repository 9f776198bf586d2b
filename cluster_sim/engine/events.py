"""Events, written as components write them through client-go's two recorders.

Most components use the core/v1 EventRecorder (tools/record): see event_correlator.py for
how repeats are counted, similar events combined and floods throttled. kube-scheduler uses
the events.k8s.io/v1 recorder (tools/events, `eventf` here): see event_series.py. Read back
as core/v1 Events, the two look different: the newer ones carry eventTime, action,
reportingComponent/reportingInstance and a series, with no source, firstTimestamp,
lastTimestamp or count (pkg/apis/events/v1 conversion: deprecatedSource, deprecated*Timestamp
and deprecatedCount are what those core fields hold, and the new recorder leaves them empty).

Events expire an hour after their last write (kube-apiserver --event-ttl: every create or
update of an event renews its etcd lease).
"""

import copy

from .errors import ApiError
from .event_correlator import EventCorrelator
from .event_series import EventSeries
from .timefmt import EPOCH, HOUR, parse_rfc3339, rfc3339, rfc3339_micro
from .timeline import Timeline

EVENT_TTL_MS = 1 * HOUR
EPOCH_UNIX_MS = int(EPOCH.timestamp() * 1000)

NORMAL = "Normal"
WARNING = "Warning"
_REFERENCE_FIELDS = (
    "apiVersion",
    "kind",
    "namespace",
    "name",
    "uid",
    "resourceVersion",
    "fieldPath",
)


def object_reference(obj: dict, field_path: str | None = None) -> dict:
    """reference.GetReference: the involvedObject (regarding) of an event about obj, with the
    resourceVersion the component saw."""
    meta = obj["metadata"]
    ref = {
        "apiVersion": obj.get("apiVersion", "v1"),
        "kind": obj["kind"],
        "name": meta["name"],
        "uid": meta.get("uid", meta["name"]),
    }
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    if field_path:
        ref["fieldPath"] = field_path
    if meta.get("resourceVersion"):
        ref["resourceVersion"] = meta["resourceVersion"]
    return ref


class EventRecorder:
    def __init__(self, api, timeline: Timeline):
        self._api = api
        self._timeline = timeline
        self._correlator = EventCorrelator()
        self._series = EventSeries(timeline, self._create_v1, self._patch_series)
        self._sequence = 0
        # events.k8s.io events: (namespace, name) -> when last written
        self._written: dict[tuple[str, str], int] = {}

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
        """tools/record's EventRecorder.Event, with the EventCorrelator in front."""
        meta = obj["metadata"]
        namespace = meta.get("namespace") or "default"
        uid = meta.get("uid", meta["name"])
        api_version = obj.get("apiVersion", "v1")
        source = (component, host or "", obj["kind"], namespace, meta["name"], uid, api_version)
        event_key = (*source, field_path or "", event_type, reason, message)
        aggregate_key = (*source, event_type, reason)
        now = self._timeline.now_ms
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
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": self._event_name(meta["name"]), "namespace": namespace},
            "involvedObject": object_reference(obj, field_path),
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
        created = self._create(event, decision.cache_key)
        if created is not None:
            observed.name = created["metadata"]["name"]
        return created

    def eventf(
        self,
        regarding: dict,
        event_type: str,
        reason: str,
        action: str,
        note: str,
        *,
        controller: str,
        instance: str,
    ) -> dict | None:
        """tools/events' EventRecorder.Eventf (regarding = object_reference(obj), no related
        object). Returns the event written, None when the repeat was only counted."""
        namespace = regarding.get("namespace") or "default"
        key = (
            event_type,
            action,
            reason,
            controller,
            instance,
            *(regarding.get(field, "") for field in _REFERENCE_FIELDS),
        )

        def build() -> dict:
            return {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": self._event_name(regarding["name"]), "namespace": namespace},
                "involvedObject": dict(regarding),
                "reason": reason,
                "message": note,
                "type": event_type,
                "source": {},
                "firstTimestamp": None,
                "lastTimestamp": None,
                "eventTime": rfc3339_micro(self._timeline.now_ms),
                "action": action,
                "reportingComponent": controller,
                "reportingInstance": instance,
            }

        return self._series.record(key, build)

    def restarted(self, component: str, host: str) -> None:
        """A component's process restarted (a kubelet after its node's reboot): its
        recorder's correlator caches are gone with the old process."""
        self._correlator.forget_source(component, host)

    def _event_name(self, object_name: str) -> str:
        """Upstream names events "<object>.<unix nanoseconds in hex>"."""
        self._sequence += 1
        stamp = (self._timeline.now_ms + EPOCH_UNIX_MS) * 1_000_000 + self._sequence
        return f"{object_name}.{stamp:x}"

    def _create_v1(self, event: dict) -> dict | None:
        return self._written_now(self._create(event, None))

    def _patch_series(self, event: dict, series: dict) -> dict | None:
        """recordEvent for a series: a PATCH of `series`; if the event is gone (expired or
        deleted), the recorder's copy is created again under the same name."""
        meta = event["metadata"]
        existing = self._api.find("Event", meta["namespace"], meta["name"])
        if existing is not None:
            existing["series"] = series
            return self._written_now(self._api.touch(existing))
        body = {key: value for key, value in event.items() if key != "metadata"}
        body["metadata"] = {"name": meta["name"], "namespace": meta["namespace"]}
        body["series"] = series
        return self._written_now(self._create(copy.deepcopy(body), None))

    def _written_now(self, event: dict | None) -> dict | None:
        """Remember when an events.k8s.io event was last written (a core/v1 one says so in
        its lastTimestamp)."""
        if event is not None:
            meta = event["metadata"]
            self._written[(meta["namespace"], meta["name"])] = self._timeline.now_ms
        return event

    def _create(self, event: dict, cache_key: tuple | None) -> dict | None:
        try:
            created = self._api.create(event)
        except ApiError:
            # client-go's recorders drop an event they cannot write (e.g. its namespace
            # is being deleted); recording must never break the component.
            return None
        meta = created["metadata"]
        self._timeline.call_later(
            EVENT_TTL_MS, self._expire, meta["namespace"], meta["name"], cache_key
        )
        return created

    def _expire(self, namespace: str, name: str, cache_key: tuple | None) -> None:
        """kube-apiserver --event-ttl: an event goes an hour after its last write."""
        event = self._api.find("Event", namespace, name)
        if event is None:
            self._written.pop((namespace, name), None)
            return
        written = self._written.get((namespace, name))
        if written is None:
            written = parse_rfc3339(event["lastTimestamp"])
        age_ms = self._timeline.now_ms - written
        if age_ms >= EVENT_TTL_MS:
            if cache_key is not None:
                self._correlator.forget(cache_key)
            self._written.pop((namespace, name), None)
            self._api.delete("Event", namespace, name)
        else:
            self._timeline.call_later(
                EVENT_TTL_MS - age_ms, self._expire, namespace, name, cache_key
            )
