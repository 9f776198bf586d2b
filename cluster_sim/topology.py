"""The topology drawing: Services and Deployments -> ReplicaSets -> Pods -> Nodes, in columns.

Built from `cluster.graph()` (networkx; see engine/graph.py for its vertices and edge
relations) into a small, JSON-friendly dict of boxes and edges with coordinates, which
templates/playground/partials/topology.html renders as SVG plus a plain list of the same
links. Above AGGREGATE_ABOVE_PODS pods, pods are drawn one box per owner with a count, and
above MAX_NODES_SHOWN nodes (MAX_NODES_SHOWN_AGGREGATED once pods are grouped, so the
groups' links stay few) the least busy nodes share one box; the dict says so.
"""

from collections import Counter, defaultdict

from cluster_sim.engine.kubectl.printers import pod_summary
from cluster_sim.explain_pod import plural, status_tone

AGGREGATE_ABOVE_PODS = 60
MAX_NODES_SHOWN = 40
MAX_NODES_SHOWN_AGGREGATED = 12
COLUMNS = ("Services and Deployments", "ReplicaSets", "Pods", "Nodes")
BOX_W, BOX_H, PITCH = 190, 32, 40
COLUMN_GAP, PAD, HEADER = 56, 8, 28
LABEL_CHARS = 26
LABEL_AT = 0.75  # how far along an edge its count is written: near the target, where fans spread
VERBS = {"owns": "owns", "selects": "selects", "runs-on": "runs on"}
KIND_WORDS = {
    "Service": "Service",
    "Deployment": "Deployment",
    "ReplicaSet": "ReplicaSet",
    "Pod": "Pod",
    "Node": "Node",
    "PodGroup": "Pods",
    "NodeGroup": "Nodes",
}


