"""kubectl describe, checked byte for byte (trailing spaces included: kubectl prints them).

Layouts follow k8s.io/kubectl/pkg/describe/describe.go; the `*_kubernetes_io` tests
compare with real `kubectl describe` output quoted from kubernetes.io pages.
"""

import copy
import re

import yaml

from cluster_sim.engine.kubectl.describe import (
    describe_deployment,
    describe_events,
    describe_node,
    describe_pod,
    describe_replicaset,
    describe_service,
    pod_qos_class,
    split_replicasets,
)
from cluster_sim.engine.timefmt import HOUR, MINUTE, SECOND, parse_rfc3339, rfc3339

NOW = 2 * HOUR
TOLERATIONS = [
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]  # fmt: skip


def meta(name, namespace="default", created=0, **extra):
    data = {"name": name, "creationTimestamp": rfc3339(created), "uid": f"uid-{name}"}
    if namespace:
        data["namespace"] = namespace
    data.update(extra)
    return data


def event(reason, message, *, ago, type_="Normal", source="kubelet", count=1, first_ago=None):
    first = ago if first_ago is None else first_ago
    return {
        "type": type_,
        "reason": reason,
        "message": message,
        "count": count,
        "firstTimestamp": rfc3339(NOW - first),
        "lastTimestamp": rfc3339(NOW - ago),
        "eventTime": None,
        "source": {"component": source},
    }


CONTAINER = {
    "name": "web",
    "image": "nginx:1.27",
    "ports": [{"containerPort": 80, "protocol": "TCP"}],
    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
}


def web_pod(name, *, node="worker-1", ip="10.244.1.5", phase="Running", status=None):
    owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-6d4cf56db6",
             "uid": "uid-web-6d4cf56db6", "controller": True}  # fmt: skip
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(
            name,
            created=NOW - 10 * MINUTE,
            labels={"app": "web", "pod-template-hash": "6d4cf56db6"},
            ownerReferences=[owner],
        ),
        "spec": {
            "nodeName": node,
            "serviceAccountName": "default",
            "containers": [copy.deepcopy(CONTAINER)],
            "tolerations": copy.deepcopy(TOLERATIONS),
        },
        "status": {
            "phase": phase,
            "hostIP": "192.168.0.11",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": rfc3339(NOW - 10 * MINUTE),
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [status or {"name": "web", "ready": True, "restartCount": 0,
                                             "state": {"running": {"startedAt": rfc3339(NOW - 10 * MINUTE)}}}],
        },
    }  # fmt: skip


def crashing_pod():
    status = {
        "name": "web",
        "containerID": "containerd://4f1c",
        "imageID": "docker.io/library/nginx@sha256:8adbdcb9",
        "ready": False,
        "restartCount": 3,
        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}},
        "lastState": {
            "terminated": {
                "exitCode": 1,
                "reason": "Error",
                "startedAt": rfc3339(NOW - 60 * SECOND),
                "finishedAt": rfc3339(NOW - 45 * SECOND),
            }
        },
    }
    pod = web_pod("web-6d4cf56db6-crash", status=status)
    pod["status"]["conditions"] = [
        {"type": "PodReadyToStartContainers", "status": "True"},
        {"type": "Initialized", "status": "True"},
        {"type": "Ready", "status": "False"},
        {"type": "ContainersReady", "status": "False"},
        {"type": "PodScheduled", "status": "True"},
    ]
    return pod


def node_lease(name, *, renewed):
    """The kubelet's Lease in kube-node-lease (no acquireTime: the kubelet never sets one)."""
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": "kube-node-lease"},
        "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": rfc3339(renewed)},
    }


def make_node(name, *, ready="True", ip="192.168.0.11"):
    heartbeat, start = rfc3339(NOW - 40 * SECOND), rfc3339(0)
    conditions = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    if ready != "True":
        conditions = [(kind, "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
                      for kind, *_ in conditions]  # fmt: skip
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta(name, namespace=None, labels={"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}),
        "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"]},
        "status": {
            "conditions": [
                {"type": kind, "status": status, "lastHeartbeatTime": heartbeat, "lastTransitionTime": start,
                 "reason": reason, "message": message}
                for kind, status, reason, message in conditions
            ],  # fmt: skip
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "capacity": {"cpu": "2", "memory": "4025896Ki", "pods": "110", "ephemeral-storage": "61255492Ki",
                         "hugepages-2Mi": "0"},
            "allocatable": {"cpu": "2", "memory": "3923496Ki", "pods": "110",
                            "ephemeral-storage": "56453061334", "hugepages-2Mi": "0"},
            "nodeInfo": {"machineID": "5d1f", "systemUUID": "8b2e", "bootID": "c3a0",
                         "kernelVersion": "6.8.0-45-generic", "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "operatingSystem": "linux", "architecture": "amd64",
                         "containerRuntimeVersion": "containerd://1.7.22",
                         "kubeletVersion": "v1.34.1", "kubeProxyVersion": "v1.34.1"},
        },
    }  # fmt: skip


def template(image="nginx:1.27", hash_=None):
    labels = {"app": "web"} if hash_ is None else {"app": "web", "pod-template-hash": hash_}
    container = copy.deepcopy(CONTAINER)
    container["image"] = image
    return {"metadata": {"labels": labels}, "spec": {"containers": [container]}}


