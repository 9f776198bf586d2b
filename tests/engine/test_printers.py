"""kubectl get tables and -o json|yaml|name, checked byte for byte.

Golden strings follow upstream's printers (kubernetes pkg/printers/internalversion,
cli-runtime printers); the `*_kubernetes_io` tests compare with real kubectl output
quoted from kubernetes.io pages.
"""

import copy

import pytest
import yaml

from cluster_sim.engine.kubectl.output import (
    go_format_g,
    go_json_float,
    list_wrapper,
    to_json,
    to_name,
    to_yaml,
)
from cluster_sim.engine.kubectl.printers import (
    Quantity,
    format_endpoints,
    join_get_groups,
    no_resources_message,
    pod_summary,
    print_get,
)
from cluster_sim.engine.kubectl.table import render_table, tabwrite
from cluster_sim.engine.timefmt import HOUR, MINUTE, SECOND, rfc3339

NOW = 2 * HOUR


def meta(name, namespace="default", created=0, **extra):
    data = {"name": name, "creationTimestamp": rfc3339(created), "uid": f"uid-{name}"}
    if namespace:
        data["namespace"] = namespace
    data.update(extra)
    return data


RS_OWNER = {
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "name": "web-6d4cf56db6",
    "uid": "uid-web-6d4cf56db6",
    "controller": True,
    "blockOwnerDeletion": True,
}
RUNNING = {"running": {"startedAt": rfc3339(NOW - 10 * MINUTE)}}


def make_pod(
    name,
    *,
    state,
    ready,
    restarts=0,
    last=None,
    ip="10.244.1.5",
    node="worker-1",
    phase="Running",
):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(
            name,
            created=NOW - 10 * MINUTE,
            labels={"app": "web", "pod-template-hash": "6d4cf56db6"},
            ownerReferences=[RS_OWNER],
        ),
        "spec": {"nodeName": node, "containers": [{"name": "web", "image": "nginx:1.27"}]},
        "status": {
            "phase": phase,
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "containerStatuses": [
                {
                    "name": "web",
                    "ready": ready,
                    "restartCount": restarts,
                    "state": state,
                    "lastState": last or {},
                }
            ],
        },
    }


def web_pods():
    """A Deployment's pods: one healthy, one crash-looping, one terminating, one stuck pulling."""
    crashed = {
        "terminated": {
            "exitCode": 1,
            "reason": "Error",
            "startedAt": rfc3339(NOW - 60 * SECOND),
            "finishedAt": rfc3339(NOW - 45 * SECOND),
        }
    }
    terminating = make_pod("web-6d4cf56db6-term", state=RUNNING, ready=True, ip="10.244.2.7")
    terminating["metadata"]["deletionTimestamp"] = rfc3339(NOW + 30 * SECOND)
    return [
        make_pod("web-6d4cf56db6-x7k2p", state=RUNNING, ready=True),
        make_pod(
            "web-6d4cf56db6-crash",
            state={"waiting": {"reason": "CrashLoopBackOff"}},
            ready=False,
            restarts=3,
            last=crashed,
        ),
        terminating,
        make_pod(
            "web-6d4cf56db6-pull",
            state={"waiting": {"reason": "ImagePullBackOff"}},
            ready=False,
            ip="10.244.2.8",
            node="worker-2",
            phase="Pending",
        ),
    ]


def make_node(name, *, ready="True", unschedulable=False, roles=(), ip="192.168.0.10", created=0):
    labels = {"kubernetes.io/hostname": name}
    labels.update({f"node-role.kubernetes.io/{role}": "" for role in roles})
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta(name, namespace=None, created=created, labels=labels),
        "spec": {"unschedulable": True} if unschedulable else {},
        "status": {
            "conditions": [{"type": "Ready", "status": ready}],
            "addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": {
                "kubeletVersion": "v1.34.1",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "kernelVersion": "6.8.0-45-generic",
                "containerRuntimeVersion": "containerd://1.7.22",
            },
        },
    }
    return node


def cluster_nodes():
    return [
        make_node("worker-3", unschedulable=True, ip="192.168.0.13", created=90 * MINUTE),
        make_node("control-plane", roles=("control-plane",)),
        make_node("worker-1", ip="192.168.0.11"),
        make_node("worker-2", ready="Unknown", ip="192.168.0.12"),
    ]


# ---------------------------------------------------------------------------
# The tabwriter


