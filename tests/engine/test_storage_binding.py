"""PersistentVolumeClaims meet PersistentVolumes: the PV controller, the default
StorageClass's provisioner, reclaim policies and the protection finalizers.

Checked against kubernetes.io/docs/concepts/storage/persistent-volumes/ (binding, the
Retain and Delete reclaim policies, storage object in use protection: a claim in use stays
Terminating), /docs/concepts/storage/dynamic-provisioning/ and
/docs/concepts/storage/storage-classes/ (the default class, `standard (default)`), and
/docs/tasks/configure-pod-container/configure-persistent-volume-storage/ (task-pv-volume,
a hostPath PV of class `manual`, bound by task-pv-claim). Event wording is
pkg/controller/volume/persistentvolume/pv_controller.go's and external-provisioner's.
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

CLAIM = """apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
"""
TASK_PV = """apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels: {type: local}
spec:
  storageClassName: manual
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /mnt/data}
"""
TASK_PVC = """apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: task-pv-claim}
spec:
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 3Gi}}
"""


def session():
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    runner.run_line("sim node add node-1")
    return runner


def events(runner, name):
    return [
        (e["reason"], e["message"], e["count"])
        for e in runner.cluster.store.list("Event", "default")
        if e["involvedObject"]["name"] == name
    ]


def test_a_claim_is_pending_then_bound_to_a_provisioned_volume():
    runner = session()
    runner.run_line("kubectl apply -f -", CLAIM)
    assert runner.run_line("kubectl get pvc data").splitlines()[1].split()[:2] == [
        "data",
        "Pending",
    ]
    runner.run_line("sim advance 2s")
    claim = runner.cluster.store.get("PersistentVolumeClaim", "default", "data")
    uid = claim["metadata"]["uid"]
    assert claim["spec"]["storageClassName"] == "standard"  # DefaultStorageClass admission
    assert claim["spec"]["volumeName"] == f"pvc-{uid}"
    assert claim["status"] == {
        "accessModes": ["ReadWriteOnce"],
        "capacity": {"storage": "1Gi"},
        "phase": "Bound",
    }
    assert claim["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert claim["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] == "yes"
    assert "generation" not in claim["metadata"]
    reasons = [reason for reason, _, _ in events(runner, "data")]
    assert reasons == ["ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"]
    assert events(runner, "data")[0][1:] == (
        "Waiting for a volume to be created either by the external provisioner "
        "'clusterlab.dev/simulated-disk' or manually by the system administrator. If volume "
        "creation is delayed, please verify that the provisioner is running and correctly "
        "registered.",
        2,
    )
    assert events(runner, "data")[2][1] == f"Successfully provisioned volume pvc-{uid}"
    volume = runner.cluster.store.get("PersistentVolume", "", f"pvc-{uid}")
    assert volume["status"]["phase"] == "Bound"
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert volume["spec"]["claimRef"]["uid"] == uid
    assert volume["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == (
        "clusterlab.dev/simulated-disk"
    )
    assert volume["metadata"]["finalizers"] == [
        "external-provisioner.volume.kubernetes.io/finalizer",
        "kubernetes.io/pv-protection",
    ]


def test_the_docs_task_binds_a_static_hostpath_volume():
    runner = session()
    runner.run_line("kubectl apply -f -", TASK_PV)
    assert runner.run_line("kubectl get pv task-pv-volume").splitlines()[1].split() == [
        "task-pv-volume", "10Gi", "RWO", "Retain", "Available", "manual", "<unset>", "0s",
    ]  # fmt: skip
    runner.run_line("kubectl apply -f -", TASK_PVC)
    assert runner.run_line("kubectl get pv task-pv-volume").splitlines()[1].split()[4:6] == [
        "Bound",
        "default/task-pv-claim",
    ]
    assert runner.run_line("kubectl get pvc task-pv-claim").splitlines()[1].split()[:6] == [
        "task-pv-claim", "Bound", "task-pv-volume", "10Gi", "RWO", "manual",
    ]  # fmt: skip
    volume = runner.cluster.store.get("PersistentVolume", "", "task-pv-volume")
    assert volume["metadata"]["annotations"] == {
        "kubectl.kubernetes.io/last-applied-configuration": volume["metadata"]["annotations"][
            "kubectl.kubernetes.io/last-applied-configuration"
        ],
        "pv.kubernetes.io/bound-by-controller": "yes",
    }
    assert volume["spec"]["hostPath"] == {"path": "/mnt/data", "type": ""}


def test_the_smallest_matching_volume_is_chosen():
    runner = session()
    for name, size in (("big", "20Gi"), ("small", "5Gi"), ("tiny", "1Gi")):
        runner.run_line(
            "kubectl apply -f -", TASK_PV.replace("task-pv-volume", name).replace("10Gi", size)
        )
    runner.run_line("kubectl apply -f -", TASK_PVC)
    claim = runner.cluster.store.get("PersistentVolumeClaim", "default", "task-pv-claim")
    assert claim["spec"]["volumeName"] == "small"


def test_a_volume_created_later_binds_at_the_next_resync():
    runner = session()
    runner.run_line("kubectl apply -f -", TASK_PVC)
    runner.run_line("sim advance 1s")
    runner.run_line("kubectl apply -f -", TASK_PV)
    claim = runner.cluster.store.get("PersistentVolumeClaim", "default", "task-pv-claim")
    assert claim["status"]["phase"] == "Pending"  # waits for the 15 s sync period
    runner.run_line("sim advance 15s")
    assert claim["status"]["phase"] == "Bound"


def test_claims_that_nothing_can_satisfy_stay_pending_with_upstream_events():
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        CLAIM.replace("name: data}", "name: none}").replace(
            "spec:\n", 'spec:\n  storageClassName: ""\n'
        ),
    )
    runner.run_line(
        "kubectl apply -f -",
        CLAIM.replace("name: data}", "name: fast}").replace(
            "spec:\n", "spec:\n  storageClassName: fast\n"
        ),
    )
    runner.run_line("sim advance 31s")
    assert events(runner, "none") == [
        (
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set",
            3,  # at creation, then every 15 s
        )
    ]
    assert events(runner, "fast")[0][:2] == (
        "ProvisioningFailed",
        'storageclass.storage.k8s.io "fast" not found',
    )
    for name in ("none", "fast"):
        claim = runner.cluster.store.get("PersistentVolumeClaim", "default", name)
        assert claim["status"]["phase"] == "Pending"


def test_deleting_a_claim_deletes_its_provisioned_volume():
    runner = session()
    runner.run_line("kubectl apply -f -", CLAIM)
    runner.run_line("sim advance 2s")
    name = runner.cluster.store.get("PersistentVolumeClaim", "default", "data")["spec"][
        "volumeName"
    ]
    runner.run_line("kubectl delete pvc data")
    volume = runner.cluster.store.get("PersistentVolume", "", name)
    assert volume["status"]["phase"] == "Released"
    runner.run_line("sim advance 2s")
    assert runner.cluster.store.get("PersistentVolume", "", name) is None


def test_a_retained_volume_is_released_and_kept():
    runner = session()
    runner.run_line("kubectl apply -f -", TASK_PV)
    runner.run_line("kubectl apply -f -", TASK_PVC)
    runner.run_line("kubectl delete pvc task-pv-claim")
    runner.run_line("sim advance 30s")
    row = runner.run_line("kubectl get pv").splitlines()[1].split()
    assert row[:6] == [
        "task-pv-volume",
        "10Gi",
        "RWO",
        "Retain",
        "Released",
        "default/task-pv-claim",
    ]
    runner.run_line("kubectl apply -f -", TASK_PVC)
    runner.run_line("sim advance 30s")
    claim = runner.cluster.store.get("PersistentVolumeClaim", "default", "task-pv-claim")
    assert claim["status"]["phase"] == "Pending"  # a Released volume is not reused
    runner.run_line("kubectl delete pv task-pv-volume")
    assert runner.cluster.store.get("PersistentVolume", "", "task-pv-volume") is None


def test_a_hostpath_volume_outside_tmp_cannot_be_deleted_by_its_policy():
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        TASK_PV.replace("spec:\n", "spec:\n  persistentVolumeReclaimPolicy: Delete\n"),
    )
    runner.run_line("kubectl apply -f -", TASK_PVC)
    runner.run_line("kubectl delete pvc task-pv-claim")
    volume = runner.cluster.store.get("PersistentVolume", "", "task-pv-volume")
    assert volume["status"]["phase"] == "Failed"
    assert events(runner, "task-pv-volume") == [
        (
            "VolumeFailedDelete",
            "host_path deleter only supports /tmp/.+ but received provided /mnt/data",
            1,
        )
    ]


def test_a_bound_volume_is_protected_from_deletion():
    runner = session()
    runner.run_line("kubectl apply -f -", TASK_PV)
    runner.run_line("kubectl apply -f -", TASK_PVC)
    runner.run_line("kubectl delete pv task-pv-volume --wait=false")
    assert runner.run_line("kubectl get pv").splitlines()[1].split()[4] == "Terminating"
    runner.run_line("kubectl delete pvc task-pv-claim")
    runner.run_line("sim advance 1s")
    assert runner.cluster.store.get("PersistentVolume", "", "task-pv-volume") is None
