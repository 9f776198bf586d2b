"""Pods with persistentVolumeClaim volumes: scheduling, attaching, and data that outlives pods.

Checked against kubernetes.io/docs/concepts/storage/persistent-volumes/ (a claim in use by
a pod is kept until the pod is gone; ReadWriteOnce: one node; ReadWriteMany: many),
/docs/concepts/storage/volumes/#emptydir (deleted with its pod) and
/docs/concepts/storage/storage-classes/#volume-binding-mode (WaitForFirstConsumer). The
scheduler's texts are VolumeBinding's (pkg/scheduler/framework/plugins/volumebinding) in
FitError's PreFilter form; Multi-Attach is the attach/detach controller's reconciler.
The data: clusterlab/ingest writes /data/raw/ratings.parquet, clusterlab/features reads it.
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

CLAIM = """apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [MODE]
  resources: {requests: {storage: 1Gi}}
"""


def pod(name, image, volume="persistentVolumeClaim: {claimName: data}", node=None):
    selector = f"  nodeSelector: {{kubernetes.io/hostname: {node}}}\n" if node else ""
    return f"""apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
{selector}  restartPolicy: Never
  containers:
  - name: main
    image: {image}
    volumeMounts: [{{name: data, mountPath: /data}}]
  volumes:
  - name: data
    {volume}