def test_tabwrite_aligns_column_blocks_like_go():
    # text/tabwriter's package example: b and c sit in different columns because the
    # third line has no cell in that column; text after the last tab is never padded.
    text = "aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n"
    assert tabwrite(text, minwidth=0, padding=0, padchar=".") == (
        "aaaabbbd\naa..b..dd\na...\naa..cccceee\n"
    )


def test_tabwrite_pads_empty_trailing_cells_like_go():
    # A tab-terminated last cell is padded: kubectl really prints these trailing spaces.
    assert tabwrite("IP:\t\nIPs:\t<none>\n", minwidth=0, padding=2) == "IP:   \nIPs:  <none>\n"


def test_render_table_uses_kubectl_minwidth_and_padding():
    assert render_table(["A", "B"], [["x", "y"]]) == "A     B\nx     y\n"
    assert render_table(["NAME", "AGE"], [["web", "5s"]]) == "NAME   AGE\nweb    5s\n"
    assert render_table(["NAME", "AGE"], [["web", "5s"]], no_headers=True) == "web   5s\n"


def test_render_table_cuts_cells_at_a_line_break_and_escapes_the_terminal():
    out = render_table(["NAME", "MESSAGE"], [["a", "first line\nsecond"], ["b", "\x1b[31mred"]])
    assert out == "NAME   MESSAGE\na      first line...\nb      ^[[31mred\n"


def test_render_table_keeps_widths_already_flushed_every_100_rows():
    rows = [[f"pod-{i:03d}", "1s"] for i in range(100)] + [["a-much-longer-pod-name", "1s"]]
    lines = render_table(["NAME", "AGE"], rows).splitlines()
    assert lines[0] == "NAME      AGE"
    assert lines[100] == "pod-099   1s"
    assert lines[101] == "a-much-longer-pod-name   1s"


# ---------------------------------------------------------------------------
# Pods


def test_get_pods_of_a_struggling_deployment():
    assert print_get("pods", web_pods(), NOW) == (
        "NAME                   READY   STATUS             RESTARTS      AGE\n"
        "web-6d4cf56db6-crash   0/1     CrashLoopBackOff   3 (45s ago)   10m\n"
        "web-6d4cf56db6-pull    0/1     ImagePullBackOff   0             10m\n"
        "web-6d4cf56db6-term    1/1     Terminating        0             10m\n"
        "web-6d4cf56db6-x7k2p   1/1     Running            0             10m\n"
    )


def test_get_pods_wide():
    assert print_get("pods", web_pods()[:2], NOW, wide=True) == (
        "NAME                   READY   STATUS             RESTARTS      AGE   IP           "
        "NODE       NOMINATED NODE   READINESS GATES\n"
        "web-6d4cf56db6-crash   0/1     CrashLoopBackOff   3 (45s ago)   10m   10.244.1.5   "
        "worker-1   <none>           <none>\n"
        "web-6d4cf56db6-x7k2p   1/1     Running            0             10m   10.244.1.5   "
        "worker-1   <none>           <none>\n"
    )


def test_get_pods_all_namespaces_with_labels():
    system = make_pod("coredns-7db6d8ff4d-7kb9x", state=RUNNING, ready=True)
    system["metadata"]["namespace"] = "kube-system"
    system["metadata"]["labels"] = {"k8s-app": "kube-dns"}
    pods = [system, web_pods()[0]]
    assert print_get("pods", pods, NOW, all_namespaces=True, show_labels=True) == (
        "NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE   LABELS\n"
        "default       web-6d4cf56db6-x7k2p       1/1     Running   0          10m   "
        "app=web,pod-template-hash=6d4cf56db6\n"
        "kube-system   coredns-7db6d8ff4d-7kb9x   1/1     Running   0          10m   "
        "k8s-app=kube-dns\n"
    )


def _pod(phase="Running", **status):
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}
    pod["status"] = {"phase": phase, **status}
    return pod


def _status(pod):
    return pod_summary(pod, NOW).status


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"terminated": {"exitCode": 0, "reason": "Completed"}}, "Completed"),
        ({"terminated": {"exitCode": 1, "reason": "Error"}}, "Error"),
        ({"terminated": {"exitCode": 137}}, "ExitCode:137"),
        ({"terminated": {"exitCode": 0, "signal": 9}}, "Signal:9"),
        ({"waiting": {"reason": "ContainerCreating"}}, "ContainerCreating"),
        ({"waiting": {"reason": "ErrImagePull"}}, "ErrImagePull"),
    ],
)
def test_pod_status_comes_from_the_container_state(state, expected):
    assert _status(_pod(containerStatuses=[{"name": "c", "state": state}])) == expected


