"""Pod volumes: emptyDir, configMap, secret and the projected service account volume.

kubernetes.io/docs/concepts/storage/volumes/ (emptyDir "shares a pod's lifetime" and is
shared by its containers; configMap and secret volumes hold one file per key),
kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#add-configmap-data-to-a-volume
(items map keys to paths), and kubernetes.io/docs/tasks/run-application/access-api-from-pod/
(the namespace file under /var/run/secrets/kubernetes.io/serviceaccount). A missing
ConfigMap keeps the pod ContainerCreating with FailedMount events until it exists.
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

POD = """apiVersion: v1
kind: Pod
metadata:
  name: vol
spec:
  containers:
  - name: writer
    image: busybox:1.36
    command: ['sh', '-c', 'echo hello > /data/msg; cat /etc/config/level; echo; cat /etc/secret/user; echo; cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo; sleep 3600']
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: config, mountPath: /etc/config}
    - {name: secret, mountPath: /etc/secret}
  - name: reader
    image: busybox:1.36
    command: ['sh', '-c', 'sleep 2; cat /shared/msg; sleep 3600']
    volumeMounts:
    - {name: data, mountPath: /shared}
  volumes:
  - name: data
    emptyDir: {}
  - name: config
    configMap:
      name: app-config
      items: [{key: log-level, path: level}]
  - name: secret
    secret: {secretName: db}
"""
CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config}\ndata: {log-level: debug}\n"
SECRET = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {user: admin}\n"


def session():
    runner = ScriptRunner(Cluster(seed=7, profile="fast"))
    runner.run_line("sim node add node-1")
    return runner


def test_containers_see_their_volumes():
    runner = session()
    runner.run_line("kubectl apply -f -", CONFIG)
    runner.run_line("kubectl apply -f -", SECRET)
    runner.run_line("kubectl apply -f -", POD)
    runner.run_line("sim advance 30s")
    assert runner.run_line("kubectl logs vol -c writer").splitlines() == [
        "debug",
        "admin",
        "default",
    ]
    assert runner.run_line("kubectl logs vol -c reader") == "hello"  # one emptyDir, two containers


def test_a_missing_configmap_holds_the_pod_in_container_creating():
    runner = session()
    runner.run_line("kubectl apply -f -", SECRET)
    runner.run_line("kubectl apply -f -", POD)
    runner.run_line("sim advance 20s")
    assert runner.run_line("kubectl get pod vol").split()[5:8] == [
        "vol",
        "0/2",
        "ContainerCreating",
    ]
    failed = [
        e
        for e in runner.cluster.store.list("Event", "default")
        if e["involvedObject"]["name"] == "vol" and e["reason"] == "FailedMount"
    ]
    assert len(failed) == 1 and failed[0]["type"] == "Warning" and failed[0]["count"] > 1
    assert failed[0]["message"] == (
        'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found'
    )
    pod = runner.cluster.api.get("Pod", "default", "vol")
    conditions = {c["type"]: c["status"] for c in pod["status"]["conditions"]}
    assert conditions["PodReadyToStartContainers"] == "False"
    assert "podIP" not in pod["status"]  # no sandbox yet
    runner.run_line("kubectl apply -f -", CONFIG)
    runner.run_line("sim advance 2m")  # the next retry, at most 2m2s after the last
    assert runner.cluster.api.get("Pod", "default", "vol")["status"]["phase"] == "Running"


def test_an_optional_configmap_may_be_missing():
    runner = session()
    runner.run_line("kubectl apply -f -", SECRET)
    optional = POD.replace(
        "      name: app-config\n", "      name: app-config\n      optional: true\n"
    )
    runner.run_line("kubectl apply -f -", optional)
    runner.run_line("sim advance 30s")
    assert runner.cluster.api.get("Pod", "default", "vol")["status"]["phase"] == "Running"
