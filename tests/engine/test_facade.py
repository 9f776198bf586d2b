"""The facade's explanations: graph, owner chain, scheduling record, kube-proxy, top, logs."""

from cluster_sim.engine import podutil
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n"
    "  ports:\n  - port: 80\n"
)


def running_web(replicas=3, nodes=2):
    runner = ScriptRunner(Cluster(seed=5))
    for index in range(1, nodes + 1):
        runner.run_line(f"sim node add node-{index}")
    runner.run_line(f"kubectl create deployment web --image=nginx:1.25 --replicas={replicas}")
    runner.run_line("kubectl apply -f -", SERVICE)
    runner.run_line("sim advance 30s")
    return runner


def test_graph_has_owns_runs_on_and_selects_edges():
    runner = running_web()
    graph = runner.cluster.graph()
    relations = {data["relation"] for _, _, data in graph.edges(data=True)}
    assert relations == {"owns", "runs-on", "selects"}
    deployment = "Deployment/default/web"
    replica_sets = [v for v in graph.successors(deployment)]
    assert len(replica_sets) == 1 and replica_sets[0].startswith("ReplicaSet/default/web-")
    pods = list(graph.successors(replica_sets[0]))
    assert len(pods) == 3
    assert all(next(iter(graph.successors(pod))).startswith("Node/") for pod in pods)
    assert set(graph.successors("Service/default/web")) == set(pods)
    assert graph.nodes[pods[0]]["status"] == "Running"


def test_owner_chain_and_scheduling_record_explain_a_pod():
    runner = running_web(replicas=1)
    cluster = runner.cluster
    pod = cluster.store.list("Pod", "default")[0]
    chain = [obj["kind"] for obj in cluster.owner_chain(pod)]
    assert chain == ["Pod", "ReplicaSet", "Deployment"]
    record = cluster.scheduling_record("default", pod["metadata"]["name"])
    assert record.chosen_node == pod["spec"]["nodeName"]
    assert set(record.scores) == {"node-1", "node-2"}
    assert record.as_dict()["chosenNode"] == pod["spec"]["nodeName"]


def test_kube_proxy_spreads_connections_over_ready_endpoints_only():
    runner = running_web(replicas=3)
    cluster = runner.cluster
    output = runner.run_line("sim request web --count 300")
    counts = [int(line.split()[-1]) for line in output.splitlines()[1:]]
    assert len(counts) == 3 and sum(counts) == 300
    assert min(counts) > 60  # roughly even, as iptables' random rules are
    # take one pod out of rotation: not ready pods get no traffic
    pod = cluster.store.list("Pod", "default")[0]
    podutil.set_condition(pod, "Ready", "False", cluster.now_ms)
    cluster.api.touch(pod)
    cluster.settle()
    endpoints = cluster.kube_proxy.ready_endpoints("default", "web")
    assert pod["metadata"]["name"] not in {name for _, name in endpoints}
    assert len(endpoints) == 2


def test_connections_to_a_silent_node_time_out_until_the_control_plane_notices():
    runner = running_web(replicas=3)
    pods = runner.cluster.store.list("Pod", "default")
    node = pods[0]["spec"]["nodeName"]
    runner.run_line(f"sim node kill {node}")
    before = runner.run_line("sim request web --count 300")
    silent = [line for line in before.splitlines() if "timed out" in line]
    assert silent and all(f"node {node} is not responding" in line for line in silent)
    assert "EndpointSlices still say ready" in before
    runner.run_line("sim advance 2m")  # past the node-monitor grace period: NotReady
    after = runner.run_line("sim request web --count 300")
    assert "timed out" not in after and node not in after


def test_a_service_without_ready_endpoints_refuses_connections():
    runner = ScriptRunner(Cluster(seed=1))
    runner.run_line("kubectl apply -f -", SERVICE)
    assert "all refused" in runner.run_line("sim request web --count 3")


def test_top_reports_running_pods_and_nodes():
    runner = running_web(replicas=2, nodes=1)
    pods = runner.run_line("kubectl top pods").splitlines()
    assert pods[0].split() == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert len(pods) == 3 and all(line.split()[2].endswith("Mi") for line in pods[1:])
    nodes = runner.run_line("kubectl top nodes").splitlines()
    assert nodes[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert nodes[1].startswith("node-1")


def test_kinds_that_are_stored_but_not_simulated_say_so():
    runner = ScriptRunner(Cluster(seed=1))
    manifest = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n"
        "spec:\n  podSelector: {}\n  policyTypes: [Ingress]\n"
    )
    output = runner.run_line("kubectl apply -f -", manifest)
    assert output.splitlines() == [
        "Warning: ClusterLab stores NetworkPolicy objects but does not simulate them yet: "
        "no controller acts on this one",
        "networkpolicy.networking.k8s.io/deny created",
    ]
    assert "deny" in runner.run_line("kubectl get networkpolicies")


def test_logs_of_the_previous_container_instance():
    runner = ScriptRunner(Cluster(seed=1))
    runner.run_line("sim node add node-1")
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: counter\nspec:\n  containers:\n"
        "  - name: app\n    image: busybox:1.36\n"
        "    command: ['sh', '-c', 'echo run at $(date +%s); sleep 3; exit 2']\n",
    )
    first = runner.run_line("kubectl logs counter --previous")
    assert first.startswith("Error from server (BadRequest): previous terminated container")
    runner.run_line("sim advance 20s")
    current = runner.run_line("kubectl logs counter")
    previous = runner.run_line("kubectl logs counter -p")
    assert current.startswith("run at") and previous.startswith("run at")
    assert current != previous


def test_sim_profile_without_an_argument_names_the_active_profile():
    runner = ScriptRunner(Cluster(seed=1))
    assert runner.run_line("sim profile") == "profile realistic: Upstream Kubernetes defaults."
    runner.run_line("sim profile fast")
    assert runner.run_line("sim profile").startswith("profile fast: Shortened for classroom")
    assert runner.run_line("sim profile slow") == "error: usage: sim profile realistic|fast"
