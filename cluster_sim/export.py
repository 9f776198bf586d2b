"""'Download as YAML': the objects a learner made, as a file `kubectl apply -f` rebuilds.

What is exported: the kinds in EXPORTED_KINDS, outside the system namespaces, minus what
the cluster makes by itself (objects with a controller ownerReference, such as a
Deployment's ReplicaSets and Pods or a CronJob's Jobs; the `kubernetes` Service; the
`kube-root-ca.crt` ConfigMaps; a StatefulSet's claims from its volumeClaimTemplates).

What is stripped: what the server sets and a new cluster would refuse or misread: status,
the identity and bookkeeping fields of metadata, server-written annotations, allocated
cluster IPs (a headless Service keeps its `None`), a bound claim's volumeName, a Job's
generated selector and labels, and from bare Pods the token volume and the default
NoExecute tolerations admission plugins add and the node they were scheduled to (we
cannot tell it from one set by hand: it goes, and the header says so). Defaulted fields
stay: `kubectl get -o yaml` shows them and re-applying them changes nothing.
"""

import copy

import yaml

from .engine.cluster import BOOT_NAMESPACES
from .engine.manifests.goyaml import resolve_plain
from .engine.timefmt import exact_duration, rfc3339

# The order a re-apply needs: namespaces first, then what lives in them.
EXPORTED_KINDS = (
    "Namespace",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Service",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "HorizontalPodAutoscaler",
    "ResourceQuota",
    "LimitRange",
    "Pod",
)
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})

SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "ownerReferences",  # they name uids that a new cluster does not have
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
)
SERVER_ANNOTATIONS = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        "deployment.kubernetes.io/revision",
        "deprecated.daemonset.template.generation",
        "kubernetes.io/limit-ranger",  # LimitRanger notes the defaults it filled in
        # written by the PersistentVolume controller when it binds or provisions a claim
        "pv.kubernetes.io/bind-completed",
        "pv.kubernetes.io/bound-by-controller",
        "volume.beta.kubernetes.io/storage-provisioner",
        "volume.kubernetes.io/storage-provisioner",
    }
)
SERVER_FINALIZERS = frozenset({"kubernetes.io/pvc-protection"})  # admission adds it again
JOB_GENERATED_LABELS = {  # label -> the Job field its value comes from
    "controller-uid": "uid",
    "batch.kubernetes.io/controller-uid": "uid",
    "job-name": "name",
    "batch.kubernetes.io/job-name": "name",
}
TOKEN_VOLUME_PREFIX = "kube-api-access-"
TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
DEFAULT_TOLERATION_KEYS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")

HEADER = (
    "# Exported from a ClusterLab playground at {time}; apply with kubectl apply -f <file>\n"
    "# Server-set fields are left out (status, uids, cluster IPs, volume bindings). Bare\n"
    "# Pods lose spec.nodeName, set by the scheduler or by hand (the export cannot tell):\n"
    "# the scheduler places them again.\n"
)


def export_yaml(cluster) -> str:
    """The learner's objects in `cluster` as multi-document YAML, in a stable order."""
    toleration_seconds = cluster.api.default_toleration_seconds
    documents = [_clean(obj, toleration_seconds) for obj in exported_objects(cluster.store)]
    time = f"{rfc3339(cluster.now_ms)} ({exact_duration(cluster.now_ms)} after start)"
    header = HEADER.format(time=time)
    if not documents:
        return header
    body = yaml.dump_all(
        documents,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        explicit_start=True,
        width=100,
    )
    return header + body


def exported_objects(store) -> list[dict]:
    """The objects to export, by kind (EXPORTED_KINDS order), then namespace and name."""
    terminating = {
        ns["metadata"]["name"]
        for ns in store.list("Namespace")
        if ns["metadata"].get("deletionTimestamp")
    }
    claim_names = _statefulset_claim_names(store)
    chosen = []
    for kind in EXPORTED_KINDS:
        for obj in store.list(kind):  # sorted by namespace, then name
            meta = obj["metadata"]
            namespace = meta.get("namespace", "")
            if namespace in SYSTEM_NAMESPACES or namespace in terminating:
                continue
            if meta.get("deletionTimestamp") or _has_controller(meta):
                continue
            if _made_by_the_cluster(kind, meta, claim_names):
                continue
            chosen.append(obj)
    return chosen


def _has_controller(meta: dict) -> bool:
    return any(ref.get("controller") for ref in meta.get("ownerReferences") or ())


def _made_by_the_cluster(kind: str, meta: dict, claim_names: set) -> bool:
    name, namespace = meta["name"], meta.get("namespace", "")
    if kind == "Namespace":
        return name in BOOT_NAMESPACES
    if kind == "Service":
        return (namespace, name) == ("default", "kubernetes")
    if kind == "ConfigMap":
        return name == "kube-root-ca.crt"
    if kind == "PersistentVolumeClaim":
        return (namespace, name) in claim_names
    return False


