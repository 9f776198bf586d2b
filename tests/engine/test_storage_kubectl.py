"""`kubectl get` and `describe` for PersistentVolumes, claims and StorageClasses.

Columns and layouts as k8s.io/kubernetes/pkg/printers/internalversion/printers.go
(printPersistentVolume, printPersistentVolumeClaim, printStorageClass) and
k8s.io/kubectl/pkg/describe/describe.go print them; compared with the outputs shown on
kubernetes.io/docs/tasks/configure-pod-container/configure-persistent-volume-storage/ and
/docs/tasks/administer-cluster/change-default-storage-class/ (`standard (default)`).
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


def session():
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl apply -f -", CLAIM)
    runner.run_line("sim advance 2s")
    return runner


def test_get_storageclass_names_the_default_class():
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    assert runner.run_line("kubectl get sc").splitlines() == [
        "NAME                 PROVISIONER                     RECLAIMPOLICY   VOLUMEBINDINGMODE   ALLOWVOLUMEEXPANSION   AGE",
        "standard (default)   clusterlab.dev/simulated-disk   Delete          Immediate           true                   0s",
    ]  # fmt: skip


def test_get_pvc_and_pv_columns():
    runner = session()
    volume = runner.cluster.store.get("PersistentVolumeClaim", "default", "data")["spec"][
        "volumeName"
    ]
    assert runner.run_line("kubectl get pvc").splitlines() == [
        "NAME   STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE",
        f"data   Bound    {volume}   1Gi        RWO            standard       <unset>                 2s",
    ]  # fmt: skip
    lines = runner.run_line("kubectl get pv -o wide").splitlines()
    assert lines[0].split() == [
        "NAME", "CAPACITY", "ACCESS", "MODES", "RECLAIM", "POLICY", "STATUS", "CLAIM",
        "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE", "VOLUMEMODE",
    ]  # fmt: skip
    assert lines[1].split() == [
        volume, "1Gi", "RWO", "Delete", "Bound", "default/data", "standard", "<unset>", "1s",
        "Filesystem",
    ]  # fmt: skip


def test_describe_pvc():
    runner = session()
    volume = runner.cluster.store.get("PersistentVolumeClaim", "default", "data")["spec"][
        "volumeName"
    ]
    text = runner.run_line("kubectl describe pvc data")
    assert text.splitlines()[:16] == [
        "Name:          data",
        "Namespace:     default",
        "StorageClass:  standard",
        "Status:        Bound",
        f"Volume:        {volume}",
        "Labels:        <none>",
        "Annotations:   pv.kubernetes.io/bind-completed: yes",
        "               pv.kubernetes.io/bound-by-controller: yes",
        "               volume.beta.kubernetes.io/storage-provisioner: clusterlab.dev/simulated-disk",
        "               volume.kubernetes.io/storage-provisioner: clusterlab.dev/simulated-disk",
        "Finalizers:    [kubernetes.io/pvc-protection]",
        "Capacity:      1Gi",
        "Access Modes:  RWO",
        "VolumeMode:    Filesystem",
        "Used By:       <none>",
        "Events:",
    ]
    assert "ProvisioningSucceeded" in text


def test_describe_pv_and_storageclass():
    runner = session()
    volume = runner.cluster.store.get("PersistentVolumeClaim", "default", "data")["spec"][
        "volumeName"
    ]
    lines = runner.run_line(f"kubectl describe pv {volume}").splitlines()
    assert lines[6:15] == [
        "StorageClass:    standard",
        "Status:          Bound",
        "Claim:           default/data",
        "Reclaim Policy:  Delete",
        "Access Modes:    RWO",
        "VolumeMode:      Filesystem",
        "Capacity:        1Gi",
        "Node Affinity:   <none>",
        "Message:         ",
    ]
    assert lines[16:18] == [
        "    Type:              CSI (a Container Storage Interface (CSI) volume source)",
        "    Driver:            clusterlab.dev/simulated-disk",
    ]
    assert runner.run_line("kubectl describe storageclass standard").splitlines() == [
        "Name:                  standard",
        "IsDefaultClass:        Yes",
        "Annotations:           storageclass.kubernetes.io/is-default-class=true",
        "Provisioner:           clusterlab.dev/simulated-disk",
        "Parameters:            <none>",
        "AllowVolumeExpansion:  True",
        "MountOptions:          <none>",
        "ReclaimPolicy:         Delete",
        "VolumeBindingMode:     Immediate",
        "Events:                <none>",
    ]


def test_describe_pvc_lists_the_pods_using_it():
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: user}\nspec:\n  containers:\n"
        "  - {name: c, image: 'busybox:1.36', command: [sleep, '3600']}\n"
        "  volumes:\n  - name: data\n    persistentVolumeClaim: {claimName: data}\n",
    )
    assert "Used By:       user" in runner.run_line("kubectl describe pvc data")
    pod = runner.run_line("kubectl describe pod user")
    assert (
        "    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:  data\n    ReadOnly:   false"
        in pod
    )