def web_deployment():
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta("web", created=NOW - 10 * MINUTE, labels={"app": "web"},
                         annotations={"deployment.kubernetes.io/revision": "2"}),
        "spec": {
            "replicas": 4,
            "selector": {"matchLabels": {"app": "web"}},
            "template": template(),
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
        },
        "status": {
            "replicas": 4, "updatedReplicas": 4, "readyReplicas": 2, "availableReplicas": 2, "unavailableReplicas": 2,
            "conditions": [
                {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"},
                {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"},
            ],
        },
    }  # fmt: skip


def web_replicaset(name, replicas, image, created):
    owner = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "web",
        "uid": "uid-web",
        "controller": True,
    }
    hash_ = name.rsplit("-", 1)[1]
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta(name, created=created, labels={"app": "web", "pod-template-hash": hash_},
                         annotations={"deployment.kubernetes.io/revision": "2"}, ownerReferences=[owner]),
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web", "pod-template-hash": hash_}},
                 "template": template(image, hash_)},
        "status": {"replicas": replicas, "readyReplicas": min(replicas, 2)},
    }  # fmt: skip


def replicasets():
    return [
        web_replicaset("web-6d4cf56db6", 4, "nginx:1.27", NOW - 5 * MINUTE),
        web_replicaset("web-7c9f8b6d5f", 0, "nginx:1.26", NOW - 10 * MINUTE),
    ]


# ---------------------------------------------------------------------------
# Pods


def test_describe_crash_looping_pod():
    events = [
        event("BackOff", "Back-off restarting failed container web in pod web-6d4cf56db6-crash_default",
              ago=20 * SECOND, first_ago=2 * MINUTE, type_="Warning", count=5),
        event("Scheduled", "Successfully assigned default/web-6d4cf56db6-crash to worker-1",
              ago=10 * MINUTE, source="default-scheduler"),
        event("Pulled", 'Container image "nginx:1.27" already present on machine',
              ago=45 * SECOND, first_ago=10 * MINUTE, count=4),
    ]  # fmt: skip
    assert describe_pod(crashing_pod(), events, NOW) == (
        "Name:             web-6d4cf56db6-crash\n"
        "Namespace:        default\n"
        "Service Account:  default\n"
        "Node:             worker-1/192.168.0.11\n"
        "Start Time:       Mon, 05 Jan 2026 10:50:00 +0000\n"
        "Labels:           app=web\n"
        "                  pod-template-hash=6d4cf56db6\n"
        "Annotations:      <none>\n"
        "Status:           Running\n"
        "IP:               10.244.1.5\n"
        "IPs:\n"
        "  IP:           10.244.1.5\n"
        "Controlled By:  ReplicaSet/web-6d4cf56db6\n"
        "Containers:\n"
        "  web:\n"
        "    Container ID:   containerd://4f1c\n"
        "    Image:          nginx:1.27\n"
        "    Image ID:       docker.io/library/nginx@sha256:8adbdcb9\n"
        "    Port:           80/TCP\n"
        "    Host Port:      0/TCP\n"
        "    State:          Waiting\n"
        "      Reason:       CrashLoopBackOff\n"
        "    Last State:     Terminated\n"
        "      Reason:       Error\n"
        "      Exit Code:    1\n"
        "      Started:      Mon, 05 Jan 2026 10:59:00 +0000\n"
        "      Finished:     Mon, 05 Jan 2026 10:59:15 +0000\n"
        "    Ready:          False\n"
        "    Restart Count:  3\n"
        "    Limits:\n"
        "      memory:  256Mi\n"
        "    Requests:\n"
        "      cpu:        100m\n"
        "      memory:     128Mi\n"
        "    Environment:  <none>\n"
        "    Mounts:       <none>\n"
        "Conditions:\n"
        "  Type                        Status\n"
        "  PodReadyToStartContainers   True \n"
        "  Initialized                 True \n"
        "  Ready                       False \n"
        "  ContainersReady             False \n"
        "  PodScheduled                True \n"
        "Volumes:                      <none>\n"
        "QoS Class:                    Burstable\n"
        "Node-Selectors:               <none>\n"
        "Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
        "                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        "Events:\n"
        "  Type     Reason     Age                From               Message\n"
        "  ----     ------     ----               ----               -------\n"
        "  Normal   Scheduled  10m                default-scheduler  "
        "Successfully assigned default/web-6d4cf56db6-crash to worker-1\n"
        "  Normal   Pulled     45s (x4 over 10m)  kubelet            "
        'Container image "nginx:1.27" already present on machine\n'
        "  Warning  BackOff    20s (x5 over 2m)   kubelet            "
        "Back-off restarting failed container web in pod web-6d4cf56db6-crash_default\n"
    )