def test_pod_status_for_init_containers():
    pod = _pod("Pending", initContainerStatuses=[{"name": "init", "state": {"running": {}}}])
    pod["spec"]["initContainers"] = [{"name": "init"}]
    assert _status(pod) == "Init:0/1"
    pod["status"]["initContainerStatuses"][0]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    assert _status(pod) == "Init:CrashLoopBackOff"
    pod["status"]["initContainerStatuses"][0]["state"] = {"terminated": {"exitCode": 2}}
    assert _status(pod) == "Init:ExitCode:2"


def test_pod_status_notready_when_a_container_completed_and_pod_not_ready():
    statuses = [
        {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
        {"name": "b", "ready": True, "state": {"running": {}}},
    ]
    pod = _pod(containerStatuses=statuses, conditions=[{"type": "Ready", "status": "False"}])
    pod["spec"]["containers"] = [{"name": "a"}, {"name": "b"}]
    assert pod_summary(pod, NOW) == pod_summary(pod, NOW).__class__("1/2", "NotReady", "0")
    pod["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    assert _status(pod) == "Running"


def test_pod_status_terminating_unknown_and_gated():
    pod = _pod(containerStatuses=[{"name": "c", "ready": True, "state": {"running": {}}}])
    pod["metadata"]["deletionTimestamp"] = rfc3339(NOW)
    assert _status(pod) == "Terminating"
    pod["status"]["reason"] = "NodeLost"
    assert _status(pod) == "Unknown"
    done = _pod(
        "Succeeded",
        containerStatuses=[
            {"name": "c", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
        ],
    )
    done["metadata"]["deletionTimestamp"] = rfc3339(NOW)
    assert _status(done) == "Completed"
    gated = _pod(
        "Pending",
        conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}],
    )
    assert _status(gated) == "SchedulingGated"


def test_pod_ready_counts_sidecars_and_restarts_without_a_date():
    pod = _pod(
        initContainerStatuses=[
            {"name": "proxy", "started": True, "ready": True, "restartCount": 1}
        ],
        containerStatuses=[
            {"name": "c", "ready": True, "restartCount": 2, "state": {"running": {}}}
        ],
        conditions=[{"type": "Initialized", "status": "True"}],
    )
    pod["spec"]["initContainers"] = [{"name": "proxy", "restartPolicy": "Always"}]
    assert pod_summary(pod, NOW).ready == "2/2"
    assert pod_summary(pod, NOW).restarts == "3"


# ---------------------------------------------------------------------------
# Nodes


def test_get_nodes_ready_notready_cordoned():
    assert print_get("nodes", cluster_nodes(), NOW) == (
        "NAME            STATUS                     ROLES           AGE    VERSION\n"
        "control-plane   Ready                      control-plane   120m   v1.34.1\n"
        "worker-1        Ready                      <none>          120m   v1.34.1\n"
        "worker-2        NotReady                   <none>          120m   v1.34.1\n"
        "worker-3        Ready,SchedulingDisabled   <none>          30m    v1.34.1\n"
    )


def test_get_nodes_wide():
    assert print_get("nodes", cluster_nodes()[:2], NOW, wide=True) == (
        "NAME            STATUS                     ROLES           AGE    VERSION   INTERNAL-IP    "
        "EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION     CONTAINER-RUNTIME\n"
        "control-plane   Ready                      control-plane   120m   v1.34.1   192.168.0.10   "
        "<none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic   containerd://1.7.22\n"
        "worker-3        Ready,SchedulingDisabled   <none>          30m    v1.34.1   192.168.0.13   "
        "<none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic   containerd://1.7.22\n"
    )


def test_node_without_ready_condition_is_unknown_and_roles_are_sorted():
    node = make_node("n1")
    node["status"]["conditions"] = []
    node["metadata"]["labels"].update(
        {"kubernetes.io/role": "worker", "node-role.kubernetes.io/etcd": ""}
    )
    assert (
        print_get("nodes", [node], NOW, no_headers=True)
        == "n1    Unknown   etcd,worker   120m   v1.34.1\n"
    )


# ---------------------------------------------------------------------------
# Workloads, services, endpoints, events, namespaces


def make_deployment(ready=2, replicas=3):
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta("web", created=NOW - 10 * MINUTE),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}},
        },
        "status": {
            "replicas": 3,
            "updatedReplicas": 3,
            "readyReplicas": ready,
            "availableReplicas": ready,
        },
    }


