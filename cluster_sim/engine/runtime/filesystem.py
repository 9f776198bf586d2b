"""A container's tiny filesystem: enough for `touch`, `cat`, `rm`, redirections and probes.

Each container gets its own root; a `Volume` (an emptyDir, say) mounted at a path is
shared by every container that mounts the same object, as in a real pod. Contents are
text. Nothing here reads the host.
"""

import posixpath

BASE_DIRS = (
    "/", "/bin", "/dev", "/etc", "/home", "/lib", "/mnt", "/opt", "/proc", "/root", "/run",
    "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/local", "/usr/local/bin",
    "/usr/share", "/var", "/var/log", "/var/run", "/var/tmp",
)  # fmt: skip
DEVICES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/zero", "/dev/termination-log")
MAX_FILE_CHARS = 1_000_000  # larger writes are truncated (keeps a runaway loop bounded)


class Volume:
    """A directory tree that can be mounted into several containers."""

    def __init__(self, files: dict[str, str] | None = None):
        self.files: dict[str, str] = {}
        self.dirs: set[str] = {"/"}
        for path, text in (files or {}).items():
            self.write(path, text)

    def write(self, path: str, text: str, append: bool = False) -> None:
        path = _norm(path)
        self._add_parents(path)
        old = self.files.get(path, "") if append else ""
        self.files[path] = (old + text)[-MAX_FILE_CHARS:]

    def _add_parents(self, path: str) -> None:
        parent = posixpath.dirname(path)
        while parent not in self.dirs:
            self.dirs.add(parent)
            parent = posixpath.dirname(parent)


class FsError(Exception):
    """errno-style failure; `reason` is strerror ("No such file or directory")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


NO_SUCH_FILE = "No such file or directory"
IS_A_DIRECTORY = "Is a directory"
NOT_A_DIRECTORY = "Not a directory"
FILE_EXISTS = "File exists"
DIRECTORY_NOT_EMPTY = "Directory not empty"


def _norm(path: str) -> str:
    path = posixpath.normpath("/" + path.lstrip("/")) if path else "/"
    return "/" if path == "//" else path


class Filesystem:
    def __init__(
        self,
        files: dict[str, str] | None = None,
        mounts: dict[str, Volume] | None = None,
        dirs: tuple[str, ...] = (),
    ):
        self.root = Volume()
        self.root.dirs.update(BASE_DIRS)
        self.root.dirs.update(_norm(d) for d in dirs)
        for path, text in (files or {}).items():
            self.root.write(path, text)
        self.mounts = {_norm(p): v for p, v in (mounts or {}).items()}
        for mount in self.mounts:
            self.root.dirs.add(mount)
            self.root._add_parents(mount)

    # -- resolution -------------------------------------------------------------
    def _locate(self, path: str) -> tuple[Volume, str]:
        path = _norm(path)
        best = ""
        for mount in self.mounts:
            if (path == mount or path.startswith(mount + "/")) and len(mount) > len(best):
                best = mount
        if not best:
            return self.root, path
        return self.mounts[best], _norm(path[len(best) :])

    # -- queries ----------------------------------------------------------------
    def is_dir(self, path: str) -> bool:
        volume, inner = self._locate(path)
        return inner in volume.dirs

    def is_file(self, path: str) -> bool:
        volume, inner = self._locate(path)
        return inner in volume.files or _norm(path) in DEVICES

    def exists(self, path: str) -> bool:
        return self.is_dir(path) or self.is_file(path)

    def read(self, path: str) -> str:
        path = _norm(path)
        if path in ("/dev/null", "/dev/zero"):
            return ""
        volume, inner = self._locate(path)
        if inner in volume.files:
            return volume.files[inner]
        if inner in volume.dirs:
            raise FsError(IS_A_DIRECTORY)
        raise FsError(NO_SUCH_FILE)

    def listdir(self, path: str) -> list[str]:
        volume, inner = self._locate(path)
        if inner in volume.files:
            return [posixpath.basename(inner)]
        if inner not in volume.dirs:
            raise FsError(NO_SUCH_FILE)
        prefix = inner.rstrip("/") + "/"
        names = {
            p[len(prefix) :].split("/")[0]
            for p in (*volume.files, *volume.dirs)
            if p.startswith(prefix) and p != inner
        }
        base = _norm(path).rstrip("/") + "/"
        names.update(m[len(base) :].split("/")[0] for m in self.mounts if m.startswith(base))
        return sorted(n for n in names if n)

    # -- changes ----------------------------------------------------------------
    def _check_parent(self, path: str) -> None:
        parent = posixpath.dirname(_norm(path))
        if not self.is_dir(parent):
            raise FsError(NOT_A_DIRECTORY if self.is_file(parent) else NO_SUCH_FILE)

    def write(self, path: str, text: str, append: bool = False) -> None:
        path = _norm(path)
        if path in ("/dev/null", "/dev/zero"):
            return
        if self.is_dir(path):
            raise FsError(IS_A_DIRECTORY)
        self._check_parent(path)
        volume, inner = self._locate(path)
        volume.write(inner, text, append)

    def touch(self, path: str) -> None:
        if not self.exists(path):
            self.write(path, "")

    def remove(self, path: str, recursive: bool = False) -> None:
        volume, inner = self._locate(path)
        if inner in volume.files:
            del volume.files[inner]
            return
        if inner not in volume.dirs:
            raise FsError(NO_SUCH_FILE)
        if not recursive:
            raise FsError(IS_A_DIRECTORY)
        prefix = inner.rstrip("/") + "/"
        for name in [p for p in volume.files if p.startswith(prefix)]:
            del volume.files[name]
        for name in [d for d in volume.dirs if d.startswith(prefix)]:
            volume.dirs.discard(name)
        if inner != "/":
            volume.dirs.discard(inner)

    def mkdir(self, path: str, parents: bool = False) -> None:
        path = _norm(path)
        if self.exists(path):
            if parents and self.is_dir(path):
                return
            raise FsError(FILE_EXISTS)
        if not parents:
            self._check_parent(path)
        volume, inner = self._locate(path)
        volume.dirs.add(inner)
        volume._add_parents(inner)
