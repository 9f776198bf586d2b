"""The strict-decoding schemas are the ones for the Kubernetes version the cluster reports.

versions.KUBERNETES_VERSION is v1.34.2, so kubernetes-validate's `v1.34.0-local-strict` set is
used even when the package ships newer ones: a field added in a later release is an unknown
field, as a v1.34 API server's strict decoding says (`strict decoding error: unknown field
...`). `spec.schedulingGroup` of a Pod first appears in the v1.36 schemas.
"""

from cluster_sim.engine.manifests import check_object, parse_manifests, schema
from cluster_sim.engine.versions import KUBERNETES_VERSION

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  schedulingGroup:
    podGroupName: group
  containers:
  - name: nginx
    image: nginx:1.25
"""


def test_the_schema_set_matches_the_cluster_version():
    assert KUBERNETES_VERSION.startswith("v1.34.")
    assert schema.schema_version().startswith("v1.34.")


def test_a_field_from_a_later_release_is_unknown():
    (pod,) = parse_manifests(POD)
    assert check_object(pod, source="pod.yaml") == (
        'Error from server (BadRequest): error when creating "pod.yaml": Pod in version "v1" '
        'cannot be handled as a Pod: strict decoding error: unknown field "spec.schedulingGroup"'
    )


def test_the_set_is_chosen_by_minor_version_with_sensible_fallbacks():
    sets = [((1, 33, 0), "a"), ((1, 34, 0), "b"), ((1, 34, 1), "c"), ((1, 37, 0), "d")]
    assert schema.pick_schema_set(sets, "v1.34.2") == ((1, 34, 1), "c")  # newest patch
    assert schema.pick_schema_set(sets, "v1.35.0") == ((1, 34, 1), "c")  # newest older one
    assert schema.pick_schema_set(sets, "v1.30.0") == ((1, 33, 0), "a")  # else the oldest
