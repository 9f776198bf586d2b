"""A pod's volumes, as the kubelet's volume manager sets them up before the sandbox starts.

- `emptyDir`: an empty directory that lives as long as the pod, shared by its containers
  (each container's restart keeps it; deleting the pod ends it).
- `configMap` and `secret`: one file per key (or per `items` entry, at its `path`),
  Secret values decoded.
- `projected`: ConfigMap, Secret and downward API items and the service account token,
  as the `kube-api-access-*` volume every pod gets: `token`, `ca.crt`, `namespace`.
- `downwardAPI`: the pod's fields, labels, annotations and resources, one file per item.
- `persistentVolumeClaim`: the bound PersistentVolume's storage, which outlives the pod
  (storage.StorageState keeps its files; `claims` resolves it, see storage.ClaimMounter).
- Other kinds (hostPath, ...) mount an empty directory: ClusterLab does not simulate their
  storage yet. A hostPath of `type: File` mounts a file (kubelet_hostpath).

A ConfigMap or Secret that is missing (and not `optional`) fails the mount: the pod stays
ContainerCreating with FailedMount events (`MountVolume.SetUp failed for volume "x" :
configmap "y" not found`) and the kubelet tries again, backing off, until it appears.
"""

from .admission import PROJECTED_TOKEN_SOURCES
from .kubelet_env import container_resource, pod_field, source_data
from .kubelet_hostpath import host_file_volume
from .manifests.errors import go_quote
from .runtime.filesystem import Volume

# The operation executor's exponential back-off for a failed mount
# (initialDurationBeforeRetry, maxDurationBeforeRetry in nestedpendingoperations).
MOUNT_RETRY_INITIAL_MS = 500
MOUNT_RETRY_MAX_MS = 122_000
# A service account token as a JWT looks: the simulation signs nothing.
TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImNsdXN0ZXJsYWIifQ.simulated.token"


class MountError(Exception):
    """The FailedMount event's message."""


class UnprocessedVolume(MountError):
    """A volume the volume manager could not even add to the pod's desired state (a claim
    not bound or being deleted): reported whole, not as a MountVolume.SetUp failure."""


def pod_volumes(pod: dict, store, shared: dict, claims=None) -> dict[str, Volume]:
    """name -> Volume for every volume of the pod. `shared` caches the token volume per
    namespace and service account: it is the same in every pod and mounted read-only.
    `claims(pod, claim_name)` gives a persistentVolumeClaim's Volume (or raises)."""
    namespace = pod["metadata"].get("namespace", "default")
    volumes: dict[str, Volume] = {}
    for spec in pod["spec"].get("volumes") or ():
        name = spec.get("name", "")
        try:
            if "configMap" in spec:
                volumes[name] = Volume(_files(store, "ConfigMap", namespace, spec["configMap"]))
            elif "secret" in spec:
                source = {**spec["secret"], "name": spec["secret"].get("secretName", "")}
                volumes[name] = Volume(_files(store, "Secret", namespace, source))
            elif "projected" in spec:
                volumes[name] = _projected(pod, store, namespace, spec["projected"], shared)
            elif "downwardAPI" in spec:
                volumes[name] = Volume(downward_api_files(pod, spec["downwardAPI"]))
            elif "persistentVolumeClaim" in spec and claims is not None:
                volumes[name] = claims(pod, spec["persistentVolumeClaim"].get("claimName", ""))
            else:
                host_file = "hostPath" in spec and host_file_volume(pod, store, spec["hostPath"])
                volumes[name] = host_file or Volume()
        except UnprocessedVolume:
            raise
        except MountError as error:
            raise MountError(f'MountVolume.SetUp failed for volume "{name}" : {error}') from None
    return volumes


def container_mounts(spec: dict, volumes: dict[str, Volume]) -> dict[str, Volume]:
    """mountPath -> Volume for a container's volumeMounts."""
    return {
        mount["mountPath"]: volumes[mount["name"]]
        for mount in spec.get("volumeMounts") or ()
        if mount.get("name") in volumes and mount.get("mountPath")
    }


def _files(store, kind: str, namespace: str, source: dict) -> dict[str, str]:
    data = source_data(store, kind, namespace, source, MountError)
    if data is None:
        return {}
    items = source.get("items")
    if not items:
        return {f"/{key}": value for key, value in data.items()}
    files = {}
    for item in items:
        key = item.get("key", "")
        if key not in data:
            if source.get("optional"):
                continue
            raise MountError(f"configmap references non-existent config key: {key}")
        files[f"/{item.get('path', key)}"] = data[key]
    return files


def _projected(pod, store, namespace: str, spec: dict, shared: dict) -> Volume:
    sources = spec.get("sources") or []
    account = pod["spec"].get("serviceAccountName", "default")
    token_only = spec == PROJECTED_TOKEN_SOURCES  # the admission plugin's kube-api-access
    key = (namespace, account)
    if token_only and key in shared:
        return shared[key]
    files: dict[str, str] = {}
    for source in sources:
        if "serviceAccountToken" in source:
            files[f"/{source['serviceAccountToken'].get('path', 'token')}"] = TOKEN
        elif "configMap" in source:
            files.update(_files(store, "ConfigMap", namespace, source["configMap"]))
        elif "secret" in source:
            files.update(_files(store, "Secret", namespace, source["secret"]))
        elif "downwardAPI" in source:
            files.update(downward_api_files(pod, source["downwardAPI"]))
    volume = Volume(files)
    if token_only:
        shared[key] = volume
    return volume


def downward_api_files(pod: dict, source: dict) -> dict[str, str]:
    """One file per item (CollectData in pkg/volume/downwardapi): a field of the pod as
    ExtractFieldPathAsString gives it, `metadata.labels` and `metadata.annotations` as
    fieldpath.FormatMap writes them (`key="value"` lines, sorted by key), or a container's
    resource over its divisor. Written when the volume is set up (later label changes are
    not carried over)."""
    files = {}
    for item in source.get("items") or ():
        path = (item.get("fieldRef") or {}).get("fieldPath")
        if path in ("metadata.labels", "metadata.annotations"):
            values = pod["metadata"].get(path.split(".")[1]) or {}
            text = "\n".join(f"{key}={go_quote(values[key])}" for key in sorted(values))
        elif path is not None:
            text = pod_field(pod, path)
        elif item.get("resourceFieldRef") is not None:
            text = container_resource(item["resourceFieldRef"], pod, {})
        else:
            continue
        files[f"/{item.get('path', '')}"] = text
    return files
