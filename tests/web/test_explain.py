"""The "Why?" panels and the topology drawing, on real engine clusters.

Each test builds a cluster with the script runner, reads the view-model dict, and renders
its template: what the scheduler, kubelet, endpoints and traffic model recorded must show
up in words a learner can follow, and every name must come out escaped.
"""

import json

import pytest
from django.template.loader import render_to_string
from django.utils.html import escape

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.explain import topology, why_pod, why_service

BIG_POD = """
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata: {name: big}
spec:
  containers:
  - name: app
    image: nginx
    resources: {requests: {cpu: "2"}}
EOF
"""

SSD_POD = """
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata: {name: picky}
spec:
  nodeSelector: {disk: ssd}
  containers:
  - name: app
    image: nginx
EOF
"""

CRASHING_POD = """
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "exit 1"]
EOF
"""

WEB = """
kubectl create deployment web --image=nginx --replicas=2
kubectl expose deployment web --port 80
"""


def _cluster(script: str, nodes: int = 3, cpu: str = "1", seed: int = 7) -> Cluster:
    runner = ScriptRunner(Cluster(seed=seed))
    runner.run(f"sim node add --count {nodes} --prefix node- --cpu {cpu}\n{script}")
    return runner.cluster


def _pods(cluster: Cluster, prefix: str) -> list[str]:
    names = (pod["metadata"]["name"] for pod in cluster.store.list("Pod", "default"))
    return sorted(name for name in names if name.startswith(prefix))


def _render(template: str, **context) -> str:
    return render_to_string(f"playground/partials/{template}.html", context)


# --- why_pod --------------------------------------------------------------------------------


def test_a_pod_pending_for_cpu_names_insufficient_cpu_on_every_node():
    cluster = _cluster(BIG_POD + "sim advance 5s")
    why = why_pod(cluster, "default", "big")

    assert why["status"] == "Pending" and why["tone"] == "pending"
    assert why["explanation"].startswith("Pending: no node fits. 3 nodes lack enough")
    assert "request of 2 (Insufficient cpu)" in why["explanation"]
    scheduling = why["scheduling"]
    assert not scheduling["scheduled"]
    assert scheduling["message"].startswith("0/3 nodes are available: 3 Insufficient cpu.")
    assert scheduling["rejected"] == [
        {"node": f"node-{i}", "plugin": "NodeResourcesFit", "reasons": ["Insufficient cpu"]}
        for i in (1, 2, 3)
    ]
    html = _render("why_pod", why=why)
    assert html.count("<td>NodeResourcesFit</td><td>Insufficient cpu</td>") == 3
    assert '<span class="status status-pending">Pending</span>' in html


def test_a_node_selector_that_matches_nothing_names_node_affinity():
    cluster = _cluster(SSD_POD + "sim advance 5s")
    why = why_pod(cluster, "default", "picky")

    assert "nodeSelector disk=ssd" in why["explanation"]
    assert "NodeAffinity" in why["explanation"]
    assert {row["plugin"] for row in why["scheduling"]["rejected"]} == {"NodeAffinity"}
    assert "NodeAffinity" in _render("why_pod", why=why)


def test_a_scheduled_pod_shows_each_plugins_score_and_its_chosen_node():
    cluster = _cluster(WEB + "sim advance 30s")
    name = _pods(cluster, "web-")[0]
    pod = cluster.store.get("Pod", "default", name)
    why = why_pod(cluster, "default", name)

    scheduling = why["scheduling"]
    assert scheduling["scheduled"]
    assert scheduling["chosen_node"] == pod["spec"]["nodeName"] == why["node"]
    assert scheduling["message"] == f"Successfully assigned default/{name} to {why['node']}"
    chosen = scheduling["scored"][0]
    assert chosen["chosen"] and chosen["node"] == why["node"]
    assert len(scheduling["scored"]) == 3  # every node passed the filters and was scored
    assert len(chosen["scores"]) == len(scheduling["plugins"]) == 6
    assert sum(chosen["scores"]) == chosen["total"]
    assert chosen["total"] == max(row["total"] for row in scheduling["scored"])
    html = _render("why_pod", why=why)
    for plugin in ("TaintToleration", "NodeResourcesFit", "NodeResourcesBalancedAllocation"):
        assert f'<th scope="col">{plugin} <span class="why-weight">' in html
    assert f'{why["node"]} <span class="status status-ok">chosen</span>' in html
    assert why["explanation"].startswith(f"Running on {why['node']} and Ready")


