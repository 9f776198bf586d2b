"""File tools: cat, touch, rm, rmdir, mkdir, ls, tee, cp, mv."""

from .filesystem import FsError
from .program import SYNC
from .shell import IO, Shell
from .toolbase import Gen, err, out, parse_flags, read_file


def cat(sh: Shell, argv: list[str], io: IO) -> Gen:
    _, names = parse_flags(argv[1:], "uensvtAET")
    status = 0
    for name in names or ["-"]:
        text = yield from read_file(sh, io, "cat", name)
        if text is None:
            status = 1
        else:
            yield from out(io, text)
    return status


def touch(sh: Shell, argv: list[str], io: IO) -> Gen:
    _, names = parse_flags(argv[1:], "acm")
    if not names:
        yield from err(io, "touch: missing file operand" if sh.gnu else "touch: missing operand")
        return 1
    status = 0
    yield SYNC
    for name in names:
        try:
            sh.ctx.fs.touch(sh.path(name))
        except FsError as error:
            status = 1
            yield from err(
                io,
                f"touch: cannot touch '{name}': {error.reason}"
                if sh.gnu
                else f"touch: {name}: {error.reason}",
            )
    return status


def rm(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags, names = parse_flags(argv[1:], "fFrRiv")
    force, recursive = "f" in flags, bool({"r", "R"} & flags)
    if not names and not force:
        yield from err(io, "rm: missing operand")
        return 1
    status = 0
    yield SYNC
    for name in names:
        path = sh.path(name)
        fs = sh.ctx.fs
        if not fs.exists(path):
            if not force:
                status = 1
                yield from err(
                    io,
                    f"rm: cannot remove '{name}': No such file or directory"
                    if sh.gnu
                    else f"rm: can't remove '{name}': No such file or directory",
                )
            continue
        if fs.is_dir(path) and not recursive:
            status = 1
            yield from err(
                io,
                f"rm: cannot remove '{name}': Is a directory"
                if sh.gnu
                else f"rm: '{name}' is a directory",
            )
            continue
        fs.remove(path, recursive=True)
    return status


def rmdir(sh: Shell, argv: list[str], io: IO) -> Gen:
    _, names = parse_flags(argv[1:], "p")
    status = 0
    yield SYNC
    for name in names:
        path = sh.path(name)
        fs = sh.ctx.fs
        if not fs.is_dir(path) or fs.listdir(path):
            reason = "Directory not empty" if fs.is_dir(path) else "No such file or directory"
            yield from err(
                io,
                f"rmdir: failed to remove '{name}': {reason}"
                if sh.gnu
                else f"rmdir: '{name}': {reason}",
            )
            status = 1
            continue
        fs.remove(path, recursive=True)
    return status


def mkdir(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags, names = parse_flags(argv[1:], "pv")
    if not names:
        yield from err(io, "mkdir: missing operand")
        return 1
    status = 0
    yield SYNC
    for name in names:
        try:
            sh.ctx.fs.mkdir(sh.path(name), parents="p" in flags)
        except FsError as error:
            status = 1
            verb = "cannot" if sh.gnu else "can't"
            yield from err(io, f"mkdir: {verb} create directory '{name}': {error.reason}")
    return status


def ls(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags, names = parse_flags(argv[1:], "laA1hrtFdR")
    status = 0
    yield SYNC
    fs = sh.ctx.fs
    for name in names or ["."]:
        path = sh.path(name) if name != "." else sh.cwd
        if not fs.exists(path):
            status = 2 if sh.gnu else 1
            yield from err(
                io,
                f"ls: cannot access '{name}': No such file or directory"
                if sh.gnu
                else f"ls: {name}: No such file or directory",
            )
            continue
        entries = [name] if fs.is_file(path) or "d" in flags else fs.listdir(path)
        if len(names) > 1 and fs.is_dir(path) and "d" not in flags:
            yield from out(io, f"{name}:\n")
        for entry in entries:
            if "l" in flags:
                full = path if fs.is_file(path) else path.rstrip("/") + "/" + entry
                size = len(fs.read(full)) if fs.is_file(full) else 4096
                mode = "-rw-r--r--" if fs.is_file(full) else "drwxr-xr-x"
                yield from out(
                    io, f"{mode}    1 root     root    {size:>10} Jan  5 09:00 {entry}\n"
                )
            else:
                yield from out(io, entry + "\n")
    return status


def tee(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags, names = parse_flags(argv[1:], "ai")
    data = io.stdin or ""
    yield SYNC
    status = 0
    for name in names:
        try:
            sh.ctx.fs.write(sh.path(name), data, append="a" in flags)
        except FsError as error:
            status = 1
            yield from err(io, f"tee: {name}: {error.reason}")
    yield from out(io, data)
    return status


def cp(sh: Shell, argv: list[str], io: IO) -> Gen:
    return (yield from _copy(sh, argv, io, move=False))


def mv(sh: Shell, argv: list[str], io: IO) -> Gen:
    return (yield from _copy(sh, argv, io, move=True))


def _copy(sh: Shell, argv: list[str], io: IO, move: bool) -> Gen:
    tool = argv[0].rsplit("/", 1)[-1]
    _, names = parse_flags(argv[1:], "rRfpaiv")
    if len(names) < 2:
        yield from err(
            io, f"{tool}: missing file operand" if sh.gnu else f"{tool}: missing operand"
        )
        return 1
    *sources, target = names
    fs = sh.ctx.fs
    status = 0
    for source in sources:
        text = yield from read_file(sh, io, tool, source)
        if text is None:
            status = 1
            continue
        dest = sh.path(target)
        if fs.is_dir(dest):
            dest = dest.rstrip("/") + "/" + source.rsplit("/", 1)[-1]
        try:
            fs.write(dest, text)
            if move:
                fs.remove(sh.path(source))
        except FsError as error:
            status = 1
            yield from err(io, f"{tool}: {target}: {error.reason}")
    return status