def test_get_deployments_with_wide_columns():
    assert print_get("deployments", [make_deployment()], NOW, wide=True) == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n"
        "web    2/3     3            2           10m   web          nginx:1.27   app=web\n"
    )


def test_get_replicasets_and_kind_prefix_as_in_get_all():
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta("web-6d4cf56db6", created=NOW - 5 * MINUTE),
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web", "pod-template-hash": "6d4cf56db6"}},
        },
        "status": {"replicas": 3, "readyReplicas": 2},
    }
    assert print_get("replicasets", [rs], NOW, kind_prefix="replicaset.apps") == (
        "NAME                             DESIRED   CURRENT   READY   AGE\n"
        "replicaset.apps/web-6d4cf56db6   3         3         2       5m\n"
    )
    assert (
        print_get("replicasets", [rs], NOW, wide=True)
        .splitlines()[1]
        .endswith("app=web,pod-template-hash=6d4cf56db6")
    )


def make_service(name, type_="ClusterIP", ports=(), cluster_ip="10.96.0.1", **spec):
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(name, created=NOW - 8 * MINUTE),
        "spec": {
            "type": type_,
            "clusterIP": cluster_ip,
            "clusterIPs": [cluster_ip],
            "ports": list(ports),
            **spec,
        },
    }


def test_get_services_types_external_ips_and_ports():
    services = [
        make_service("kubernetes", ports=[{"port": 443, "protocol": "TCP"}]),
        make_service(
            "web",
            "NodePort",
            [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}],
            "10.96.120.15",
            selector={"app": "web"},
        ),
        make_service("shop", "LoadBalancer", [{"port": 443, "nodePort": 31443}], "10.96.33.7"),
        make_service("db", ports=[{"port": 5432}], cluster_ip="None"),
        make_service("search", "ExternalName", cluster_ip="", externalName="search.example.com"),
    ]
    services[4]["spec"]["clusterIPs"] = []
    lb = copy.deepcopy(services[2])
    lb["metadata"]["name"] = "shop-ready"
    lb["status"] = {
        "loadBalancer": {"ingress": [{"hostname": "a1b2c3d4e5f6-1234567890.elb.example.com"}]}
    }
    assert print_get("services", [*services, lb], NOW, wide=True) == (
        "NAME         TYPE           CLUSTER-IP     EXTERNAL-IP                               "
        "PORT(S)               AGE   SELECTOR\n"
        "db           ClusterIP      None           <none>                                    "
        "5432/TCP              8m    <none>\n"
        "kubernetes   ClusterIP      10.96.0.1      <none>                                    "
        "443/TCP               8m    <none>\n"
        "search       ExternalName   <none>         search.example.com                        "
        "<none>                8m    <none>\n"
        "shop         LoadBalancer   10.96.33.7     <pending>                                 "
        "443:31443/TCP         8m    <none>\n"
        "shop-ready   LoadBalancer   10.96.33.7     a1b2c3d4e5f6-1234567890.elb.example.com   "
        "443:31443/TCP         8m    <none>\n"
        "web          NodePort       10.96.120.15   <none>                                    "
        "80:30080/TCP,53/UDP   8m    app=web\n"
    )


def test_endpoints_show_three_addresses_then_how_many_more():
    endpoints = {
        "metadata": meta("web", created=NOW - 8 * MINUTE),
        "subsets": [
            {
                "addresses": [
                    {"ip": "10.244.1.2"},
                    {"ip": "10.244.2.3"},
                    {"ip": "10.244.1.5"},
                    {"ip": "10.244.2.7"},
                ],
                "notReadyAddresses": [{"ip": "10.244.2.8"}],
                "ports": [{"name": "http", "port": 80}, {"name": "metrics", "port": 9090}],
            }
        ],
    }
    assert print_get("endpoints", [endpoints], NOW) == (
        "NAME   ENDPOINTS                                               AGE\n"
        "web    10.244.1.2:80,10.244.2.3:80,10.244.1.5:80 + 5 more...   8m\n"
    )
    assert format_endpoints({"subsets": [{"addresses": [{"ip": "10.0.0.1"}]}]}) == "10.0.0.1"
    assert format_endpoints({"subsets": []}) == "<none>"