def topology(cluster, namespace: str | None = None) -> dict:
    graph = cluster.graph(namespace)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for vertex, data in graph.nodes(data=True):
        by_kind[data["kind"]].append(vertex)
    edges = [(u, v, data["relation"]) for u, v, data in graph.edges(data=True)]
    namespaces = {v.split("/")[1] for v in graph if not v.startswith("Node/")}
    show_namespace = namespace is None and len(namespaces) > 1

    boxes: dict[str, dict] = {}
    for kind in ("Service", "Deployment", "ReplicaSet", "Node"):
        for vertex in by_kind[kind]:
            data = graph.nodes[vertex]
            boxes[vertex] = _box(vertex, kind, _shown_name(vertex, show_namespace), data["status"])
    pods = sorted(by_kind["Pod"])
    aggregated = len(pods) > AGGREGATE_ABOVE_PODS
    unit_of = _pod_units(cluster, graph, pods, edges, boxes, aggregated, show_namespace)
    node_limit = MAX_NODES_SHOWN_AGGREGATED if aggregated else MAX_NODES_SHOWN
    node_of = _node_units(by_kind["Node"], edges, boxes, node_limit)

    links = _unit_links(edges, unit_of, node_of)
    columns = _columns(boxes, links)
    height = _place(columns, boxes, links)
    drawn = [_edge(boxes[u], boxes[v], relation, count) for (u, v, relation), count in links]
    _separate_labels([edge for edge in drawn if edge["count"] > 1])
    linked = {u for (u, _v, _r), _c in links} | {v for (_u, v, _r), _c in links}
    return {
        "namespace": namespace or "",
        "width": PAD * 2 + len(COLUMNS) * BOX_W + (len(COLUMNS) - 1) * COLUMN_GAP,
        "height": height,
        "columns": [
            {"title": title, "x": PAD + i * (BOX_W + COLUMN_GAP) + BOX_W // 2}
            for i, title in enumerate(COLUMNS)
        ],
        "boxes": [boxes[v] for column in columns for v in column],
        "edges": drawn,
        "links": [
            _link_text(boxes[u], boxes[v], relation, count) for (u, v, relation), count in links
        ],
        "unlinked": [
            _unlinked_text(boxes[v]) for column in columns for v in column if v not in linked
        ],
        "aggregated": aggregated,
        "pod_count": len(pods),
        "nodes_grouped": any(box["kind"] == "NodeGroup" for box in boxes.values()),
        "note": _note(aggregated, len(pods), len(by_kind["Node"]), node_limit),
        "summary": _summary(namespace, by_kind),
    }


# --- units: what gets a box ------------------------------------------------------------------


def _pod_units(cluster, graph, pods, edges, boxes, aggregated, show_namespace) -> dict:
    """pod vertex -> the box it is drawn in (itself, or its owner's group of pods)."""
    owner_of = {v: u for u, v, relation in edges if relation == "owns" and v.startswith("Pod/")}
    statuses = {pod: _pod_status(cluster, pod, graph.nodes[pod]["status"]) for pod in pods}
    if not aggregated:
        for pod in pods:
            boxes[pod] = _box(pod, "Pod", _shown_name(pod, show_namespace), statuses[pod])
        return {pod: pod for pod in pods}
    groups: dict[str, list[str]] = defaultdict(list)
    for pod in pods:
        groups[owner_of.get(pod, "")].append(pod)
    unit_of = {}
    for owner, members in groups.items():
        group = f"PodGroup/{owner or 'unowned'}"
        counts = Counter(statuses[p] for p in members)
        detail = ", ".join(
            f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        owner_name = _shown_name(owner, show_namespace) if owner else ""
        of_owner = f"of {owner_name}" if owner else "with no owner"
        box = _box(
            group, "PodGroup", f"{owner_name} pods" if owner else "pods with no owner", detail
        )
        box["count"] = len(members)
        box["status_line"] = f"{plural(len(members), 'pod')}: {detail}"
        box["text"] = f"{plural(len(members), 'pod')} {of_owner} ({detail})"
        box["of_owner"] = of_owner
        box["tone"] = "ok" if set(counts) == {"Running"} else "warn"
        boxes[group] = box
        unit_of.update(dict.fromkeys(members, group))
    return unit_of


def _pod_status(cluster, vertex: str, phase: str) -> str:
    """kubectl's STATUS for the pod (CrashLoopBackOff, not its phase Running)."""
    _, namespace, name = vertex.split("/", 2)
    pod = cluster.store.get("Pod", namespace, name)
    return pod_summary(pod, cluster.now_ms).status if pod is not None else phase


def _node_units(nodes: list[str], edges, boxes, limit: int) -> dict:
    """node vertex -> its box; past `limit` nodes the least busy ones share one box."""
    if len(nodes) <= limit:
        return {node: node for node in nodes}
    load = Counter(v for _u, v, relation in edges if relation == "runs-on")
    ranked = sorted(nodes, key=lambda n: (-load[n], n))
    kept, rest = ranked[: limit - 1], ranked[limit - 1 :]
    counts = Counter(boxes[n]["status"] for n in rest)
    detail = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    group = _box("NodeGroup/others", "NodeGroup", f"{len(rest)} other nodes", detail)
    group["count"] = len(rest)
    group["text"] = f"the {len(rest)} other nodes ({detail})"
    group["tone"] = "ok" if set(counts) == {"Ready"} else "warn"
    for node in rest:
        del boxes[node]
    boxes[group["id"]] = group
    return {**{n: n for n in kept}, **dict.fromkeys(rest, group["id"])}


def _unit_links(edges, unit_of, node_of) -> list[tuple[tuple[str, str, str], int]]:
    """Edges between boxes, each with how many graph edges it stands for, in a stable order."""
    counts: Counter = Counter()
    for u, v, relation in edges:
        u = unit_of.get(u, node_of.get(u, u))
        v = unit_of.get(v, node_of.get(v, v))
        counts[(u, v, relation)] += 1
    order = {"owns": 0, "selects": 1, "runs-on": 2}
    return sorted(counts.items(), key=lambda item: (order[item[0][2]], item[0][0], item[0][1]))


# --- layout ----------------------------------------------------------------------------------


def _columns(boxes: dict, links) -> list[list[str]]:
    """Each column's boxes, top to bottom: pods grouped by owner, owners near their pods."""
    column_of = {"Service": 0, "Deployment": 0, "ReplicaSet": 1, "Pod": 2, "PodGroup": 2}
    columns: list[list[str]] = [[], [], [], []]
    for vertex, box in boxes.items():
        columns[column_of.get(box["kind"], 3)].append(vertex)
    parent = {v: u for (u, v, relation), _ in links if relation == "owns"}

    def lineage(vertex: str) -> tuple:
        chain = [vertex]
        while chain[-1] in parent and len(chain) < 4:
            chain.append(parent[chain[-1]])
        return tuple(reversed(chain[1:])) or ("~",)  # unowned last ("~" sorts after names)

    columns[1].sort(key=lambda v: (lineage(v), v))
    columns[2].sort(key=lambda v: (lineage(v), v))
    columns[3].sort(key=lambda v: (boxes[v]["kind"] == "NodeGroup", v))
    return columns


def _place(columns: list[list[str]], boxes: dict, links) -> int:
    """Pods and nodes stack from the top; owners and Services sit level with their pods.

    A Service's links to its pods run straight across the ReplicaSet column before they
    bend, so no ReplicaSet box is put on a Service's row: the lines never seem to end there.
    """
    for index in (2, 3):
        for row, vertex in enumerate(columns[index]):
            _put(boxes[vertex], index, HEADER + row * PITCH)
    children: dict[str, list[str]] = defaultdict(list)
    for (u, v, relation), _ in links:
        if relation in ("owns", "selects"):
            children[u].append(v)
    services = [v for v in columns[0] if boxes[v]["kind"] == "Service" and children[v]]
    lonely = [v for v in columns[0] if boxes[v]["kind"] == "Service" and not children[v]]
    owners = [v for v in columns[0] if boxes[v]["kind"] != "Service"]
    service_rows = _stack(services, boxes, children, 0, taken=[])
    _stack(columns[1], boxes, children, 1, taken=service_rows)
    owner_rows = _stack(owners, boxes, children, 0, taken=service_rows)
    _stack(lonely, boxes, children, 0, taken=service_rows + owner_rows)
    columns[0].sort(key=lambda v: (boxes[v]["y"], v))
    columns[1].sort(key=lambda v: (boxes[v]["y"], v))
    bottom = max((box["y"] + BOX_H for box in boxes.values()), default=HEADER)
    return bottom + PAD


def _stack(vertices: list[str], boxes: dict, children: dict, column: int, taken: list[int]):
    """Put each box level with the middle of its children, below the one before it and off
    the rows in `taken`; boxes without children go at the bottom. Returns the rows used."""
    wanted = []
    for vertex in vertices:
        ys = [boxes[c]["y"] for c in children[vertex] if "y" in boxes[c]]
        wanted.append((round(sum(ys) / len(ys)) if ys else None, boxes[vertex]["kind"], vertex))
    wanted.sort(key=lambda item: (item[0] is None, item[0] or 0, item[1], item[2]))
    rows, next_free = [], HEADER
    for desired, _kind, vertex in wanted:
        if desired is None:  # nothing to sit level with: below everything in the column
            y = max([next_free] + [row + PITCH for row in taken])
        else:
            y = max(desired, next_free)
        while any(abs(y - row) < PITCH for row in taken):
            y = max(row for row in taken if abs(y - row) < PITCH) + PITCH
        _put(boxes[vertex], column, y)
        rows.append(y)
        next_free = y + PITCH
    return rows


def _put(box: dict, column: int, y: int) -> None:
    x = PAD + column * (BOX_W + COLUMN_GAP)
    box.update(x=x, y=y, column=column, text_x=x + 8, name_y=y + 14, status_y=y + 27)


def _edge(source: dict, target: dict, relation: str, count: int) -> dict:
    x1, y1 = source["x"] + BOX_W, source["y"] + BOX_H // 2
    x2, y2 = target["x"], target["y"] + BOX_H // 2
    start = f"M{x1},{y1}"
    if target["column"] - source["column"] > 1:  # straight across the columns between
        x1 = target["x"] - COLUMN_GAP
        start += f" H{x1}"
    bend = (x2 - x1) // 2
    label_x, label_y = _along(x1, y1, x2, y2, bend, LABEL_AT)
    return {
        "source": source["id"],
        "target": target["id"],
        "relation": relation,
        "path": f"{start} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}",
        "count": count,
        "label_x": round(label_x),
        "label_y": round(label_y) - 3,
        "title": _link_text(source, target, relation, count),
    }


def _separate_labels(edges: list[dict]) -> None:
    """Move a count down until it clears the counts already written (edges meet at boxes)."""
    placed: list[tuple[int, int]] = []
    for edge in edges:
        while any(
            abs(edge["label_x"] - x) < 28 and abs(edge["label_y"] - y) < 11 for x, y in placed
        ):
            edge["label_y"] += 11
        placed.append((edge["label_x"], edge["label_y"]))


def _along(x1, y1, x2, y2, bend, t: float) -> tuple[float, float]:
    """The point at t on the edge's cubic Bezier curve (where its count is written)."""
    xs, ys = (x1, x1 + bend, x2 - bend, x2), (y1, y1, y2, y2)
    weights = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3)
    return (
        sum(w * x for w, x in zip(weights, xs, strict=True)),
        sum(w * y for w, y in zip(weights, ys, strict=True)),
    )


# --- text ------------------------------------------------------------------------------------


def _box(vertex: str, kind: str, name: str, status: str) -> dict:
    tone = status_tone(status) if status else "none"
    if kind == "Node":
        tone = "ok" if status == "Ready" else "error"
    word = KIND_WORDS[kind]
    return {
        "text": f"{kind} {name} ({status})" if status else f"{kind} {name}",
        "id": vertex,
        "kind": kind,
        "name": name,
        "label": _shorten(name),
        "status": status,
        "status_line": f"{word} · {status}" if status else word,
        "tone": tone,
        "count": 1,
        "w": BOX_W,
        "h": BOX_H,
    }


def _shown_name(vertex: str, show_namespace: bool) -> str:
    parts = vertex.split("/")
    if parts[0] == "Node":
        return parts[1]
    return f"{parts[1]}/{parts[2]}" if show_namespace else parts[2]


def _shorten(name: str) -> str:
    """Long names lose their middle, so a pod's distinguishing suffix stays visible."""
    if len(name) <= LABEL_CHARS:
        return name
    keep = LABEL_CHARS - 1
    return name[: keep - keep // 2] + "…" + name[-(keep // 2) :]


def _link_text(source: dict, target: dict, relation: str, count: int) -> str:
    """One link in words; a link to or from a group says how many of its members it is."""
    subject, obj = source["text"], target["text"]
    if source["kind"] == "PodGroup":  # runs-on, for some of the group's pods
        if count < source["count"]:
            subject = f"{plural(count, 'pod')} {source['of_owner']}"
        verb = "runs on" if count == 1 else "run on"
    else:
        verb = VERBS[relation]
    if target["kind"] == "PodGroup" and count < target["count"]:
        obj = f"{plural(count, 'pod')} {target['of_owner']}"
    if target["kind"] == "NodeGroup":
        obj = f"{'one' if count == 1 else 'some'} of {obj}"
    return f"{subject} {verb} {obj}"


def _unlinked_text(box: dict) -> str:
    lonely = {
        "Node": "runs no pods here",
        "NodeGroup": "run none of the pods shown",
        "Service": "selects no pods",
    }
    return f"{box['text']}: {lonely.get(box['kind'], 'has no links')}"


def _note(aggregated: bool, pods: int, nodes: int, node_limit: int) -> str:
    notes = []
    if aggregated:
        notes.append(
            f"{pods} pods: more than {AGGREGATE_ABOVE_PODS}, so each box stands for the pods "
            "of one owner, with their count."
        )
    if nodes > node_limit:
        notes.append(
            f"{nodes} nodes: the {node_limit - 1} busiest are drawn, the others share one box."
        )
    return " ".join(notes)


def _summary(namespace: str | None, by_kind: dict[str, list[str]]) -> str:
    where = f"namespace {namespace}" if namespace else "all namespaces"
    counts = ", ".join(
        plural(len(by_kind[kind]), kind)
        for kind in ("Service", "Deployment", "ReplicaSet", "Pod", "Node")
    )
    return f"Topology of {where}: {counts}. Every link is also listed below the drawing."
