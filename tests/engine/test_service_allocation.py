"""Service cluster IPs and node ports, allocated as the service REST storage does.

Sources: pkg/registry/core/service/storage/alloc.go (allocIPs: `failed to allocate IP <ip>:
<err>` at spec.clusterIPs; initNodePorts/updateNodePorts: the allocator's error at
spec.ports[i].nodePort; cluster IPs first, node ports second, in one transaction that is
reverted on failure); pkg/registry/core/service/ipallocator (ErrAllocated "provided IP is
already allocated"; since v1.33 the MultiCIDRServiceAllocator's MetaAllocator answers an
address outside every ServiceCIDR with ErrMismatchedNetwork); portallocator ErrAllocated
"provided port is already allocated". kubernetes.io/docs/concepts/services-networking/
service/#externalname: an ExternalName Service has no cluster IP; `kubectl get` shows the
external name under EXTERNAL-IP.
"""

import pytest

from cluster_sim.engine import errors
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

NODE_PORT = """apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - name: http
    port: 80
    nodePort: {first}
  - name: https
    port: 443
    nodePort: {second}
"""


def service(name, **spec):
    body = {"selector": {"app": "web"}, "ports": [{"port": 80}], **spec}
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": body}


def test_a_taken_node_port_is_reported_at_its_port():
    runner = ScriptRunner(Cluster(seed=0))
    first = NODE_PORT.format(name="a", first=30080, second=30443)
    assert runner.run_line("kubectl apply -f -", first) == "service/a created"
    clash = NODE_PORT.format(name="b", first=30081, second=30080)
    assert runner.run_line("kubectl apply -f -", clash) == (
        'The Service "b" is invalid: spec.ports[1].nodePort: Invalid value: 30080: '
        "provided port is already allocated"
    )


def test_a_failed_node_port_gives_back_the_cluster_ip_and_other_ports():
    cluster = Cluster(seed=0)
    cluster.api.create(service("a", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    ips_before = set(cluster.api.service_ips._used)
    ports_before = set(cluster.api.node_ports._used)
    ports = [{"name": "x", "port": 81, "nodePort": 30081}, {"name": "y", "port": 82}]
    ports[1]["nodePort"] = 30080  # held by a
    doomed = service("b", type="NodePort", clusterIP="10.96.0.77", ports=ports)
    with pytest.raises(errors.ApiError) as refused:
        cluster.api.create(doomed)
    assert refused.value.message == (
        'The Service "b" is invalid: spec.ports[1].nodePort: Invalid value: 30080: '
        "provided port is already allocated"
    )
    assert cluster.api.service_ips._used == ips_before  # 10.96.0.77 released
    assert cluster.api.node_ports._used == ports_before  # 30081 released
    assert cluster.api.find("Service", "default", "b") is None
    # so both can be taken by the next Service
    again = service("c", type="NodePort", clusterIP="10.96.0.77", ports=ports[:1])
    assert cluster.api.create(again)["spec"]["ports"][0]["nodePort"] == 30081


def test_a_taken_cluster_ip():
    runner = ScriptRunner(Cluster(seed=0))
    manifest = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n"
        "  clusterIP: {ip}\n  ports:\n  - port: 53\n"
    )
    assert (
        runner.run_line("kubectl apply -f -", manifest.format(name="dns", ip="10.96.0.10"))
        == "service/dns created"
    )
    assert runner.run_line("kubectl apply -f -", manifest.format(name="dns2", ip="10.96.0.10")) == (
        'The Service "dns2" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: '
        "failed to allocate IP 10.96.0.10: provided IP is already allocated"
    )
    assert runner.run_line(
        "kubectl apply -f -", manifest.format(name="far", ip="192.168.0.10")
    ) == (
        'The Service "far" is invalid: spec.clusterIPs: Invalid value: ["192.168.0.10"]: '
        "failed to allocate IP 192.168.0.10: the provided network does not match the current range"
    )


def test_an_external_name_service_has_no_cluster_ip():
    runner = ScriptRunner(Cluster(seed=0))
    manifest = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\n  namespace: prod\n"
        "spec:\n  type: ExternalName\n  externalName: my.database.example.com\n"
    )
    runner.run_line("kubectl create namespace prod")
    used_before = set(runner.cluster.api.service_ips._used)
    assert runner.run_line("kubectl apply -f -", manifest) == "service/my-service created"
    stored = runner.cluster.api.get("Service", "prod", "my-service")["spec"]
    for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
        assert field not in stored
    assert "internalTrafficPolicy" not in stored  # SetDefaults_Service skips ExternalName
    assert runner.cluster.api.service_ips._used == used_before
    assert runner.run_line("kubectl get svc -n prod") == (
        "NAME         TYPE           CLUSTER-IP   EXTERNAL-IP               PORT(S)   AGE\n"
        "my-service   ExternalName   <none>       my.database.example.com   <none>    0s"
    )


