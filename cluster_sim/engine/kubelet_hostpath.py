"""hostPath volumes of type File: the node's file, mounted at the container's path.

ClusterLab's nodes have no file system of their own; a few files that examples read are
given their node's content: /etc/machine-id (the DaemonSet page's init container logs it,
kubernetes.io/docs/tasks/manage-daemon/create-daemon-set/). Other files mount empty. A
hostPath directory mounts as an empty directory (kubelet_volumes).
"""

from .runtime.filesystem import Volume


def host_file_volume(pod: dict, store, source: dict) -> Volume | None:
    """The file a `type: File` hostPath mounts (None: not a file type, a directory)."""
    if source.get("type") != "File":
        return None
    text = ""
    if source.get("path") == "/etc/machine-id":
        node = store.get("Node", "", pod["spec"].get("nodeName") or "")
        if node is not None:  # systemd's machine ID: 32 lowercase hex digits
            text = node["metadata"]["uid"].replace("-", "") + "\n"
    volume = Volume()
    volume.dirs.clear()  # the mount point itself is the file
    volume.files["/"] = text
    return volume