def featureful_pod():
    pod = web_pod("api-0", ip="10.244.2.9", node="worker-2")
    pod["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": "{}\n",
        "prometheus.io/scrape": "true",
        "example.com/notes": "first line\nsecond line",
    }
    pod["metadata"]["deletionTimestamp"] = rfc3339(NOW + 20 * SECOND)
    pod["metadata"]["deletionGracePeriodSeconds"] = 30
    pod["spec"]["priority"] = 0
    pod["spec"]["nodeSelector"] = {"disktype": "ssd", "kubernetes.io/os": "linux"}
    pod["spec"]["readinessGates"] = [{"conditionType": "example.com/feature-1"}]
    pod["spec"]["initContainers"] = [
        {"name": "migrate", "image": "busybox:1.37", "command": ["sh", "-c", "echo migrating"]}
    ]
    done = {"exitCode": 0, "reason": "Completed", "startedAt": rfc3339(NOW - 10 * MINUTE),
            "finishedAt": rfc3339(NOW - 10 * MINUTE + 2 * SECOND)}  # fmt: skip
    pod["status"]["initContainerStatuses"] = [
        {"name": "migrate", "containerID": "containerd://11aa", "imageID": "", "ready": True,
         "restartCount": 0, "state": {"terminated": done}}
    ]  # fmt: skip
    container = pod["spec"]["containers"][0]
    container["env"] = [
        {"name": "MODE", "value": "production"},
        {
            "name": "POD_NAME",
            "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
        },
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
    ]
    container["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 3,
                                  "periodSeconds": 3}  # fmt: skip
    container["readinessProbe"] = {"tcpSocket": {"port": "http"}}
    container["volumeMounts"] = [
        {"name": "config", "mountPath": "/etc/web", "readOnly": True},
        {"name": "cache", "mountPath": "/cache"},
    ]
    pod["spec"]["volumes"] = [
        {"name": "config", "configMap": {"name": "web-config"}},
        {"name": "cache", "emptyDir": {}},
    ]
    return pod


def test_describe_terminating_pod_with_init_container_env_probes_and_volumes():
    # events=None is `--show-events=false`: no Events section at all.
    assert describe_pod(featureful_pod(), None, NOW) == (
        "Name:                      api-0\n"
        "Namespace:                 default\n"
        "Priority:                  0\n"
        "Service Account:           default\n"
        "Node:                      worker-2/192.168.0.11\n"
        "Start Time:                Mon, 05 Jan 2026 10:50:00 +0000\n"
        "Labels:                    app=web\n"
        "                           pod-template-hash=6d4cf56db6\n"
        "Annotations:               example.com/notes:\n"
        "                             first line\n"
        "                             second line\n"
        "                           prometheus.io/scrape: true\n"
        "Status:                    Terminating (lasts <invalid>)\n"
        "Termination Grace Period:  30s\n"
        "IP:                        10.244.2.9\n"
        "IPs:\n"
        "  IP:           10.244.2.9\n"
        "Controlled By:  ReplicaSet/web-6d4cf56db6\n"
        "Init Containers:\n"
        "  migrate:\n"
        "    Container ID:  containerd://11aa\n"
        "    Image:         busybox:1.37\n"
        "    Image ID:      \n"
        "    Port:          <none>\n"
        "    Host Port:     <none>\n"
        "    Command:\n"
        "      sh\n"
        "      -c\n"
        "      echo migrating\n"
        "    State:          Terminated\n"
        "      Reason:       Completed\n"
        "      Exit Code:    0\n"
        "      Started:      Mon, 05 Jan 2026 10:50:00 +0000\n"
        "      Finished:     Mon, 05 Jan 2026 10:50:02 +0000\n"
        "    Ready:          True\n"
        "    Restart Count:  0\n"
        "    Environment:    <none>\n"
        "    Mounts:         <none>\n"
        "Containers:\n"
        "  web:\n"
        "    Container ID:   \n"
        "    Image:          nginx:1.27\n"
        "    Image ID:       \n"
        "    Port:           80/TCP\n"
        "    Host Port:      0/TCP\n"
        "    State:          Running\n"
        "      Started:      Mon, 05 Jan 2026 10:50:00 +0000\n"
        "    Ready:          True\n"
        "    Restart Count:  0\n"
        "    Limits:\n"
        "      memory:  256Mi\n"
        "    Requests:\n"
        "      cpu:      100m\n"
        "      memory:   128Mi\n"
        "    Liveness:   http-get http://:8080/healthz delay=3s timeout=1s period=3s #success=1 #failure=3\n"
        "    Readiness:  tcp-socket :http delay=0s timeout=1s period=10s #success=1 #failure=3\n"
        "    Environment:\n"
        "      MODE:         production\n"
        "      POD_NAME:     api-0 (v1:metadata.name)\n"
        "      DB_PASSWORD:  <set to the key 'password' in secret 'db'>  Optional: false\n"
        "    Mounts:\n"
        "      /cache from cache (rw)\n"
        "      /etc/web from config (ro)\n"
        "Readiness Gates:\n"
        "  Type                    Status\n"
        "  example.com/feature-1   <none> \n"
        "Conditions:\n"
        "  Type    Status\n"
        "  Ready   True \n"
        "Volumes:\n"
        "  config:\n"
        "    Type:      ConfigMap (a volume populated by a ConfigMap)\n"
        "    Name:      web-config\n"
        "    Optional:  false\n"
        "  cache:\n"
        "    Type:        EmptyDir (a temporary directory that shares a pod's lifetime)\n"
        "    Medium:      \n"
        "    SizeLimit:   <unset>\n"
        "QoS Class:       Burstable\n"
        "Node-Selectors:  disktype=ssd\n"
        "                 kubernetes.io/os=linux\n"
        "Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
        "                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
    )


def test_qos_class_from_resources():
    pod = web_pod("p")
    assert pod_qos_class(pod) == "Burstable"
    pod["spec"]["containers"][0]["resources"] = {}
    assert pod_qos_class(pod) == "BestEffort"
    same = {"cpu": "500m", "memory": "128Mi"}
    pod["spec"]["containers"][0]["resources"] = {
        "requests": dict(same),
        "limits": {"cpu": "0.5", "memory": "128Mi"},
    }
    assert pod_qos_class(pod) == "Guaranteed"
    pod["status"]["qosClass"] = "BestEffort"  # what the API server recorded wins
    assert pod_qos_class(pod) == "BestEffort"


