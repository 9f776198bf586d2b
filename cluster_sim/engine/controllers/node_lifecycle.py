"""The node lifecycle controller and taint-based eviction (pkg/controller/nodelifecycle, tainteviction).

A kubelet renews its node's lease every 10 s. When renewals stop, the
controller notices on its next monitor pass after the 50 s grace period: the
node's conditions go Unknown, it gets the `node.kubernetes.io/unreachable`
NoExecute and NoSchedule taints, its pods are marked not Ready, and pods that do
not tolerate the taint are evicted (deleted) after their tolerationSeconds,
300 s by default. Heartbeats are computed rather than sent one by one (see
nodes.Heartbeats), so an idle cluster of any size costs nothing per tick.
"""

from .. import podutil
from ..events import NORMAL, WARNING
from ..nodes import Heartbeats, node_condition
from ..scheduler.plugins import tolerates_taint
from ..timefmt import SECOND, parse_rfc3339, rfc3339
from .base import Controller

UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"
COMPONENT = "node-controller"
EVICTION_COMPONENT = "taint-eviction-controller"


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"

    def __init__(self, ctx, kubelets):
        super().__init__(ctx)
        self.kubelets = kubelets
        self._eviction_timers: dict[str, object] = {}
        self._known: dict[str, str] = {}  # knownNodeSet: node name -> uid
        self._pass_due: int | None = None
        ctx.store.watch("Node", self._on_node)

    def _on_node(self, event_type: str, node: dict) -> None:
        if event_type in ("ADDED", "DELETED"):
            self._monitor_pass_soon()
        if event_type == "DELETED":
            return
        self.enqueue(node["metadata"]["name"])

    # new and deleted nodes --------------------------------------------------

    def _monitor_pass_soon(self) -> None:
        """monitorNodeHealth runs every --node-monitor-period; only there does the controller
        classify the nodes it lists as new or gone. The simulation runs that part of the
        pass only when a node came or went."""
        period = self.ctx.profile.node_monitor_period_ms
        due = (self.ctx.now_ms // period + 1) * period
        if self._pass_due is not None and self._pass_due <= due:
            return
        self._pass_due = due
        self.ctx.timeline.call_at(due, self._classify_nodes)

    def _classify_nodes(self) -> None:
        """classifyNodes: a node not in knownNodeSet gets RegisteredNode (once, when the
        controller first sees it: a node that powers off and on stays known), one no longer
        listed gets RemovingNode (pkg/controller/nodelifecycle, controllerutil.RecordNodeEvent:
        "Node <name> event: <message>")."""
        self._pass_due = None
        nodes = {n["metadata"]["name"]: n for n in self.ctx.store.list("Node")}
        for name, node in nodes.items():
            if name not in self._known:
                self._known[name] = node["metadata"]["uid"]
                self._node_event(node, "RegisteredNode", f"Registered Node {name} in Controller")
        for name in [n for n in self._known if n not in nodes]:
            ref = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}}
            ref["metadata"]["uid"] = self._known.pop(name)
            self._node_event(ref, "RemovingNode", f"Removing Node {name} from Controller")

    def _node_event(self, node: dict, reason: str, message: str) -> None:
        name = node["metadata"]["name"]
        self.ctx.events.record(
            node, NORMAL, reason, f"Node {name} event: {message}", component=COMPONENT
        )

    # heartbeats ------------------------------------------------------------

    def kubelet_stopped(self, node_name: str, heartbeats: Heartbeats) -> None:
        """Work out when the controller will notice, and look then."""
        profile = self.ctx.profile
        last_renewal = heartbeats.lease_renewed_ms(self.ctx.now_ms, profile.lease_renew_ms)
        deadline = last_renewal + profile.node_monitor_grace_ms
        period = profile.node_monitor_period_ms
        noticed = ((deadline // period) + 1) * period
        self.ctx.timeline.call_at(noticed, self._check_unreachable, node_name, heartbeats)

    def _check_unreachable(self, node_name: str, heartbeats: Heartbeats) -> None:
        kubelet = self.kubelets.get(node_name)
        node = self.ctx.store.get("Node", "", node_name)
        if node is None or kubelet is None or kubelet.powered:
            return
        if heartbeats is not kubelet.heartbeats:
            return  # the kubelet came back and stopped again since: that stop has its own check
        now = self.ctx.now_ms
        # tryUpdateNodeHealth keeps each condition's lastHeartbeatTime: the kubelet's last
        # status post, which may be minutes before it stopped (it reports every 5 min when
        # nothing changes); only the Lease is renewed every 10 s.
        # https://kubernetes.io/docs/concepts/architecture/nodes/#heartbeats
        heartbeat = rfc3339(heartbeats.status_reported_ms(now))
        for item in node["status"].get("conditions") or ():
            if item["status"] != "Unknown":
                item["status"] = "Unknown"
                item["reason"] = "NodeStatusUnknown"
                item["message"] = "Kubelet stopped posting node status."
                item["lastTransitionTime"] = rfc3339(now)
            item["lastHeartbeatTime"] = heartbeat
        taints = [
            t for t in node["spec"].get("taints") or () if t["key"] not in (UNREACHABLE, NOT_READY)
        ]
        taints.append({"effect": "NoSchedule", "key": UNREACHABLE, "timeAdded": rfc3339(now)})
        taints.append({"effect": "NoExecute", "key": UNREACHABLE, "timeAdded": rfc3339(now)})
        node["spec"]["taints"] = taints
        self.ctx.api.touch(node)
        self.ctx.events.record(
            node,
            NORMAL,
            "NodeNotReady",
            f"Node {node_name} status is now: NodeNotReady",
            component=COMPONENT,
        )
        for pod in self._pods_on(node_name):
            self._mark_pod_not_ready(pod)
        self._schedule_evictions(node)

    def kubelet_ready(self, node_name: str) -> None:
        """A (re)started kubelet posts Ready; on its next pass the controller lifts the taints
        (processTaintBaseEviction: markNodeAsReachable)."""
        node = self.ctx.store.get("Node", "", node_name)
        if node is None:
            return
        was_unknown = any(t["key"] == UNREACHABLE for t in node["spec"].get("taints") or ())
        if not was_unknown:
            return
        node["spec"]["taints"] = [
            t for t in node["spec"].get("taints") or () if t["key"] not in (UNREACHABLE, NOT_READY)
        ] or None
        if node["spec"]["taints"] is None:
            del node["spec"]["taints"]
        self.ctx.api.touch(node)
        # No event here: NodeReady is the kubelet's, recorded when its status post turned
        # Ready True again (see Cluster._node_boot_events); the controller records only
        # NodeNotReady (monitorNodeHealth, RecordNodeStatusChange).
        for pod_name, timer in list(self._eviction_timers.items()):
            if pod_name.startswith(f"{node_name}/"):
                timer.cancel()
                del self._eviction_timers[pod_name]

    # eviction --------------------------------------------------------------

    def reconcile(self, node_name) -> None:
        node = self.ctx.store.get("Node", "", node_name)
        if node is not None and any(
            t.get("effect") == "NoExecute" for t in node["spec"].get("taints") or ()
        ):
            self._schedule_evictions(node)

    def _schedule_evictions(self, node: dict) -> None:
        node_name = node["metadata"]["name"]
        now = self.ctx.now_ms
        taints = [t for t in node["spec"].get("taints") or () if t.get("effect") == "NoExecute"]
        for pod in self._pods_on(node_name):
            if podutil.is_terminating(pod):
                continue
            key = f"{node_name}/{pod['metadata']['namespace']}/{pod['metadata']['name']}"
            if key in self._eviction_timers:
                continue
            delay = self._eviction_delay(pod, taints, now)
            if delay is None:
                continue
            self._eviction_timers[key] = self.ctx.timeline.call_later(
                delay, self._evict, key, pod["metadata"]["uid"]
            )

    @staticmethod
    def _eviction_delay(pod: dict, taints: list[dict], now: int) -> int | None:
        """None if every taint is tolerated forever; else ms until the pod must go."""
        delay = None
        for taint in taints:
            matching = [
                t
                for t in pod["spec"].get("tolerations") or ()
                if tolerates_taint({"spec": {"tolerations": [t]}}, taint)
            ]
            if not matching:
                return 0
            seconds = [t.get("tolerationSeconds") for t in matching]
            if any(s is None for s in seconds):
                continue
            added = parse_rfc3339(taint["timeAdded"]) if taint.get("timeAdded") else now
            due = added + min(seconds) * SECOND - now
            delay = due if delay is None else min(delay, due)
        return None if delay is None else max(delay, 0)

    def _evict(self, key: str, uid: str) -> None:
        self._eviction_timers.pop(key, None)
        _, namespace, name = key.split("/", 2)
        pod = self.ctx.store.get("Pod", namespace, name)
        if pod is None or pod["metadata"]["uid"] != uid or podutil.is_terminating(pod):
            return
        self.ctx.events.record(
            pod,
            NORMAL,
            "TaintManagerEviction",
            f"Marking for deletion Pod {namespace}/{name}",
            component=EVICTION_COMPONENT,
        )
        self.ctx.api.delete("Pod", namespace, name)

    # helpers ---------------------------------------------------------------

    def _pods_on(self, node_name: str) -> list[dict]:
        kubelet = self.kubelets.get(node_name)
        if kubelet is None:
            return []
        return [
            pod for pod in self.ctx.store.list("Pod") if pod["spec"].get("nodeName") == node_name
        ]

    def _mark_pod_not_ready(self, pod: dict) -> None:
        now = self.ctx.now_ms
        changed = podutil.set_condition(pod, "Ready", "False", now)
        for status in pod["status"].get("containerStatuses") or ():
            status["ready"] = False
        if changed:
            self.ctx.api.touch(pod)
            self.ctx.events.record(
                pod, WARNING, "NodeNotReady", "Node is not ready", component=COMPONENT
            )


__all__ = ["NodeLifecycleController", "node_condition"]
