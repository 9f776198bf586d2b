"""The playground page as fragments, and after each step only the fragments that changed.

Every fragment has a stable DOM id. `full()` renders the whole view (for the page and
for a socket that just connected) and remembers each fragment's HTML; `delta()` asks
the engine which objects changed since the last call, re-renders only those fragments,
and returns htmx out-of-band swaps for the ones whose HTML differs. One delta is
rendered per step and sent to every viewer, so the cost of a step grows with what
changed, not with the cluster or the number of viewers.

Convention: a fragment template starts with its element and `id` as the first attribute
(`<li id="…"`), so `_oob()` can mark it for an out-of-band swap by string insertion.
"""

from collections import deque
from dataclasses import dataclass, field

from django.template.loader import get_template

from cluster_sim.engine.kubectl.printers import timestamp_ms

from .cards import clock_text, dom_id, event_card, node_card, pod_card
from .workload_cards import HEADINGS, WORKLOAD_KINDS, traffic_card, workload_card

COMPACT_NODE_THRESHOLD = 60  # beyond this many nodes the heat-map grid replaces the cards
MAX_EVENTS = 60  # the events stream keeps the newest this many
MAX_LANE_PODS = 50  # Pending pods drawn in the Unscheduled lane (the rest are counted)
UNSCHEDULED = "pods-unscheduled"

_TEMPLATES = {
    name: f"playground/partials/{name}.html"
    for name in (
        "pod",
        "node",
        "node_head",
        "node_cell",
        "event",
        "workload",
        "clock",
        "summary",
        "lane_more",
        "traffic_stats",
    )
}


def _render(name: str, context: dict) -> str:
    return get_template(_TEMPLATES[name]).render(context).strip()


def _oob(html: str) -> str:
    return html.replace(' id="', ' hx-swap-oob="true" id="', 1)


def _delete(fragment_id: str) -> str:
    return f'<div id="{fragment_id}" hx-swap-oob="delete"></div>'


def _insert(where: str, container_id: str, html: str) -> str:
    return f'<div hx-swap-oob="{where}:#{container_id}">{html}</div>'


@dataclass
class Controls:
    """The runner's state the toolbar shows (not part of the cluster)."""

    speed: int = 1
    paused: bool = False