def test_changing_to_external_name_gives_the_cluster_ip_back_and_back_again():
    cluster = Cluster(seed=0)
    created = cluster.api.create(service("web", type="NodePort"))
    ip, node_port = created["spec"]["clusterIP"], created["spec"]["ports"][0]["nodePort"]
    changed = {**created, "spec": {**created["spec"], "type": "ExternalName"}}
    changed["spec"]["externalName"] = "example.com"
    stored = cluster.api.update(changed)
    assert "clusterIP" not in stored["spec"]
    assert "nodePort" not in stored["spec"]["ports"][0]
    assert ip not in cluster.api.service_ips._used
    assert node_port not in cluster.api.node_ports._used
    back = {**stored, "spec": {**stored["spec"], "type": "ClusterIP"}}
    back["spec"].pop("externalName")
    assert cluster.api.update(back)["spec"]["clusterIP"] in cluster.api.service_ips._used


def test_node_ports_on_update_are_reserved_and_released():
    cluster = Cluster(seed=0)
    cluster.api.create(service("a", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    web = cluster.api.create(service("b", type="NodePort", ports=[{"port": 80, "nodePort": 30090}]))
    taken = {**web, "spec": {**web["spec"], "ports": [{"port": 80, "nodePort": 30080}]}}
    with pytest.raises(errors.ApiError) as refused:
        cluster.api.update(taken)
    assert refused.value.message == (
        'The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
        "provided port is already allocated"
    )
    moved = {**web, "spec": {**web["spec"], "ports": [{"port": 80, "nodePort": 30091}]}}
    cluster.api.update(moved)
    assert 30091 in cluster.api.node_ports._used
    assert 30090 not in cluster.api.node_ports._used


def test_ports_with_one_port_number_share_a_node_port():
    """initNodePorts: TCP and UDP 53 get one node port."""
    cluster = Cluster(seed=0)
    dns = cluster.api.create(
        service(
            "dns",
            type="NodePort",
            ports=[
                {"name": "dns", "port": 53, "protocol": "UDP"},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "nodePort": 30053},
            ],
        )
    )
    assert [p["nodePort"] for p in dns["spec"]["ports"]] == [30053, 30053]


def test_kubectl_apply_can_turn_a_service_into_external_name():
    """The service strategy's PrepareForUpdate (dropTypeDependentFields) clears the cluster
    IP and node ports the old type was given before ValidateUpdate runs, so the live object's
    clusterIP is no `spec.clusterIPs: Forbidden: may not be set for ExternalName services`."""
    runner = ScriptRunner(Cluster(seed=0))
    manifest = NODE_PORT.format(name="db", first=30080, second=30443)
    assert runner.run_line("kubectl apply -f -", manifest) == "service/db created"
    ip = runner.cluster.api.get("Service", "default", "db")["spec"]["clusterIP"]
    external = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n"
        "  externalName: db.example.com\n"
    )
    assert runner.run_line("kubectl apply -f -", external) == "service/db configured"
    spec = runner.cluster.api.get("Service", "default", "db")["spec"]
    assert "clusterIP" not in spec and "ipFamilies" not in spec
    assert "externalTrafficPolicy" not in spec
    assert ip not in runner.cluster.api.service_ips._used
    assert {30080, 30443}.isdisjoint(runner.cluster.api.node_ports._used)
    assert runner.run_line("kubectl get svc db").splitlines()[1].split()[:4] == [
        "db",
        "ExternalName",
        "<none>",
        "db.example.com",
    ]
