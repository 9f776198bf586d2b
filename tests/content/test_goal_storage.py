"""The storage goal check: a file written under a path survives the pod's replacement, on
a PersistentVolumeClaim. An emptyDir, a hostPath, a claim at another path or a deleted
Deployment do not pass; extra objects do not fail it."""

from lessons.goal_storage import data_survives_pod_replacement
from lessons.goals import GOAL_CHECKS
from tests.content.test_goals import NODES, UNRELATED, replay

NOTEBOOK = """kubectl apply -f - <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: notes}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: notebook}
spec:
  replicas: 1
  strategy: {type: Recreate}
  selector: {matchLabels: {app: notebook}}
  template:
    metadata: {labels: {app: notebook}}
    spec:
      containers:
      - name: app
        image: busybox
        command: [sh, -c, "sleep 36000"]
        volumeMounts: [{name: data, mountPath: MOUNT}]
      volumes:
      - name: data
        VOLUME
EOF
sim advance 1m
"""
CLAIM = "persistentVolumeClaim: {claimName: notes}"


def notebook(volume: str = CLAIM, mount: str = "/data") -> str:
    return NODES + NOTEBOOK.replace("VOLUME", volume).replace("MOUNT", mount)


def check(*scripts: str):
    return data_survives_pod_replacement(replay(*scripts), deployment="notebook", path="/data")


def test_a_claim_at_the_path_passes_even_beside_other_objects():
    result = check(notebook(), UNRELATED)
    assert result.passed, result
    assert "on PersistentVolumeClaim notes" in result.message
    assert GOAL_CHECKS["data_survives_pod_replacement"] is data_survives_pod_replacement


def test_an_emptydir_or_a_hostpath_does_not_pass():
    for volume in ("emptyDir: {}", "hostPath: {path: /srv/notes}"):
        result = check(notebook(volume))
        assert not result.passed and "mounts a PersistentVolumeClaim at /data" in result.message


def test_a_claim_mounted_somewhere_else_does_not_pass():
    result = check(notebook(mount="/elsewhere"))
    assert not result.passed and "at /data" in result.message


def test_deleting_the_deployment_does_not_pass():
    result = check(notebook(), "kubectl delete deployment notebook\nsim advance 30s\n")
    assert not result.passed and 'no Deployment "notebook"' in result.message


def test_a_deployment_without_a_ready_pod_does_not_pass():
    result = check(notebook(), "kubectl scale deployment notebook --replicas=0\nsim advance 30s\n")
    assert not result.passed and "no ready pod" in result.message


SIDECAR = """      - name: log-shipper
        image: busybox
        command: [sh, -c, "sleep 36000"]
"""


def test_a_pod_with_a_sidecar_and_a_claim_above_the_path_passes():
    """kubectl exec without -c would print "Defaulted container" and fail the write."""
    script = notebook(mount="/srv").replace(
        "        volumeMounts: [{name: data, mountPath: /srv}]\n",
        "        volumeMounts: [{name: data, mountPath: /srv}]\n" + SIDECAR,
    )
    result = data_survives_pod_replacement(replay(script), deployment="notebook", path="/srv/notes")
    assert result.passed, result