def test_get_events_in_api_order_with_lower_case_kind():
    def event(name, kind, obj, last, type_, reason, message, ns="default"):
        return {
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": {"kind": kind, "name": obj},
            "type": type_,
            "reason": reason,
            "message": message,
            "count": 1,
            "firstTimestamp": rfc3339(last),
            "lastTimestamp": rfc3339(last),
            "eventTime": None,
            "source": {"component": "kubelet", "host": "worker-1"},
        }

    events = [
        event("web.18a2", "Deployment", "web", NOW - 9 * MINUTE, "Normal", "ScalingReplicaSet",
              "Scaled up replica set web-6d4cf56db6 from 0 to 4"),
        event("web-6d4cf56db6-crash.18a7", "Pod", "web-6d4cf56db6-crash", NOW - 30 * SECOND,
              "Warning", "BackOff", "Back-off restarting failed container web in pod web-6d4cf56db6-crash"),
        event("web-6d4cf56db6-crash.18a3", "Pod", "web-6d4cf56db6-crash", NOW - 8 * MINUTE,
              "Normal", "Scheduled", "Successfully assigned default/web-6d4cf56db6-crash to worker-1 "),
    ]  # fmt: skip
    assert print_get("events", events, NOW) == (
        "LAST SEEN   TYPE      REASON              OBJECT                     MESSAGE\n"
        "8m          Normal    Scheduled           pod/web-6d4cf56db6-crash   "
        "Successfully assigned default/web-6d4cf56db6-crash to worker-1\n"
        "30s         Warning   BackOff             pod/web-6d4cf56db6-crash   "
        "Back-off restarting failed container web in pod web-6d4cf56db6-crash\n"
        "9m          Normal    ScalingReplicaSet   deployment/web             "
        "Scaled up replica set web-6d4cf56db6 from 0 to 4\n"
    )
    wide = print_get("events", events[:1], NOW, wide=True).splitlines()
    assert wide[0] == (
        "LAST SEEN   TYPE     REASON              OBJECT           SUBOBJECT   SOURCE              "
        "MESSAGE                                            FIRST SEEN   COUNT   NAME"
    )
    assert wide[1].endswith("9m           1       web.18a2")


def test_get_namespaces_configmaps_and_unknown_kinds():
    namespaces = [
        {"metadata": meta("kube-system", namespace=None), "status": {"phase": "Active"}},
        {"metadata": meta("default", namespace=None), "status": {"phase": "Active"}},
        {
            "metadata": meta("old", namespace=None, created=NOW - 90 * SECOND),
            "status": {"phase": "Terminating"},
        },
    ]
    assert print_get("namespaces", namespaces, NOW) == (
        "NAME          STATUS        AGE\n"
        "default       Active        120m\n"
        "kube-system   Active        120m\n"
        "old           Terminating   90s\n"
    )
    config = {
        "metadata": meta("app-config", created=NOW - 3 * MINUTE),
        "data": {"a": "1", "b": "2"},
    }
    assert (
        print_get("configmaps", [config], NOW)
        == "NAME         DATA   AGE\napp-config   2      3m\n"
    )
    widget = {"metadata": meta("w1", created=NOW + 5 * SECOND)}  # clock skew: a future timestamp
    assert print_get("widgets.example.com", [widget], NOW) == "NAME   AGE\nw1     <invalid>\n"
    ingress = {
        "metadata": meta("shop", created=NOW - 61 * MINUTE),
        "spec": {"rules": [{"host": "shop.example.com"}]},
    }
    assert print_get("ingresses", [ingress], NOW) == (
        "NAME   CLASS    HOSTS              ADDRESS   PORTS   AGE\n"
        "shop   <none>   shop.example.com             80      61m\n"
    )


def test_nothing_to_print():
    assert print_get("pods", [], NOW) == ""
    assert no_resources_message("default", False) == "No resources found in default namespace."
    assert no_resources_message("default", True) == "No resources found"
    assert join_get_groups(["A\n", "", "B\n"]) == "A\n\nB\n"
    assert join_get_groups(["A\n", "B\n"], no_headers=True) == "A\nB\n"