"""


def sleeper(name, node):
    return pod(name, "busybox:1.36", node=node).replace(
        "    volumeMounts", "    command: [sleep, '3600']\n    volumeMounts"
    )


def session(nodes=1):
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    for index in range(1, nodes + 1):
        runner.run_line(f"sim node add node-{index}")
    return runner


def events(runner, name):
    return [
        (e["reason"], e["message"])
        for e in runner.cluster.store.list("Event", "default")
        if e["involvedObject"]["name"] == name
    ]


def test_data_on_a_claim_outlives_the_pod_that_wrote_it():
    runner = session()
    runner.run_line("kubectl apply -f -", CLAIM.replace("MODE", "ReadWriteOnce"))
    runner.run_line("kubectl apply -f -", pod("ingest", "clusterlab/ingest:1.0"))
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl delete pod ingest")
    runner.run_line("kubectl apply -f -", pod("features", "clusterlab/features:1.0"))
    runner.run_line("sim advance 60s")
    logs = runner.run_line("kubectl logs features")
    assert "reading /data/raw/ratings.parquet (100,836 ratings)" in logs


def test_data_on_an_empty_dir_goes_with_its_pod():
    runner = session()
    runner.run_line("kubectl apply -f -", pod("ingest", "clusterlab/ingest:1.0", "emptyDir: {}"))
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl delete pod ingest")
    runner.run_line(
        "kubectl apply -f -", pod("features", "clusterlab/features:1.0", "emptyDir: {}")
    )
    runner.run_line("sim advance 60s")
    assert "input /data/raw/ratings.parquet not found" in runner.run_line("kubectl logs features")


def test_a_pod_waits_for_its_claim_to_be_bound():
    runner = session(nodes=3)
    runner.run_line("kubectl apply -f -", CLAIM.replace("MODE", "ReadWriteOnce"))
    runner.run_line("kubectl apply -f -", pod("ingest", "clusterlab/ingest:1.0"))
    assert events(runner, "ingest") == [
        (
            "FailedScheduling",
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
            "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
        )
    ]
    runner.run_line("sim advance 5s")
    reasons = [reason for reason, _ in events(runner, "ingest")]
    # The first failure changed the pod's PodScheduled condition, so its resourceVersion: the
    # second failure is a new event, not a repeat of the first (events.k8s.io isomorphism).
    assert reasons[:4] == [
        "FailedScheduling",
        "FailedScheduling",
        "Scheduled",
        "SuccessfulAttachVolume",
    ]


def test_a_missing_claim_keeps_the_pod_pending():
    runner = session(nodes=2)
    runner.run_line("kubectl apply -f -", pod("ingest", "clusterlab/ingest:1.0"))
    assert events(runner, "ingest") == [
        (
            "FailedScheduling",
            '0/2 nodes are available: persistentvolumeclaim "data" not found. '
            "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
        )
    ]
    runner.run_line("kubectl apply -f -", CLAIM.replace("MODE", "ReadWriteOnce"))
    runner.run_line("sim advance 5s")
    assert runner.cluster.store.get("Pod", "default", "ingest")["spec"].get("nodeName")


def test_a_read_write_once_disk_attaches_to_one_node_at_a_time():
    runner = session(nodes=2)
    runner.run_line("kubectl apply -f -", CLAIM.replace("MODE", "ReadWriteOnce"))
    runner.run_line("sim advance 2s")
    runner.run_line("kubectl apply -f -", sleeper("first", "node-1"))
    runner.run_line("sim advance 5s")
    runner.run_line("kubectl apply -f -", sleeper("second", "node-2"))
    runner.run_line("sim advance 20s")
    volume = runner.cluster.store.get("PersistentVolumeClaim", "default", "data")["spec"][
        "volumeName"
    ]
    assert runner.run_line("kubectl get pod second").split()[7] == "ContainerCreating"
    assert (
        "FailedAttachVolume",
        f'Multi-Attach error for volume "{volume}" Volume is already used by pod(s) first',
    ) in events(runner, "second")
    runner.run_line("kubectl delete pod first")
    runner.run_line("sim advance 10s")
    assert runner.run_line("kubectl get pod second").split()[7] == "Running"


def test_a_read_write_many_volume_is_shared_across_nodes():
    runner = session(nodes=2)
    runner.run_line("kubectl apply -f -", CLAIM.replace("MODE", "ReadWriteMany"))
    runner.run_line("sim advance 2s")
    runner.run_line("kubectl apply -f -", sleeper("first", "node-1"))
    runner.run_line("kubectl apply -f -", sleeper("second", "node-2"))
    runner.run_line("sim advance 20s")
    assert runner.run_line("kubectl get pod second").split()[7] == "Running"
    assert not [e for e in events(runner, "second") if e[0] == "FailedAttachVolume"]


def test_a_claim_in_use_stays_terminating_until_its_pod_is_gone():
    runner = session()
    runner.run_line("kubectl apply -f -", CLAIM.replace("MODE", "ReadWriteOnce"))
    runner.run_line("kubectl apply -f -", sleeper("user", None))
    runner.run_line("sim advance 10s")
    runner.run_line("kubectl delete pvc data --wait=false")
    assert runner.run_line("kubectl get pvc data").splitlines()[1].split()[1] == "Terminating"
    runner.run_line("sim advance 60s")
    assert runner.cluster.store.get("PersistentVolumeClaim", "default", "data") is not None
    runner.run_line("kubectl delete pod user")
    runner.run_line("sim advance 5s")
    assert runner.cluster.store.get("PersistentVolumeClaim", "default", "data") is None
    assert runner.cluster.store.count("PersistentVolume") == 0  # Delete policy


def test_wait_for_first_consumer_provisions_on_the_scheduled_node():
    runner = session(nodes=2)
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: lazy}\n"
        "provisioner: clusterlab.dev/simulated-disk\nvolumeBindingMode: WaitForFirstConsumer\n",
    )
    runner.run_line(
        "kubectl apply -f -",
        CLAIM.replace("MODE", "ReadWriteOnce").replace(
            "spec:\n", "spec:\n  storageClassName: lazy\n"
        ),
    )
    runner.run_line("sim advance 20s")
    assert events(runner, "data")[0] == (
        "WaitForFirstConsumer",
        "waiting for first consumer to be created before binding",
    )
    claim = runner.cluster.store.get("PersistentVolumeClaim", "default", "data")
    assert claim["status"]["phase"] == "Pending"
    runner.run_line("kubectl apply -f -", sleeper("user", "node-2"))
    assert claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == "node-2"
    assert not runner.cluster.store.get("Pod", "default", "user")["spec"].get("nodeName")
    runner.run_line("sim advance 10s")
    assert claim["status"]["phase"] == "Bound"
    assert runner.run_line("kubectl get pod user").split()[7] == "Running"
