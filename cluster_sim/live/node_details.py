"""The node panel: what the node card shows, `kubectl describe node`, and its actions."""

import shlex

from .cards import node_card
from .session import run_logged


def node_details(runner, cluster, name: str) -> dict | None:
    node = cluster.store.get("Node", "", name)
    if node is None:
        return None
    card = node_card(cluster, node)
    quoted = shlex.quote(name)
    actions = [
        ("Kill (switch off)", f"sim node kill {quoted}", not card["powered"]),
        ("Restore", f"sim node restore {quoted}", card["powered"]),
        ("Cordon", f"kubectl cordon {quoted}", card["cordoned"]),
        ("Uncordon", f"kubectl uncordon {quoted}", not card["cordoned"]),
        ("Drain", f"kubectl drain {quoted} --ignore-daemonsets --delete-emptydir-data", False),
        ("Remove", f"sim node remove {quoted}", False),
    ]
    return {
        "node": card,
        "actions": [{"label": a, "command": c, "disabled": d} for a, c, d in actions],
        "describe": run_logged(runner, f"kubectl describe node {quoted}", None),
    }