@dataclass
class PlaygroundView:
    cluster: object
    controls: Controls = field(default_factory=Controls)
    compact: bool = False
    _sent: dict[str, str] = field(default_factory=dict)  # fragment id -> HTML last sent
    _slot: dict[str, str] = field(default_factory=dict)  # pod fragment -> its container id
    _pod_state: dict[str, str] = field(default_factory=dict)  # pod fragment -> status class
    _pod_node: dict[str, str] = field(default_factory=dict)  # pod fragment -> node name
    _events: deque = field(default_factory=deque)  # event fragment ids, oldest first
    _pod_ids: dict[tuple[str, str], str] = field(default_factory=dict)  # (ns, name) -> fragment
    _hidden: dict[str, tuple[str, str]] = field(default_factory=dict)  # lane pods not drawn
    _tracked: bool = False  # full() has run: later full views keep what viewers show
    _rv: int = 0
    version: int = 0  # bumped by every full() and every non-empty delta(): see fanout.py
    clock_only: bool = False  # the last delta() carried the clock and nothing else
    _clock_key: tuple | None = None  # what the clock fragment last drawn showed
    _traffic_shown: dict = field(default_factory=dict)  # fragment -> traffic card drawn
    _traffic_target: dict = field(default_factory=dict)  # fragment -> slider rate drawn
    _powered: dict[str, bool] = field(default_factory=dict)  # node -> switched on, as drawn
    _with_traffic: set = field(default_factory=set)  # (namespace, service) with a flow last step

    # --- the whole view ------------------------------------------------------------------
    def full(self, fresh: bool = False) -> dict[str, str]:
        """Every region's HTML, keyed by region id, and what later deltas compare to.

        The Unscheduled lane and the events stream show subsets (the first 50 Pending pods,
        the newest 60 events) that grow by arrival. Unless `fresh`, a full view keeps the
        subsets the page's other viewers show, so one update fits all of them; call it right
        after a delta() so that those viewers are up to date.
        """
        cluster, store = self.cluster, self.cluster.store
        keep = not fresh and self._tracked
        keep_lane = {f for f, slot in self._slot.items() if slot == UNSCHEDULED} if keep else None
        keep_events = (
            [(f, self._sent[f]) for f in self._events if f in self._sent] if keep else None
        )
        self._tracked = True
        self._sent.clear()
        self._slot.clear()
        self._pod_state.clear()
        self._pod_node.clear()
        self._events.clear()
        self._pod_ids.clear()
        self._traffic_shown.clear()
        self._traffic_target.clear()
        self._clock_key = None
        self.version += 1
        self._rv = cluster.resource_version
        nodes = sorted(store.list("Node"), key=lambda n: n["metadata"]["name"])
        self.compact = len(nodes) > COMPACT_NODE_THRESHOLD
        node_names = {n["metadata"]["name"] for n in nodes}
        self._powered = {name: cluster.node_powered(name) for name in node_names}

        pods_by_slot: dict[str, list[dict]] = {}
        for pod in store.list("Pod"):
            card = self._pod_card(pod, node_names)
            slot = self._slot_of(pod, node_names)
            self._pod_state[card["id"]] = card["status_class"]
            self._pod_node[card["id"]] = pod["spec"].get("nodeName") or ""
            self._pod_ids[(card["namespace"], card["name"])] = card["id"]
            if self.compact and slot != UNSCHEDULED:
                continue
            pods_by_slot.setdefault(slot, []).append(card)

        node_html = []
        for node in nodes:
            card = node_card(cluster, node)
            if self.compact:
                html = _render("node_cell", {"node": card})
            else:
                pods = sorted(pods_by_slot.get(card["pods_id"], ()), key=lambda c: c["sort_key"])
                pod_html = [self._remember_pod(p, card["pods_id"]) for p in pods]
                head = _render("node_head", {"node": card})
                self._sent[dom_id("node", card["name"]) + "-head"] = head
                html = _render("node", {"node": card, "head": head, "pods": pod_html})
            self._sent[card["id"]] = html
            node_html.append(html)

        lane = sorted(pods_by_slot.get(UNSCHEDULED, ()), key=lambda c: c["sort_key"])
        if keep_lane is not None:
            shown = [card for card in lane if card["id"] in keep_lane]
        else:
            shown = lane[:MAX_LANE_PODS]
        shown_ids = {card["id"] for card in shown}
        self._hidden = {
            c["id"]: (c["namespace"], c["name"]) for c in lane if c["id"] not in shown_ids
        }
        lane_html = [self._remember_pod(p, UNSCHEDULED) for p in shown]
        lane_more = self._remember("lane-more", _render("lane_more", {"hidden": len(self._hidden)}))

        event_html = []
        if keep_events is not None:
            for fragment, html in keep_events:
                self._events.append(fragment)
                event_html.append(self._remember(fragment, html))
            event_html.reverse()  # newest first
        else:
            for event in reversed(sorted(store.list("Event"), key=_event_order)[-MAX_EVENTS:]):
                card = event_card(event)
                self._events.appendleft(card["id"])
                event_html.append(self._remember(card["id"], _render("event", {"event": card})))

        workloads = []
        for kind, resource in WORKLOAD_KINDS.items():
            rows = []
            for obj in sorted(store.list(kind), key=_namespaced_name):
                card = self._workload_card(obj)
                self._remember_traffic(card)
                rows.append(self._remember(card["id"], _render("workload", {"w": card})))
            workloads.append({"resource": resource, "heading": HEADINGS[resource], "rows": rows})

        return {
            "nodes": "\n".join(node_html),
            "unscheduled": "\n".join(lane_html),
            "lane_more": lane_more,
            "events": "\n".join(event_html),
            "workloads": workloads,
            "clock": self._remember("sim-clock", self._clock_html()),
            "summary": self._remember("cluster-summary", self._summary_html()),
            "compact": self.compact,
        }

    # --- what changed ------------------------------------------------------------------------
    def delta(self) -> str:
        """Out-of-band swaps for what changed since the last full() or delta(); "" if nothing."""
        cluster, store = self.cluster, self.cluster.store
        changes = cluster.changes_since(self._rv)
        self._rv = cluster.resource_version
        if changes is None:
            return self.full_as_oob(fresh=True)
        # each object once, in the order it first changed
        touched = dict.fromkeys((kind, namespace, name) for _, _, kind, namespace, name in changes)
        # A node coming or going moves pods between regions: redraw everything (rare).
        if any(
            kind == "Node" and event_type != "MODIFIED" for _, event_type, kind, _, _ in changes
        ):
            return self.full_as_oob(fresh=True)

        out: list[str] = []
        nodes_to_refresh: set[str] = set()
        node_names = None
        new_events: dict[str, str] = {}  # fragment -> row, oldest first: inserted as one swap
        for kind, namespace, name in touched:
            if kind == "Node":
                nodes_to_refresh.add(name)
            elif kind == "Pod":
                if node_names is None:
                    node_names = {n["metadata"]["name"] for n in store.list("Node")}
                self._pod_changed(
                    store.get("Pod", namespace, name),
                    namespace,
                    name,
                    node_names,
                    out,
                    nodes_to_refresh,
                )
            elif kind == "Event":
                self._event_changed(store.get("Event", namespace, name), out, new_events)
            elif kind in WORKLOAD_KINDS:
                self._workload_changed(store.get(kind, namespace, name), kind, namespace, name, out)
        if any(kind == "Pod" for kind, _, _ in touched):
            self._promote_hidden(node_names or self._node_names(), out)
        if new_events:
            rows = "".join(reversed(new_events.values()))  # newest on top
            out.append(_insert("afterbegin", "events-list", rows))
        nodes_to_refresh.update(self._power_changed())
        for name in sorted(nodes_to_refresh):
            self._node_changed(name, out)
        self._traffic_changed(out)
        if any(k == "Pod" or k == "Node" for k, _, _ in touched):
            self._update("cluster-summary", self._summary_html(), out)
        others = len(out)
        clock_key = self._clock_state()
        if clock_key != self._clock_key:
            self._clock_key = clock_key
            self._update("sim-clock", self._clock_html(), out)
        self.clock_only = others == 0 and len(out) == 1
        if out:
            self.version += 1
        return "".join(out)

    def forget_clock(self) -> None:
        """The last clock update was not sent: send the clock with the next delta."""
        self._clock_key = None
        self._sent.pop("sim-clock", None)

    def full_as_oob(self, fresh: bool = False) -> str:
        """The whole view as swaps of its regions: what a reconnecting socket receives."""
        regions = self.full(fresh)
        nodes_class = "nodes compact" if regions["compact"] else "nodes"
        parts = [
            f'<div id="nodes" class="{nodes_class}" hx-swap-oob="true">{regions["nodes"]}</div>',
            f'<div id="{UNSCHEDULED}" class="lane-pods" hx-swap-oob="true">{regions["unscheduled"]}</div>',
            _oob(regions["lane_more"]),
            f'<ol id="events-list" class="events" hx-swap-oob="true">{regions["events"]}</ol>',
            _oob(regions["clock"]),
            _oob(regions["summary"]),
        ]
        for group in regions["workloads"]:
            rows = "".join(group["rows"])
            parts.append(
                f'<ul id="wl-{group["resource"]}s" class="workload-list" hx-swap-oob="true">{rows}</ul>'
            )
        return "".join(parts)

    def set_controls(self, speed: int, paused: bool) -> None:
        self.controls = Controls(speed, paused)

    # --- pods --------------------------------------------------------------------------------
    def _slot_of(self, pod: dict, node_names) -> str:
        node = pod["spec"].get("nodeName")
        return dom_id("pods", node) if node and node in node_names else UNSCHEDULED

    def _remember_pod(self, card: dict, slot: str) -> str:
        self._slot[card["id"]] = slot
        return self._remember(card["id"], _render("pod", {"pod": card}))

    def _pod_changed(self, pod, namespace, name, node_names, out, nodes_to_refresh) -> None:
        if pod is None:  # deleted: find it by name among what we drew
            fragment = self._pod_ids.pop((namespace, name), None)
            if fragment is None:
                return
            nodes_to_refresh.add(self._pod_node.pop(fragment, ""))
            self._pod_state.pop(fragment, None)
            self._hidden.pop(fragment, None)
            self._undraw(fragment, out)
            return
        card = self._pod_card(pod, node_names)
        fragment = card["id"]
        self._pod_ids[(namespace, name)] = fragment
        node = pod["spec"].get("nodeName") or ""
        old_node = self._pod_node.get(fragment)
        # the node's counts may change with the pod (a finished pod stops counting): the
        # head is re-rendered, and sent only if it differs
        nodes_to_refresh.update(n for n in (old_node, node) if n)
        self._pod_node[fragment] = node
        self._pod_state[fragment] = card["status_class"]
        slot = self._slot_of(pod, node_names)
        if slot != UNSCHEDULED:
            self._hidden.pop(fragment, None)
        if self.compact and slot != UNSCHEDULED:
            self._undraw(fragment, out)
            return
        old_slot = self._slot.get(fragment)
        if old_slot == slot:
            self._update(fragment, _render("pod", {"pod": card}), out)
            return
        if slot == UNSCHEDULED and (fragment in self._hidden or self._lane_full()):
            self._undraw(fragment, out)
            self._hidden[fragment] = (namespace, name)  # counted in "and N more"
            return
        self._undraw(fragment, out)
        self._draw(card, slot, out)

    def _pod_card(self, pod: dict, node_names) -> dict:
        card = pod_card(self.cluster.store, pod, self.cluster.now_ms)
        node = pod["spec"].get("nodeName")
        if node and node not in node_names:  # bound to a node that was removed
            card["status_class"] = "unknown"
            card["reason"] = (
                f"bound to node {node}, which no longer exists; "
                "the pod garbage collector deletes this pod"
            )
        return card

    def _node_names(self) -> set[str]:
        return {n["metadata"]["name"] for n in self.cluster.store.list("Node")}

    def _draw(self, card: dict, slot: str, out: list[str]) -> None:
        html = _render("pod", {"pod": card})
        self._slot[card["id"]] = slot
        self._sent[card["id"]] = html
        out.append(_insert("beforeend", slot, html))

    def _undraw(self, fragment: str, out: list[str]) -> None:
        if self._slot.pop(fragment, None) is not None:
            self._sent.pop(fragment, None)
            out.append(_delete(fragment))

    def _lane_full(self) -> bool:
        return sum(1 for slot in self._slot.values() if slot == UNSCHEDULED) >= MAX_LANE_PODS

    def _promote_hidden(self, node_names, out: list[str]) -> None:
        """Room in the lane again: draw Pending pods that only the "and N more" counted."""
        store = self.cluster.store
        for fragment, (namespace, name) in sorted(self._hidden.items(), key=lambda kv: kv[1]):
            if self._lane_full():
                break
            pod = store.get("Pod", namespace, name)
            del self._hidden[fragment]
            if pod is not None and self._slot_of(pod, node_names) == UNSCHEDULED:
                self._draw(self._pod_card(pod, node_names), UNSCHEDULED, out)
        self._update("lane-more", _render("lane_more", {"hidden": len(self._hidden)}), out)

    # --- nodes -------------------------------------------------------------------------------
    def _node_changed(self, name: str, out: list[str]) -> None:
        """Redraw a drawn node's card head (or grid cell). Nodes coming or going redraw the
        whole view (see delta), so a node not drawn here is one a pod still names after the
        node was removed: nothing to draw."""
        node = self.cluster.store.get("Node", "", name) if name else None
        fragment = dom_id("node", name)
        if node is None or fragment not in self._sent:
            return
        card = node_card(self.cluster, node)
        if self.compact:
            self._update(fragment, _render("node_cell", {"node": card}), out)
        else:
            self._update(fragment + "-head", _render("node_head", {"node": card}), out)

    # --- events and workloads ------------------------------------------------------------------
    def _event_changed(self, event, out: list[str], new_rows: dict[str, str]) -> None:
        """A new or updated event goes to the top (as `kubectl get events -w` prints it
        again); rows in `new_rows` are inserted by the caller, all in one swap."""
        if event is None:
            return  # expired events stay in the stream until pushed out by newer ones
        card = event_card(event)
        fragment = card["id"]
        html = _render("event", {"event": card})
        if self._sent.get(fragment) == html:
            return
        if fragment in self._sent:
            self._events.remove(fragment)
            if new_rows.pop(fragment, None) is None:  # drawn already: remove it first
                out.append(_delete(fragment))
        self._sent[fragment] = html
        self._events.append(fragment)
        new_rows[fragment] = html
        while len(self._events) > MAX_EVENTS:
            oldest = self._events.popleft()
            self._sent.pop(oldest, None)
            if new_rows.pop(oldest, None) is None:
                out.append(_delete(oldest))

    def _workload_card(self, obj: dict) -> dict:
        traffic = None
        if obj["kind"] == "Service":
            key = (obj["metadata"]["namespace"], obj["metadata"]["name"])
            flow = self.cluster.traffic.flows.get(key)
            if flow is not None:
                traffic = traffic_card(self.cluster.traffic.service_stats(flow))
                traffic["target"] = round(flow.shape.rps)  # what the slider was set to
        return workload_card(obj, traffic)

    def _workload_changed(self, obj, kind, namespace, name, out: list[str]) -> None:
        resource = WORKLOAD_KINDS[kind]
        fragment = dom_id("wl", resource, namespace, name)
        if obj is None:
            if self._sent.pop(fragment, None) is not None:
                out.append(_delete(fragment))
            return
        card = self._workload_card(obj)
        self._remember_traffic(card)
        html = _render("workload", {"w": card})
        if fragment in self._sent:
            self._update(fragment, html, out)
        else:
            self._sent[fragment] = html
            out.append(_insert("beforeend", f"wl-{resource}s", html))

    def _power_changed(self) -> list[str]:
        """Nodes switched off or on by `sim node kill/restore`: not an API change (the
        control plane finds out later), but the card says so at once."""
        changed = []
        for name, powered in self._powered.items():
            now = self.cluster.node_powered(name)
            if now != powered:
                self._powered[name] = now
                changed.append(name)
        return changed

    def _traffic_changed(self, out: list[str]) -> None:
        """Traffic figures are not API objects: refresh each Service's that has (or had) a flow."""
        flows = self.cluster.traffic.flows
        for namespace, name in sorted(set(flows) | self._with_traffic):
            service = self.cluster.store.get("Service", namespace, name)
            fragment = dom_id("wl", "service", namespace, name)
            if service is None or fragment not in self._sent:
                continue
            card = self._workload_card(service)
            target = (card.get("traffic") or {}).get("target", 0)
            if self._traffic_target.get(fragment, 0) != target:
                # set from the console or another tab: the row's slider shows the new rate
                self._traffic_target[fragment] = target
                self._workload_changed(service, "Service", namespace, name, out)
                continue
            if self._traffic_shown.get(fragment, 0) == card.get("traffic"):
                continue  # same figures: skip rendering them to compare strings
            self._traffic_shown[fragment] = card.get("traffic")
            self._update(fragment + "-traffic", _render("traffic_stats", {"w": card}), out)
        self._with_traffic = set(flows)

    def _remember_traffic(self, card: dict) -> None:
        if card["kind"] == "Service" and card.get("has_selector"):
            self._sent[card["id"] + "-traffic"] = _render("traffic_stats", {"w": card})
            self._traffic_target[card["id"]] = (card.get("traffic") or {}).get("target", 0)
            self._traffic_shown[card["id"]] = card.get("traffic")

    # --- small regions -------------------------------------------------------------------------
    def _clock_state(self) -> tuple:
        return (
            clock_text(self.cluster.now_ms),
            self.controls.speed,
            self.controls.paused,
            self.cluster.profile.name,
        )

    def _clock_html(self) -> str:
        return _render(
            "clock",
            {
                "clock": clock_text(self.cluster.now_ms),
                "controls": self.controls,
                "profile": self.cluster.profile.name,
            },
        )

    def _summary_html(self) -> str:
        states = list(self._pod_state.values())
        nodes = self.cluster.store.list("Node")
        ready = sum(1 for n in nodes if node_card_ready(n))
        return _render(
            "summary",
            {
                "nodes": len(nodes),
                "ready": ready,
                "pods": len(states),
                "running": states.count("running"),
                "pending": states.count("pending"),
                "failed": states.count("failed"),
                "completed": states.count("completed"),
                "compact": self.compact,
                "heat_steps": range(10),
            },
        )

    def _remember(self, fragment: str, html: str) -> str:
        self._sent[fragment] = html
        return html

    def _update(self, fragment: str, html: str, out: list[str]) -> None:
        if self._sent.get(fragment) != html:
            self._sent[fragment] = html
            out.append(_oob(html))


def node_card_ready(node: dict) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (node.get("status") or {}).get("conditions") or ()
    )


def _event_order(event: dict) -> tuple[int, int]:
    """When it last happened, then the order the API server stored it."""
    last = (
        (event.get("series") or {}).get("lastObservedTime")
        or event.get("lastTimestamp")
        or event.get("eventTime")
    )
    return timestamp_ms(last) or 0, int(event["metadata"].get("resourceVersion") or 0)


def _namespaced_name(obj: dict) -> tuple[str, str]:
    return obj["metadata"]["namespace"], obj["metadata"]["name"]