def test_tolerations_and_taint_like_formats():
    pod = web_pod("p")
    pod["spec"]["tolerations"] = [
        {"operator": "Exists"},
        {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"},
        {
            "key": "node-role.kubernetes.io/control-plane",
            "operator": "Exists",
            "effect": "NoSchedule",
        },
    ]
    text = describe_pod(pod, [], NOW)
    assert (
        "Tolerations:     op=Exists\n"
        "                 dedicated=gpu:NoSchedule\n"
        "                 node-role.kubernetes.io/control-plane:NoSchedule op=Exists\n"
        "Events:          <none>\n"
    ) in text


# ---------------------------------------------------------------------------
# Nodes


def test_describe_node_with_pods_and_allocated_resources():
    proxy = web_pod("kube-proxy-x2x8t")
    proxy["metadata"]["namespace"] = "kube-system"
    proxy["metadata"]["creationTimestamp"] = rfc3339(0)
    proxy["spec"]["containers"][0]["resources"] = {}
    finished = web_pod("batch-28s9c", phase="Succeeded")  # not listed: only non-terminated pods
    pods = [crashing_pod(), web_pod("web-6d4cf56db6-x7k2p"), proxy, finished]
    lease = node_lease("worker-1", renewed=NOW - 4 * SECOND)
    assert describe_node(make_node("worker-1"), pods, [], NOW, lease=lease) == (
        "Name:               worker-1\n"
        "Roles:              <none>\n"
        "Labels:             kubernetes.io/hostname=worker-1\n"
        "                    kubernetes.io/os=linux\n"
        "Annotations:        <none>\n"
        "CreationTimestamp:  Mon, 05 Jan 2026 09:00:00 +0000\n"
        "Taints:             <none>\n"
        "Unschedulable:      false\n"
        "Lease:\n"
        "  HolderIdentity:  worker-1\n"
        "  AcquireTime:     <unset>\n"
        "  RenewTime:       Mon, 05 Jan 2026 10:59:56 +0000\n"
        "Conditions:\n"
        "  Type             Status  LastHeartbeatTime                 LastTransitionTime                "
        "Reason                       Message\n"
        "  ----             ------  -----------------                 ------------------                "
        "------                       -------\n"
        "  MemoryPressure   False   Mon, 05 Jan 2026 10:59:20 +0000   Mon, 05 Jan 2026 09:00:00 +0000   "
        "KubeletHasSufficientMemory   kubelet has sufficient memory available\n"
        "  DiskPressure     False   Mon, 05 Jan 2026 10:59:20 +0000   Mon, 05 Jan 2026 09:00:00 +0000   "
        "KubeletHasNoDiskPressure     kubelet has no disk pressure\n"
        "  PIDPressure      False   Mon, 05 Jan 2026 10:59:20 +0000   Mon, 05 Jan 2026 09:00:00 +0000   "
        "KubeletHasSufficientPID      kubelet has sufficient PID available\n"
        "  Ready            True    Mon, 05 Jan 2026 10:59:20 +0000   Mon, 05 Jan 2026 09:00:00 +0000   "
        "KubeletReady                 kubelet is posting ready status\n"
        "Addresses:\n"
        "  InternalIP:  192.168.0.11\n"
        "  Hostname:    worker-1\n"
        "Capacity:\n"
        "  cpu:                2\n"
        "  ephemeral-storage:  61255492Ki\n"
        "  hugepages-2Mi:      0\n"
        "  memory:             4025896Ki\n"
        "  pods:               110\n"
        "Allocatable:\n"
        "  cpu:                2\n"
        "  ephemeral-storage:  56453061334\n"
        "  hugepages-2Mi:      0\n"
        "  memory:             3923496Ki\n"
        "  pods:               110\n"
        "System Info:\n"
        "  Machine ID:                 5d1f\n"
        "  System UUID:                8b2e\n"
        "  Boot ID:                    c3a0\n"
        "  Kernel Version:             6.8.0-45-generic\n"
        "  OS Image:                   Debian GNU/Linux 12 (bookworm)\n"
        "  Operating System:           linux\n"
        "  Architecture:               amd64\n"
        "  Container Runtime Version:  containerd://1.7.22\n"
        "  Kubelet Version:            v1.34.1\n"
        "  Kube-Proxy Version:         v1.34.1\n"
        "PodCIDR:                      10.244.1.0/24\n"
        "PodCIDRs:                     10.244.1.0/24\n"
        "Non-terminated Pods:          (3 in total)\n"
        "  Namespace                   Name                    CPU Requests  CPU Limits  "
        "Memory Requests  Memory Limits  Age\n"
        "  ---------                   ----                    ------------  ----------  "
        "---------------  -------------  ---\n"
        "  default                     web-6d4cf56db6-crash    100m (5%)     0 (0%)      "
        "128Mi (3%)       256Mi (6%)     10m\n"
        "  default                     web-6d4cf56db6-x7k2p    100m (5%)     0 (0%)      "
        "128Mi (3%)       256Mi (6%)     10m\n"
        "  kube-system                 kube-proxy-x2x8t        0 (0%)        0 (0%)      "
        "0 (0%)           0 (0%)         120m\n"
        "Allocated resources:\n"
        "  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
        "  Resource           Requests    Limits\n"
        "  --------           --------    ------\n"
        "  cpu                200m (10%)  0 (0%)\n"
        "  memory             256Mi (6%)  512Mi (13%)\n"
        "  ephemeral-storage  0 (0%)      0 (0%)\n"
        "  hugepages-2Mi      0 (0%)      0 (0%)\n"
        "Events:              <none>\n"
    )


def test_describe_unreachable_cordoned_node():
    node = make_node("worker-2", ready="Unknown", ip="192.168.0.12")
    node["spec"]["unschedulable"] = True
    node["spec"]["taints"] = [
        {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"},
    ]
    events = [
        event(
            "NodeNotReady",
            "Node worker-2 status is now: NodeNotReady",
            ago=MINUTE,
            source="node-controller",
        ),
        event(
            "NodeNotSchedulable", "Node worker-2 status is now: NodeNotSchedulable", ago=30 * SECOND
        ),
    ]
    text = describe_node(node, [], events, NOW)
    assert (
        "Taints:             node.kubernetes.io/unreachable:NoExecute\n"
        "                    node.kubernetes.io/unreachable:NoSchedule\n"
        "                    node.kubernetes.io/unschedulable:NoSchedule\n"
        "Unschedulable:      true\n"
        # no Lease in kube-node-lease: kubectl's describeNode prints every field <unset>
        "Lease:\n"
        "  HolderIdentity:  <unset>\n"
        "  AcquireTime:     <unset>\n"
        "  RenewTime:       <unset>\n"
    ) in text
    assert (
        "  Type             Status    LastHeartbeatTime                 LastTransitionTime                "
        "Reason              Message\n"
    ) in text
    assert (
        "  Ready            Unknown   Mon, 05 Jan 2026 10:59:20 +0000   Mon, 05 Jan 2026 09:00:00 +0000   "
        "NodeStatusUnknown   Kubelet stopped posting node status.\n"
    ) in text
    assert text.endswith(
        "Non-terminated Pods:          (0 in total)\n"
        "  Namespace                   Name    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age\n"
        "  ---------                   ----    ------------  ----------  ---------------  -------------  ---\n"
        "Allocated resources:\n"
        "  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
        "  Resource           Requests  Limits\n"
        "  --------           --------  ------\n"
        "  cpu                0 (0%)    0 (0%)\n"
        "  memory             0 (0%)    0 (0%)\n"
        "  ephemeral-storage  0 (0%)    0 (0%)\n"
        "  hugepages-2Mi      0 (0%)    0 (0%)\n"
        "Events:\n"
        "  Type    Reason              Age   From             Message\n"
        "  ----    ------              ----  ----             -------\n"
        "  Normal  NodeNotReady        60s   node-controller  Node worker-2 status is now: NodeNotReady\n"
        "  Normal  NodeNotSchedulable  30s   kubelet          Node worker-2 status is now: NodeNotSchedulable\n"
    )


# ---------------------------------------------------------------------------
# Deployments and ReplicaSets


def test_describe_deployment_mid_rollout():
    events = [
        event("ScalingReplicaSet", "Scaled up replica set web-7c9f8b6d5f from 0 to 4", ago=10 * MINUTE,
              source="deployment-controller"),
        event("ScalingReplicaSet", "Scaled up replica set web-6d4cf56db6 from 0 to 1", ago=5 * MINUTE,
              source="deployment-controller"),
        event("ScalingReplicaSet", "Scaled down replica set web-7c9f8b6d5f from 1 to 0", ago=3 * MINUTE,
              source="deployment-controller"),
    ]  # fmt: skip
    assert describe_deployment(web_deployment(), replicasets(), events, NOW) == (
        "Name:                   web\n"
        "Namespace:              default\n"
        "CreationTimestamp:      Mon, 05 Jan 2026 10:50:00 +0000\n"
        "Labels:                 app=web\n"
        "Annotations:            deployment.kubernetes.io/revision: 2\n"
        "Selector:               app=web\n"
        "Replicas:               4 desired | 4 updated | 4 total | 2 available | 2 unavailable\n"
        "StrategyType:           RollingUpdate\n"
        "MinReadySeconds:        0\n"
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n"
        "Pod Template:\n"
        "  Labels:  app=web\n"
        "  Containers:\n"
        "   web:\n"
        "    Image:      nginx:1.27\n"
        "    Port:       80/TCP\n"
        "    Host Port:  0/TCP\n"
        "    Limits:\n"
        "      memory:  256Mi\n"
        "    Requests:\n"
        "      cpu:         100m\n"
        "      memory:      128Mi\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Conditions:\n"
        "  Type           Status  Reason\n"
        "  ----           ------  ------\n"
        "  Available      False   MinimumReplicasUnavailable\n"
        "  Progressing    True    ReplicaSetUpdated\n"
        "OldReplicaSets:  web-7c9f8b6d5f (0/0 replicas created)\n"
        "NewReplicaSet:   web-6d4cf56db6 (4/4 replicas created)\n"
        "Events:\n"
        "  Type    Reason             Age   From                   Message\n"
        "  ----    ------             ----  ----                   -------\n"
        "  Normal  ScalingReplicaSet  10m   deployment-controller  Scaled up replica set web-7c9f8b6d5f from 0 to 4\n"
        "  Normal  ScalingReplicaSet  5m    deployment-controller  Scaled up replica set web-6d4cf56db6 from 0 to 1\n"
        "  Normal  ScalingReplicaSet  3m    deployment-controller  "
        "Scaled down replica set web-7c9f8b6d5f from 1 to 0\n"
    )


def test_new_replicaset_is_the_one_whose_template_matches():
    old, new = split_replicasets(web_deployment(), replicasets())
    assert new["metadata"]["name"] == "web-6d4cf56db6"
    assert [rs["metadata"]["name"] for rs in old] == ["web-7c9f8b6d5f"]
    orphan = web_replicaset("other-5d8f7c6b4a", 1, "nginx:1.27", 0)
    orphan["metadata"]["ownerReferences"][0]["uid"] = "uid-someone-else"
    assert split_replicasets(web_deployment(), [orphan]) == ([], None)


def test_describe_replicaset_counts_its_pods_by_phase():
    pods = [
        crashing_pod(),
        web_pod("web-6d4cf56db6-x7k2p"),
        web_pod("web-6d4cf56db6-pull", phase="Pending"),
        web_pod("stray-1"),
    ]
    pods[3]["metadata"]["ownerReferences"][0]["uid"] = "uid-another-replicaset"
    events = [event("SuccessfulCreate", "Created pod: web-6d4cf56db6-crash", ago=5 * MINUTE,
                    source="replicaset-controller")]  # fmt: skip
    assert describe_replicaset(replicasets()[0], pods, events, NOW) == (
        "Name:           web-6d4cf56db6\n"
        "Namespace:      default\n"
        "Selector:       app=web,pod-template-hash=6d4cf56db6\n"
        "Labels:         app=web\n"
        "                pod-template-hash=6d4cf56db6\n"
        "Annotations:    deployment.kubernetes.io/revision: 2\n"
        "Controlled By:  Deployment/web\n"
        "Replicas:       4 current / 4 desired\n"
        "Pods Status:    2 Running / 1 Waiting / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        "  Labels:  app=web\n"
        "           pod-template-hash=6d4cf56db6\n"
        "  Containers:\n"
        "   web:\n"
        "    Image:      nginx:1.27\n"
        "    Port:       80/TCP\n"
        "    Host Port:  0/TCP\n"
        "    Limits:\n"
        "      memory:  256Mi\n"
        "    Requests:\n"
        "      cpu:         100m\n"
        "      memory:      128Mi\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Events:\n"
        "  Type    Reason            Age   From                   Message\n"
        "  ----    ------            ----  ----                   -------\n"
        "  Normal  SuccessfulCreate  5m    replicaset-controller  Created pod: web-6d4cf56db6-crash\n"
    )


# ---------------------------------------------------------------------------
# Services


def web_service():
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta("web", created=NOW - 8 * MINUTE, labels={"app": "web"}),
        "spec": {
            "type": "NodePort",
            "selector": {"app": "web"},
            "clusterIP": "10.96.120.15",
            "clusterIPs": ["10.96.120.15"],
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [
                {
                    "name": "http",
                    "port": 80,
                    "targetPort": "http",
                    "nodePort": 30080,
                    "protocol": "TCP",
                },
                {"name": "metrics", "port": 9090, "targetPort": 9090, "protocol": "TCP"},
            ],
            "sessionAffinity": "None",
            "externalTrafficPolicy": "Cluster",
            "internalTrafficPolicy": "Cluster",
        },
    }


def test_describe_service_with_endpoints():
    ready = [{"ip": ip} for ip in ("10.244.1.2", "10.244.2.3", "10.244.1.5", "10.244.2.7")]
    endpoints = {
        "kind": "Endpoints",
        "metadata": meta("web"),
        "subsets": [
            {
                "addresses": ready,
                "notReadyAddresses": [{"ip": "10.244.2.8"}],
                "ports": [{"name": "http", "port": 8080}, {"name": "metrics", "port": 9090}],
            }
        ],
    }
    assert describe_service(web_service(), endpoints, [], NOW) == (
        "Name:                     web\n"
        "Namespace:                default\n"
        "Labels:                   app=web\n"
        "Annotations:              <none>\n"
        "Selector:                 app=web\n"
        "Type:                     NodePort\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       10.96.120.15\n"
        "IPs:                      10.96.120.15\n"
        "Port:                     http  80/TCP\n"
        "TargetPort:               http/TCP\n"
        "NodePort:                 http  30080/TCP\n"
        "Endpoints:                10.244.1.2:8080,10.244.2.3:8080,10.244.1.5:8080 + 1 more...\n"
        "Port:                     metrics  9090/TCP\n"
        "TargetPort:               9090/TCP\n"
        "Endpoints:                10.244.1.2:9090,10.244.2.3:9090,10.244.1.5:9090 + 1 more...\n"
        "Session Affinity:         None\n"
        "External Traffic Policy:  Cluster\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n"
    )


def test_describe_load_balancer_without_endpoints():
    service = {
        "metadata": meta("shop"),
        "spec": {
            "type": "LoadBalancer",
            "clusterIP": "10.96.33.7",
            "clusterIPs": ["10.96.33.7"],
            "ports": [{"port": 443, "targetPort": 8443, "nodePort": 31443, "protocol": "TCP"}],
            "sessionAffinity": "None",
            "externalTrafficPolicy": "Local",
            "healthCheckNodePort": 32000,
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10", "ipMode": "VIP"}]}},
    }
    assert describe_service(service, None, None, NOW) == (
        "Name:                     shop\n"
        "Namespace:                default\n"
        "Labels:                   <none>\n"
        "Annotations:              <none>\n"
        "Selector:                 <none>\n"
        "Type:                     LoadBalancer\n"
        "IP Families:              <none>\n"
        "IP:                       10.96.33.7\n"
        "IPs:                      10.96.33.7\n"
        "LoadBalancer Ingress:     203.0.113.10 (VIP)\n"
        "Port:                     <unset>  443/TCP\n"
        "TargetPort:               8443/TCP\n"
        "NodePort:                 <unset>  31443/TCP\n"
        "Endpoints:                <none>\n"
        "Session Affinity:         None\n"
        "External Traffic Policy:  Local\n"
        "HealthCheck NodePort:     32000\n"
    )


# ---------------------------------------------------------------------------
# Events


def test_describe_events_section():
    assert describe_events([], NOW) == "Events:  <none>\n"
    events = [
        event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503",
              ago=5 * SECOND, first_ago=3 * MINUTE, type_="Warning", count=12),
        event("Killing", "Stopping container web", ago=90 * SECOND),
    ]  # fmt: skip
    assert describe_events(events, NOW) == (
        "Events:\n"
        "  Type     Reason     Age               From     Message\n"
        "  ----     ------     ----              ----     -------\n"
        "  Normal   Killing    90s               kubelet  Stopping container web\n"
        "  Warning  Unhealthy  5s (x12 over 3m)  kubelet  "
        "Readiness probe failed: HTTP probe failed with statuscode: 503\n"
    )


# ---------------------------------------------------------------------------
# Real kubectl output from kubernetes.io

DEBUG_RUNNING_POD_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2022-02-17T21:51:01Z"
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
spec:
  containers:
  - image: nginx
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
    volumeMounts:
    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      name: kube-api-access-bgsgp
      readOnly: true
  nodeName: kube-worker-1
  priority: 0
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
  - {status: "True", type: Initialized}
  - {status: "True", type: Ready}
  - {status: "True", type: ContainersReady}
  - {status: "True", type: PodScheduled}
  containerStatuses:
  - containerID: containerd://5403af59a2b46ee5a23fb0ae4b1e077f7ca5c5fb7af16e1ab21c00e0e616462a
    imageID: docker.io/library/nginx@sha256:2834dc507516af02784808c5f48b7cbe38b8ed5d0f4837f16e78d00deb7e7767
    name: nginx
    ready: true
    restartCount: 0
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

# `kubectl describe pod nginx-deployment-67d4bdd6f5-w6kd7`, verbatim from the page except:
# times are shown in UTC (the page's kubectl ran at -0500), and the projected volume's
# ConfigMap line is today's `Optional: false` (the page's kubectl printed the older
# `ConfigMapOptional: <nil>`). The pod above is that page's `-o yaml`, trimmed, without
# serviceAccountName (today's kubectl would add a `Service Account:` line).
DEBUG_RUNNING_POD_DESCRIBE = """\
Name:         nginx-deployment-67d4bdd6f5-w6kd7
Namespace:    default
Priority:     0
Node:         kube-worker-1/192.168.0.113
Start Time:   Thu, 17 Feb 2022 21:51:01 +0000
Labels:       app=nginx
              pod-template-hash=67d4bdd6f5
Annotations:  <none>
Status:       Running
IP:           10.88.0.3
IPs:
  IP:           10.88.0.3
  IP:           2001:db8::1
Controlled By:  ReplicaSet/nginx-deployment-67d4bdd6f5
Containers:
  nginx:
    Container ID:   containerd://5403af59a2b46ee5a23fb0ae4b1e077f7ca5c5fb7af16e1ab21c00e0e616462a
    Image:          nginx
    Image ID:       docker.io/library/nginx@sha256:2834dc507516af02784808c5f48b7cbe38b8ed5d0f4837f16e78d00deb7e7767
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 17 Feb 2022 21:51:05 +0000
    Ready:          True
    Restart Count:  0
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:        500m
      memory:     128Mi
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-bgsgp (ro)
Conditions:
  Type              Status
  Initialized       True 
  Ready             True 
  ContainersReady   True 
  PodScheduled      True 
Volumes:
  kube-api-access-bgsgp:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   Guaranteed
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  34s   default-scheduler  Successfully assigned default/nginx-deployment-67d4bdd6f5-w6kd7 to kube-worker-1
  Normal  Pulling    31s   kubelet            Pulling image "nginx"
  Normal  Pulled     30s   kubelet            Successfully pulled image "nginx" in 1.146417389s
  Normal  Created    30s   kubelet            Created container nginx
  Normal  Started    30s   kubelet            Started container nginx
"""  # noqa: E501, W291


def test_describe_pod_matches_kubernetes_io_debug_running_pods():
    # https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/
    pod = yaml.safe_load(DEBUG_RUNNING_POD_YAML)
    now = parse_rfc3339("2022-02-17T21:51:35Z")

    def seen(reason, message, seconds_ago, source="kubelet"):
        at = rfc3339(now - seconds_ago * SECOND)
        return {"type": "Normal", "reason": reason, "message": message, "count": 1,
                "firstTimestamp": at, "lastTimestamp": at, "source": {"component": source}}  # fmt: skip

    events = [
        seen("Scheduled", "Successfully assigned default/nginx-deployment-67d4bdd6f5-w6kd7 to kube-worker-1",
             34, "default-scheduler"),
        seen("Pulling", 'Pulling image "nginx"', 31),
        seen("Pulled", 'Successfully pulled image "nginx" in 1.146417389s', 30),
        seen("Created", "Created container nginx", 30),
        seen("Started", "Started container nginx", 30),
    ]  # fmt: skip
    assert describe_pod(pod, events, now) == DEBUG_RUNNING_POD_DESCRIBE


def test_describe_deployment_matches_kubernetes_io_deployments_page():
    # https://kubernetes.io/docs/concepts/workloads/controllers/deployment/ "Updating a
    # Deployment": the page prints annotations the old `key=value` way and its Pod Template
    # part lost its indentation, so compare the header block and the Events block.
    created = parse_rfc3339("2017-11-30T10:56:25Z")
    now = created + 3 * MINUTE
    deployment = web_deployment()
    deployment["metadata"] = meta(
        "nginx-deployment", created=created, labels={"app": "nginx"},
        annotations={"deployment.kubernetes.io/revision": "2"},
    )  # fmt: skip
    deployment["spec"]["replicas"] = 3
    deployment["spec"]["selector"] = {"matchLabels": {"app": "nginx"}}
    deployment["status"] = {"replicas": 3, "updatedReplicas": 3, "availableReplicas": 3}

    def scaled(message, seconds_ago):
        at = rfc3339(now - seconds_ago * SECOND)
        return {"type": "Normal", "reason": "ScalingReplicaSet", "message": message, "count": 1,
                "firstTimestamp": at, "lastTimestamp": at, "source": {"component": "deployment-controller"}}  # fmt: skip

    events = [
        scaled("Scaled up replica set nginx-deployment-2035384211 to 3", 120),
        scaled("Scaled up replica set nginx-deployment-1564180365 to 1", 24),
        scaled("Scaled down replica set nginx-deployment-2035384211 to 2", 22),
        scaled("Scaled up replica set nginx-deployment-1564180365 to 2", 22),
        scaled("Scaled down replica set nginx-deployment-2035384211 to 1", 19),
        scaled("Scaled up replica set nginx-deployment-1564180365 to 3", 19),
        scaled("Scaled down replica set nginx-deployment-2035384211 to 0", 14),
    ]
    text = describe_deployment(deployment, [], events, now)
    assert text.startswith(
        "Name:                   nginx-deployment\n"
        "Namespace:              default\n"
        "CreationTimestamp:      Thu, 30 Nov 2017 10:56:25 +0000\n"
        "Labels:                 app=nginx\n"
        "Annotations:            deployment.kubernetes.io/revision: 2\n"
        "Selector:               app=nginx\n"
        "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n"
        "StrategyType:           RollingUpdate\n"
        "MinReadySeconds:        0\n"
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n"
        "Pod Template:\n"
    )
    assert text.endswith(
        "Events:\n"
        "  Type    Reason             Age   From                   Message\n"
        "  ----    ------             ----  ----                   -------\n"
        "  Normal  ScalingReplicaSet  2m    deployment-controller  Scaled up replica set nginx-deployment-2035384211 to 3\n"
        "  Normal  ScalingReplicaSet  24s   deployment-controller  Scaled up replica set nginx-deployment-1564180365 to 1\n"
        "  Normal  ScalingReplicaSet  22s   deployment-controller  Scaled down replica set nginx-deployment-2035384211 to 2\n"
        "  Normal  ScalingReplicaSet  22s   deployment-controller  Scaled up replica set nginx-deployment-1564180365 to 2\n"
        "  Normal  ScalingReplicaSet  19s   deployment-controller  Scaled down replica set nginx-deployment-2035384211 to 1\n"
        "  Normal  ScalingReplicaSet  19s   deployment-controller  Scaled up replica set nginx-deployment-1564180365 to 3\n"
        "  Normal  ScalingReplicaSet  14s   deployment-controller  Scaled down replica set nginx-deployment-2035384211 to 0\n"
    )  # fmt: skip


def test_describe_service_matches_kubernetes_io_connecting_applications():
    # https://kubernetes.io/docs/tutorials/services/connect-applications-service/
    # The page's alignment was edited by hand, so compare with runs of spaces collapsed.
    page = """
        Name:                my-nginx
        Namespace:           default
        Labels:              run=my-nginx
        Annotations:         <none>
        Selector:            run=my-nginx
        Type:                ClusterIP
        IP Family Policy:    SingleStack
        IP Families:         IPv4
        IP:                  10.0.162.149
        IPs:                 10.0.162.149
        Port:                <unset> 80/TCP
        TargetPort:          80/TCP
        Endpoints:           10.244.2.5:80,10.244.3.4:80
        Session Affinity:    None
        Events:              <none>
    """
    service = {
        "metadata": meta("my-nginx", labels={"run": "my-nginx"}),
        "spec": {
            "type": "ClusterIP",
            "selector": {"run": "my-nginx"},
            "clusterIP": "10.0.162.149",
            "clusterIPs": ["10.0.162.149"],
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [{"port": 80, "targetPort": 80, "protocol": "TCP"}],
            "sessionAffinity": "None",
        },
    }
    endpoint_slices = [
        {
            "metadata": meta("my-nginx-7vzhx"),
            "addressType": "IPv4",
            "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
            "endpoints": [
                {"addresses": ["10.244.2.5"], "conditions": {"ready": True}},
                {"addresses": ["10.244.3.4"], "conditions": {"ready": True}},
            ],
        }
    ]

    def words(text):
        return [re.sub(r"\s+", " ", line.strip()) for line in text.strip().splitlines()]

    assert words(describe_service(service, endpoint_slices, [], NOW)) == words(page)