def _statefulset_claim_names(store) -> set[tuple[str, str]]:
    """(namespace, name) of the claims StatefulSets made: <template>-<set>-<ordinal>.

    They carry no ownerReference (the default retention policy keeps them), and
    re-applying the StatefulSet makes them again."""
    prefixes: dict[str, list[str]] = {}
    for sts in store.list("StatefulSet"):
        meta = sts["metadata"]
        for template in (sts.get("spec") or {}).get("volumeClaimTemplates") or ():
            prefix = f"{template['metadata']['name']}-{meta['name']}-"
            prefixes.setdefault(meta.get("namespace", ""), []).append(prefix)
    names = set()
    for claim in store.list("PersistentVolumeClaim"):
        namespace, name = claim["metadata"].get("namespace", ""), claim["metadata"]["name"]
        for prefix in prefixes.get(namespace, ()):
            if name.startswith(prefix) and name[len(prefix) :].isdigit():
                names.add((namespace, name))
    return names


# --- cleaning one object ----------------------------------------------------------------


def _clean(obj: dict, default_toleration_seconds: int) -> dict:
    """A copy without server-set fields, keys in the order people write them."""
    obj = copy.deepcopy(obj)
    obj.pop("status", None)
    kind, meta = obj["kind"], obj["metadata"]
    _clean_metadata(meta)
    spec = obj.get("spec")
    if kind == "Service" and spec:
        _clean_service(spec)
    elif kind == "PersistentVolumeClaim" and spec:
        spec.pop("volumeName", None)
    elif kind == "Job" and spec:
        _clean_job(obj)
    elif kind == "Pod" and spec:
        spec.pop("nodeName", None)  # set by the scheduler (or by hand: we cannot tell)
        _drop_token_volume(spec)
        _drop_default_tolerations(spec, default_toleration_seconds)
    first = {"apiVersion": obj.pop("apiVersion"), "kind": obj.pop("kind")}
    return {**first, "metadata": _ordered_metadata(obj.pop("metadata")), **obj}


def _clean_metadata(meta: dict) -> None:
    for field in SERVER_METADATA:
        meta.pop(field, None)
    annotations = {
        key: value
        for key, value in (meta.get("annotations") or {}).items()
        if key not in SERVER_ANNOTATIONS
    }
    _set_or_drop(meta, "annotations", annotations)
    finalizers = [f for f in meta.get("finalizers") or () if f not in SERVER_FINALIZERS]
    _set_or_drop(meta, "finalizers", finalizers)


def _ordered_metadata(meta: dict) -> dict:
    ordered = {key: meta.pop(key) for key in ("name", "namespace") if key in meta}
    ordered.update({key: meta.pop(key) for key in ("labels", "annotations") if key in meta})
    return {**ordered, **meta}


def _clean_service(spec: dict) -> None:
    # A headless Service's "None" is the learner's choice; an address is the allocator's.
    if spec.get("clusterIP") != "None":
        spec.pop("clusterIP", None)
        spec.pop("clusterIPs", None)


def _clean_job(job: dict) -> None:
    """Drop the selector and labels the Job strategy generated from this Job's uid: a
    new cluster refuses a selector it did not generate (manualSelector is false)."""
    spec, meta = job["spec"], job["metadata"]
    if spec.get("manualSelector"):
        return
    spec.pop("selector", None)
    identity = {"uid": _uid_in(spec), "name": meta["name"]}
    template_meta = (spec.get("template") or {}).get("metadata") or {}
    for holder in (meta, template_meta):
        labels = {
            key: value
            for key, value in (holder.get("labels") or {}).items()
            if identity.get(JOB_GENERATED_LABELS.get(key, "")) != value
        }
        _set_or_drop(holder, "labels", labels)


def _uid_in(spec: dict) -> str | None:
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    return labels.get("batch.kubernetes.io/controller-uid") or labels.get("controller-uid")


def _drop_token_volume(spec: dict) -> None:
    """The ServiceAccount admission plugin adds this volume and its mounts to every Pod."""
    volumes = spec.get("volumes") or []
    injected = {
        v["name"]
        for v in volumes
        if v.get("name", "").startswith(TOKEN_VOLUME_PREFIX) and "projected" in v
    }
    if not injected:
        return
    _set_or_drop(spec, "volumes", [v for v in volumes if v["name"] not in injected])
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        mounts = [
            m
            for m in container.get("volumeMounts") or ()
            if not (m.get("name") in injected and m.get("mountPath") == TOKEN_MOUNT_PATH)
        ]
        _set_or_drop(container, "volumeMounts", mounts)


def _drop_default_tolerations(spec: dict, seconds: int) -> None:
    """The DefaultTolerationSeconds admission plugin's two tolerations: left in, they would
    pin this cluster's profile's timing on the cluster the file is applied to."""
    kept = [
        t
        for t in spec.get("tolerations") or ()
        if not (
            t.get("key") in DEFAULT_TOLERATION_KEYS
            and t.get("operator") == "Exists"
            and t.get("effect") == "NoExecute"
            and t.get("tolerationSeconds") == seconds
        )
    ]
    _set_or_drop(spec, "tolerations", kept)


def _set_or_drop(holder: dict, key: str, value) -> None:
    if value:
        holder[key] = value
    else:
        holder.pop(key, None)


# --- YAML that reads back as the same strings ---------------------------------------------


class _Dumper(yaml.SafeDumper):
    """SafeDumper that also quotes strings kubectl's YAML reader (go-yaml v2 rules) would
    turn into something else (`y`, `n`, `1e3`, `0o17`, `.5`), and writes multi-line
    strings (scripts, config files in ConfigMaps) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:  # a literal block reads as written (the emitter quotes if it cannot)
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if value and resolve_plain(value) is not value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _represent_str)