def test_the_owner_chain_of_a_deployments_pod():
    cluster = _cluster(WEB + "sim advance 30s")
    name = _pods(cluster, "web-")[0]
    why = why_pod(cluster, "default", name)

    replicaset = name.rsplit("-", 1)[0]
    assert why["owners"] == [
        {"kind": "Pod", "name": name},
        {"kind": "ReplicaSet", "name": replicaset},
        {"kind": "Deployment", "name": "web"},
    ]
    html = _render("why_pod", why=why)
    assert f"controlled by ReplicaSet <code>{replicaset}</code>" in html
    assert "controlled by Deployment <code>web</code>" in html


def test_a_pod_pulling_its_image_says_so():
    cluster = _cluster(WEB + "sim advance 1s")
    why = why_pod(cluster, "default", _pods(cluster, "web-")[0])

    assert why["status"] == "ContainerCreating"
    assert why["explanation"].endswith('the kubelet is pulling image "nginx".')


def test_a_crash_looping_pod_explains_the_back_off_and_lists_events_newest_first():
    cluster = _cluster(CRASHING_POD + "sim advance 60s")
    why = why_pod(cluster, "default", "crash")

    assert why["status"] == "CrashLoopBackOff" and why["tone"] == "error"
    assert "container app keeps exiting (Error, exit code 1" in why["explanation"]
    assert "(10s, doubling up to 5m)" in why["explanation"]  # upstream's kubelet back-off
    assert why["events"][-1]["reason"] == "Scheduled"  # the oldest comes last
    back_off = next(e for e in why["events"] if e["reason"] == "BackOff")
    assert back_off["type"] == "Warning" and back_off["from"] == "kubelet"
    assert " (x" in back_off["age"]  # repeated, as describe prints it: `29s (x3 over 61s)`
    ready = next(c for c in why["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "False" and ready["reason"] == "ContainersNotReady"


def test_a_large_cluster_shows_what_the_record_kept_and_says_so():
    cluster = _cluster(WEB + "sim advance 5s", nodes=120, cpu="4")
    why = why_pod(cluster, "default", _pods(cluster, "web-")[0])

    scheduling = why["scheduling"]
    assert scheduling["trimmed"]
    assert "more than 100 nodes" in scheduling["trimmed_note"]
    assert len(scheduling["scored"]) == 10  # the best nodes only
    assert "checked 100 of 120 nodes" in scheduling["sampled_note"]
    assert escape(scheduling["trimmed_note"]) in _render("why_pod", why=why)


def test_an_unknown_pod_or_service_has_no_panel():
    cluster = _cluster("")
    assert why_pod(cluster, "default", "nope") is None
    assert why_service(cluster, "default", "nope") is None


# --- why_service ----------------------------------------------------------------------------


def test_a_service_with_two_ready_endpoints_and_traffic_shows_the_load_per_pod():
    cluster = _cluster(WEB + "sim advance 30s\nsim traffic web --rps 50\nsim advance 5s")
    why = why_service(cluster, "default", "web")
    pods = _pods(cluster, "web-")

    assert why["type"] == "ClusterIP" and why["selector"] == "app=web"
    assert why["ports_text"] == "80/TCP"
    assert [(e["pod"], e["ready"]) for e in why["endpoints"]] == [(p, True) for p in pods]
    assert why["explanation"] == (
        "2 ready endpoints: kube-proxy spreads connections over them at random."
    )
    traffic = why["traffic"]
    assert traffic["rate"] == "50/s" and traffic["errors"] == "0%"
    assert [(p["pod"], p["rate"]) for p in traffic["pods"]] == [(p, "25/s") for p in pods]
    html = _render("why_service", why=why)
    for pod in pods:
        assert f'<tr><th scope="row">{pod}</th>' in html
        assert f'data-why="pod" data-namespace="default" data-name="{pod}"' in html
    assert "Load per pod" in html


def test_a_service_without_traffic_suggests_how_to_start_some():
    cluster = _cluster(WEB + "sim advance 30s")
    why = why_service(cluster, "default", "web")

    assert why["traffic"] is None
    html = _render("why_service", why=why)
    assert "No simulated traffic: set some with the slider or" in html
    assert "<code>sim traffic web --rps 50</code>" in html


def test_a_service_explains_why_an_endpoint_is_not_ready():
    cluster = _cluster(CRASHING_POD.replace("name: crash}", "name: crash, labels: {app: c}}"))
    ScriptRunner(cluster).run("kubectl expose pod crash --port 80\nsim advance 30s")
    why = why_service(cluster, "default", "crash")

    assert [(e["pod"], e["ready"]) for e in why["endpoints"]] == [("crash", False)]
    assert why["endpoints"][0]["why"] == "ContainersNotReady: containers with unready status: [app]"
    assert why["explanation"].startswith("None of its 1 endpoint is ready")


# --- topology -------------------------------------------------------------------------------


def _edges(topo: dict) -> set[tuple[str, str, str]]:
    return {(edge["source"], edge["target"], edge["relation"]) for edge in topo["edges"]}


def test_topology_of_a_deployment_and_service_has_the_expected_edges():
    cluster = _cluster(WEB + "sim advance 30s")
    topo = topology(cluster, "default")
    pods = _pods(cluster, "web-")
    replicaset = pods[0].rsplit("-", 1)[0]
    rs = f"ReplicaSet/default/{replicaset}"

    expected = {("Deployment/default/web", rs, "owns")}
    for pod in pods:
        node = cluster.store.get("Pod", "default", pod)["spec"]["nodeName"]
        expected |= {
            (rs, f"Pod/default/{pod}", "owns"),
            ("Service/default/web", f"Pod/default/{pod}", "selects"),
            (f"Pod/default/{pod}", f"Node/{node}", "runs-on"),
        }
    assert _edges(topo) == expected
    # columns left to right: Services/Deployments, ReplicaSets, Pods, Nodes
    x = {box["id"]: box["x"] for box in topo["boxes"]}
    assert x["Service/default/web"] == x["Deployment/default/web"] < x[rs]
    assert x[rs] < x[f"Pod/default/{pods[0]}"] < x["Node/node-1"]
    assert not topo["aggregated"]
    assert f"Deployment web owns ReplicaSet {replicaset}" in topo["links"]
    assert "Service kubernetes: selects no pods" in topo["unlinked"]

    html = _render("topology", topo=topo)
    assert 'role="img"' in html and f'aria-label="{topo["summary"]}"' in html
    assert f"<title>{topo['summary']}</title>" in html
    assert html.count('class="topo-edge topo-edge-selects"') == 2
    assert f"<li>Service web selects Pod {pods[0]} (Running)</li>" in html


def test_topology_escapes_a_hostile_looking_name():
    cluster = _cluster(WEB + "sim advance 30s")
    hostile = '<img src=x onerror="alert(1)">'
    # kubectl would refuse the name; the API here takes it, and the page must stay inert
    cluster.api.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": hostile, "namespace": "default"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
        }
    )
    html = _render("topology", topo=topology(cluster, "default"))

    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_topology_groups_pods_per_owner_above_sixty_and_says_so():
    cluster = _cluster(
        "kubectl create deployment api --image=nginx --replicas=61\nsim advance 5s",
        nodes=4,
        cpu="8",
    )
    topo = topology(cluster, "default")

    assert topo["aggregated"] and topo["pod_count"] == 61
    groups = [box for box in topo["boxes"] if box["kind"] == "PodGroup"]
    assert len(groups) == 1 and groups[0]["count"] == 61
    assert "each box stands for the pods of one owner" in topo["note"]
    selects = [edge for edge in topo["edges"] if edge["relation"] == "runs-on"]
    assert sum(edge["count"] for edge in selects) == 61
    assert topo["note"] in _render("topology", topo=topo)


def test_the_same_seed_gives_the_same_panels():
    def build():
        cluster = _cluster(
            WEB + BIG_POD + "sim advance 30s\nsim traffic web --rps 20\nsim advance 3s"
        )
        name = _pods(cluster, "web-")[0]
        panels = (
            why_pod(cluster, "default", name),
            why_pod(cluster, "default", "big"),
            why_service(cluster, "default", "web"),
            topology(cluster),
        )
        return json.dumps(panels, sort_keys=True)

    assert build() == build()


@pytest.mark.parametrize("namespace", ["default", None])
def test_topology_dicts_are_json_serialisable(namespace):
    cluster = _cluster(WEB + "sim advance 30s")
    json.dumps(topology(cluster, namespace))