def test_quantities_print_in_canonical_form():
    samples = {"500m": "500m", "0.5": "500m", "2000m": "2", "1024Mi": "1Gi", "1536Mi": "1536Mi"}
    samples |= {"1000": "1k", "128M": "128M", "1e3": "1e3", "0.5Gi": "512Mi", "100m": "100m"}
    assert {text: str(Quantity.parse(text)) for text in samples} == samples
    assert str(Quantity.parse("64Mi") + Quantity.parse("128Mi")) == "192Mi"


# ---------------------------------------------------------------------------
# Real kubectl output from kubernetes.io


def test_get_deployments_and_replicasets_match_kubernetes_io():
    # https://kubernetes.io/docs/concepts/workloads/controllers/deployment/ "Creating a Deployment"
    deployment = make_deployment(ready=0, replicas=3)
    deployment["metadata"] = meta("nginx-deployment", created=NOW - SECOND)
    deployment["status"] = {}
    assert print_get("deployments", [deployment], NOW) == (
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "nginx-deployment   0/3     0            0           1s\n"
    )
    deployment["metadata"]["creationTimestamp"] = rfc3339(NOW - 18 * SECOND)
    deployment["status"] = {
        "replicas": 3,
        "updatedReplicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
    }
    assert print_get("deployments", [deployment], NOW) == (
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "nginx-deployment   3/3     3            3           18s\n"
    )
    replicaset = {
        "metadata": meta("nginx-deployment-75675f5897", created=NOW - 18 * SECOND),
        "spec": {"replicas": 3},
        "status": {"replicas": 3, "readyReplicas": 3},
    }
    assert print_get("rs", [replicaset], NOW) == (
        "NAME                          DESIRED   CURRENT   READY   AGE\n"
        "nginx-deployment-75675f5897   3         3         3       18s\n"
    )


def test_get_pods_matches_kubernetes_io_debug_running_pods():
    # https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/
    pods = [
        make_pod(name, state=RUNNING, ready=True)
        for name in ("nginx-deployment-67d4bdd6f5-cx2nz", "nginx-deployment-67d4bdd6f5-w6kd7")
    ]
    for pod in pods:
        pod["metadata"]["creationTimestamp"] = rfc3339(NOW - 13 * SECOND)
    assert print_get("pods", pods, NOW) == (
        "NAME                                READY   STATUS    RESTARTS   AGE\n"
        "nginx-deployment-67d4bdd6f5-cx2nz   1/1     Running   0          13s\n"
        "nginx-deployment-67d4bdd6f5-w6kd7   1/1     Running   0          13s\n"
    )


