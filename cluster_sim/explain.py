"""The playground's "Why?" panels and topology drawing, as template contexts.

Each function reads one cluster through its facade (store, scheduling records, owner
chains, events, graph, traffic) and returns a small JSON-friendly dict for its template:
  why_pod      -> templates/playground/partials/why_pod.html      (as `why`)
  why_service  -> templates/playground/partials/why_service.html  (as `why`)
  topology     -> templates/playground/partials/topology.html     (as `topo`)
why_pod and why_service return None for an object that does not exist.
"""

from cluster_sim.explain_pod import why_pod
from cluster_sim.explain_service import why_service
from cluster_sim.topology import topology

__all__ = ["topology", "why_pod", "why_service"]
