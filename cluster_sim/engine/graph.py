"""The cluster as a networkx graph: what runs where, who owns what, which Service selects which pods.

Vertices are `Kind/namespace/name` strings (nodes: `Node/name`) with the object's
kind, name and status as attributes. Edges carry a `relation`:
  owns      owner -> dependent (ownerReferences: Deployment -> ReplicaSet -> Pod)
  runs-on   Pod -> Node
  selects   Service -> Pod (the pods its selector matches)
"""

import networkx as nx

from . import podutil
from .labels import matches_map
from .nodes import is_node_ready

GRAPH_KINDS = ("Node", "Deployment", "ReplicaSet", "Pod", "Service")


def vertex(obj: dict) -> str:
    meta = obj["metadata"]
    if obj["kind"] == "Node":
        return f"Node/{meta['name']}"
    return f"{obj['kind']}/{meta.get('namespace', '')}/{meta['name']}"


def cluster_graph(store, namespace: str | None = None) -> nx.DiGraph:
    graph = nx.DiGraph()
    by_uid: dict[str, str] = {}
    for kind in GRAPH_KINDS:
        objects = store.list(kind) if kind == "Node" else store.list(kind, namespace)
        for obj in objects:
            name = vertex(obj)
            by_uid[obj["metadata"]["uid"]] = name
            graph.add_node(name, kind=kind, name=obj["metadata"]["name"], status=_status(obj))
    for kind in ("ReplicaSet", "Pod"):
        for obj in store.list(kind, namespace):
            for ref in obj["metadata"].get("ownerReferences") or ():
                owner = by_uid.get(ref["uid"])
                if owner:
                    graph.add_edge(owner, vertex(obj), relation="owns")
    pods = store.list("Pod", namespace)
    for pod in pods:
        node_name = pod["spec"].get("nodeName")
        if node_name and graph.has_node(f"Node/{node_name}"):
            graph.add_edge(vertex(pod), f"Node/{node_name}", relation="runs-on")
    for service in store.list("Service", namespace):
        selector = service["spec"].get("selector")
        for pod in pods:
            same_namespace = pod["metadata"]["namespace"] == service["metadata"]["namespace"]
            if same_namespace and matches_map(pod["metadata"].get("labels"), selector):
                graph.add_edge(vertex(service), vertex(pod), relation="selects")
    return graph


def owner_chain(store, obj: dict) -> list[dict]:
    """The object and its controllers up to the top: [Pod, ReplicaSet, Deployment]."""
    chain = [obj]
    seen = {obj["metadata"].get("uid")}
    current = obj
    while True:
        ref = next(
            (r for r in current["metadata"].get("ownerReferences") or () if r.get("controller")),
            None,
        )
        if ref is None or ref["uid"] in seen:
            return chain
        owner = store.get(ref["kind"], current["metadata"].get("namespace", ""), ref["name"])
        if owner is None or owner["metadata"]["uid"] != ref["uid"]:
            return chain
        chain.append(owner)
        seen.add(ref["uid"])
        current = owner


def _status(obj: dict) -> str:
    kind = obj["kind"]
    if kind == "Node":
        return "Ready" if is_node_ready(obj) else "NotReady"
    if kind == "Pod":
        if podutil.is_terminating(obj):
            return "Terminating"
        return obj["status"].get("phase", "Pending")
    return ""