def test_services_endpointslices_configmaps_match_kubernetes_io():
    # https://kubernetes.io/docs/tutorials/services/connect-applications-service/
    my_nginx = make_service(
        "my-nginx", ports=[{"port": 80, "protocol": "TCP"}], cluster_ip="10.0.162.149"
    )
    my_nginx["metadata"]["creationTimestamp"] = rfc3339(NOW - 21 * SECOND)
    assert print_get("svc", [my_nginx], NOW) == (
        "NAME       TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE\n"
        "my-nginx   ClusterIP   10.0.162.149   <none>        80/TCP    21s\n"
    )
    kube_dns = make_service(
        "kube-dns",
        ports=[{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
        cluster_ip="10.0.0.10",
    )
    kube_dns["metadata"] = meta("kube-dns", "kube-system", created=NOW - 8 * MINUTE)
    assert print_get("services", [kube_dns], NOW) == (
        "NAME       TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)         AGE\n"
        "kube-dns   ClusterIP   10.0.0.10    <none>        53/UDP,53/TCP   8m\n"
    )
    slice_ = {
        "metadata": meta("my-nginx-7vzhx", created=NOW - 21 * SECOND),
        "addressType": "IPv4",
        "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["10.244.2.5"]}, {"addresses": ["10.244.3.4"]}],
    }
    assert print_get("endpointslices", [slice_], NOW) == (
        "NAME             ADDRESSTYPE   PORTS   ENDPOINTS               AGE\n"
        "my-nginx-7vzhx   IPv4          80      10.244.2.5,10.244.3.4   21s\n"
    )
    config = {
        "metadata": meta("nginxconfigmap", created=NOW - 114 * SECOND),
        "data": {"default.conf": "..."},
    }
    assert print_get("configmaps", [config], NOW) == (
        "NAME             DATA   AGE\nnginxconfigmap   1      114s\n"
    )


# ---------------------------------------------------------------------------
# -o json, -o yaml, -o name

DOC_POD_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2022-02-17T21:51:01Z"
  generateName: nginx-deployment-67d4bdd6f5-
  labels:
    app: nginx
    pod-template-hash: 67d4bdd6f5
  name: nginx-deployment-67d4bdd6f5-w6kd7
  namespace: default
  ownerReferences:
  - apiVersion: apps/v1
    blockOwnerDeletion: true
    controller: true
    kind: ReplicaSet
    name: nginx-deployment-67d4bdd6f5
    uid: 7d41dfd4-84c0-4be4-88ab-cedbe626ad82
  resourceVersion: "1364"
  uid: a6501da1-0447-4262-98eb-c03d4002222e
spec:
  containers:
  - image: nginx
    imagePullPolicy: Always
    name: nginx
    ports:
    - containerPort: 80
      protocol: TCP
    resources:
      limits:
        cpu: 500m
        memory: 128Mi
      requests:
        cpu: 500m
        memory: 128Mi
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    volumeMounts:
    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      name: kube-api-access-bgsgp
      readOnly: true
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  nodeName: kube-worker-1
  preemptionPolicy: PreemptLowerPriority
  priority: 0
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  serviceAccount: default
  serviceAccountName: default
  terminationGracePeriodSeconds: 30
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
  - effect: NoExecute
    key: node.kubernetes.io/unreachable
    operator: Exists
    tolerationSeconds: 300
  volumes:
  - name: kube-api-access-bgsgp
    projected:
      defaultMode: 420
      sources:
      - serviceAccountToken:
          expirationSeconds: 3607
          path: token
      - configMap:
          items:
          - key: ca.crt
            path: ca.crt
          name: kube-root-ca.crt
      - downwardAPI:
          items:
          - fieldRef:
              apiVersion: v1
              fieldPath: metadata.namespace
            path: namespace
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2022-02-17T21:51:01Z"
    status: "True"
    type: Initialized
  - lastProbeTime: null
    lastTransitionTime: "2022-02-17T21:51:06Z"
    status: "True"
    type: Ready
  - lastProbeTime: null
    lastTransitionTime: "2022-02-17T21:51:06Z"
    status: "True"
    type: ContainersReady
  - lastProbeTime: null
    lastTransitionTime: "2022-02-17T21:51:01Z"
    status: "True"
    type: PodScheduled
  containerStatuses:
  - containerID: containerd://5403af59a2b46ee5a23fb0ae4b1e077f7ca5c5fb7af16e1ab21c00e0e616462a
    image: docker.io/library/nginx:latest
    imageID: docker.io/library/nginx@sha256:2834dc507516af02784808c5f48b7cbe38b8ed5d0f4837f16e78d00deb7e7767
    lastState: {}
    name: nginx
    ready: true
    restartCount: 0
    started: true
    state:
      running:
        startedAt: "2022-02-17T21:51:05Z"
  hostIP: 192.168.0.113
  phase: Running
  podIP: 10.88.0.3
  podIPs:
  - ip: 10.88.0.3
  - ip: 2001:db8::1
  qosClass: Guaranteed
  startTime: "2022-02-17T21:51:01Z"
"""


def test_to_yaml_reproduces_kubectl_get_pod_o_yaml_from_kubernetes_io():
    # https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/
    # (`kubectl get pod nginx-deployment-... -o yaml`): load it, print it, same bytes.
    assert to_yaml(yaml.safe_load(DOC_POD_YAML)) == DOC_POD_YAML


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("80", '"80"'),
        ("true", '"true"'),
        ("True", '"True"'),
        ("yes", '"yes"'),
        ("null", '"null"'),
        ("", '""'),
        ("1.5", '"1.5"'),
        ("0x1F", '"0x1F"'),
        ("1e3", '"1e3"'),
        ("10:30", '"10:30"'),
        ("2026-01-05T09:00:00Z", '"2026-01-05T09:00:00Z"'),
        ("nginx:1.27", "nginx:1.27"),
        ("500m", "500m"),
        ("- item", "'- item'"),
        ("key: value", "'key: value'"),
        ("*", "'*'"),
        ("{}", "'{}'"),
        ("it's", "it's"),
        ("'quoted'", "'''quoted'''"),
        (" padded", "' padded'"),
        ("tab\there", '"tab\\there"'),
        ("Back-off 10s restarting failed container", "Back-off 10s restarting failed container"),
        ("rocket \U0001f680", '"rocket \\U0001F680"'),
    ],
)
def test_to_yaml_quotes_strings_as_go_yaml_does(value, printed):
    assert to_yaml({"v": value}) == f"v: {printed}\n"


def test_to_yaml_layout_of_blocks_and_keys():
    obj = {
        "data": {"a10": "x", "a9": "y", "B": "z", "_private": "w"},
        "script": "#!/bin/sh\necho hi\n",
        "strip": "no newline\nat end",
        "matrix": [[1, 2], []],
        "empty": {},
        "items": [{"name": "a", "ports": [{"port": 80}]}, "plain"],
        "float": 0.25,
        "whole": 2.0,
    }
    assert to_yaml(obj) == (
        "data:\n"
        "  _private: w\n"
        "  B: z\n"
        '  a9: "y"\n'
        "  a10: x\n"
        "empty: {}\n"
        "float: 0.25\n"
        "items:\n"
        "- name: a\n"
        "  ports:\n"
        "  - port: 80\n"
        "- plain\n"
        "matrix:\n"
        "- - 1\n"
        "  - 2\n"
        "- []\n"
        "script: |\n"
        "  #!/bin/sh\n"
        "  echo hi\n"
        "strip: |-\n"
        "  no newline\n"
        "  at end\n"
        "whole: 2\n"
    )


def test_to_json_is_go_marshal_indent():
    obj = {
        "kind": "ConfigMap",
        "data": {"motd": "<b>hi</b> & bye\n"},
        "empty": [],
        "n": 1,
        "ratio": 0.5,
    }
    assert to_json(obj) == (
        "{\n"
        '    "data": {\n'
        '        "motd": "\\u003cb\\u003ehi\\u003c/b\\u003e \\u0026 bye\\n"\n'
        "    },\n"
        '    "empty": [],\n'
        '    "kind": "ConfigMap",\n'
        '    "n": 1,\n'
        '    "ratio": 0.5\n'
        "}\n"
    )
    assert [go_json_float(x) for x in (2.0, 1e21, 1e-7, 123456.5)] == [
        "2",
        "1e+21",
        "1e-7",
        "123456.5",
    ]
    assert [go_format_g(x) for x in (0.25, 1e21, 1234567.5)] == ["0.25", "1e+21", "1.2345675e+06"]


def test_to_yaml_edge_cases_of_keys_and_numbers():
    assert to_yaml({"80": 1, "": 2, "a: b": 3}) == '"": 2\n"80": 1\n\'a: b\': 3\n'
    assert to_yaml({"a": 1e20, "b": -0.0, "c": 12345678.0}) == "a: 1e+20\nb: 0\nc: 12345678\n"
    assert to_yaml({"y": "n"}) == '"y": "n"\n'  # YAML 1.1 reads both as booleans
    assert to_yaml({"k" * 129: "v"}) == "? " + "k" * 129 + "\n: v\n"
    assert to_yaml({"note": "ends with two newlines\n\n", "next": 1}) == (
        "next: 1\nnote: |+\n  ends with two newlines\n\n"
    )


def test_list_wrapper_and_names():
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1"}}
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
    assert (
        to_yaml(list_wrapper([]))
        == 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n'
    )
    assert to_json(list_wrapper([])) == (
        '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n'
        '    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
    )
    assert to_name([pod, deployment]) == "pod/web-1\ndeployment.apps/web\n"
    assert to_name([deployment], "deployment.apps") == "deployment.apps/web\n"


def test_a_job_whose_success_criteria_are_met_says_so_until_complete():
    """v1.34's printJob: SuccessCriteriaMet while the Job's pods finish terminating, then
    Complete (kubernetes/kubernetes#132832)."""
    from cluster_sim.engine.kubectl.printers import _job_cells

    def job(*conditions):
        return {
            "metadata": {"name": "work"},
            "spec": {"completions": 2},
            "status": {
                "succeeded": 2,
                "conditions": [{"type": kind, "status": "True"} for kind in conditions],
            },
        }

    assert _job_cells(job("SuccessCriteriaMet"), 0)[1] == "SuccessCriteriaMet"
    assert _job_cells(job("SuccessCriteriaMet", "Complete"), 0)[1] == "Complete"
    assert _job_cells(job(), 0)[1] == "Running"
