"""Command-line tools found in container images: BusyBox applets and GNU coreutils.

Each tool is a generator `tool(sh, argv, io) -> exit status` (see toolbase). Messages
follow the implementation the image ships: BusyBox (`cat: can't open 'x': No such file
or directory`) or GNU (`cat: x: No such file or directory`). Anything touching the
filesystem or the network first yields SYNC (see runtime.program).
"""

from . import fileutils, nettools, sysutils, textutils
from .catalogue import ImageInfo
from .shell import is_shell
from .toolbase import Tool

COMMON = {
    "echo",
    "printf",
    "cat",
    "sleep",
    "touch",
    "rm",
    "mkdir",
    "ls",
    "date",
    "hostname",
    "env",
    "printenv",
    "expr",
    "seq",
    "wc",
    "head",
    "tail",
    "grep",
    "sort",
    "uniq",
    "rev",
    "tr",
    "cut",
    "basename",
    "dirname",
    "tee",
    "cp",
    "mv",
    "id",
    "whoami",
    "uname",
    "nproc",
    "true",
    "false",
    "test",
    "[",
    "pwd",
    "rmdir",
}


USERLAND_TOOLS = {
    "busybox": COMMON | {"wget", "nslookup", "ps"},
    "debian": COMMON,
}


def lookup(info: ImageInfo, name: str) -> str | None:
    """How `name` runs in this image: "app", "shell", "tool", or None (not in $PATH)."""
    base = name.rsplit("/", 1)[-1]
    if not base:
        return None
    if base in info.binaries:
        return "app"
    if not info.userland:
        return None
    if is_shell(base):
        if base == "bash":
            return "shell" if info.userland == "debian" or "bash" in info.tools else None
        if base == "dash":
            return "shell" if info.userland == "debian" else None
        if base == "ash":
            return "shell" if info.userland == "busybox" else None
        return "shell"
    if base in TOOLS and (base in USERLAND_TOOLS[info.userland] or base in info.tools):
        return "tool"
    return None


TOOLS: dict[str, Tool] = {
    "echo": sysutils.echo,
    "printf": sysutils.printf,
    "cat": fileutils.cat,
    "sleep": sysutils.sleep,
    "touch": fileutils.touch,
    "rm": fileutils.rm,
    "rmdir": fileutils.rmdir,
    "mkdir": fileutils.mkdir,
    "ls": fileutils.ls,
    "date": sysutils.date,
    "hostname": sysutils.hostname,
    "env": sysutils.env,
    "printenv": sysutils.printenv,
    "expr": sysutils.expr,
    "seq": sysutils.seq,
    "wc": textutils.wc,
    "head": textutils.head,
    "tail": textutils.tail,
    "grep": textutils.grep,
    "sort": textutils.sort,
    "uniq": textutils.uniq,
    "rev": textutils.rev,
    "tr": textutils.tr,
    "cut": textutils.cut,
    "basename": sysutils.basename,
    "dirname": sysutils.dirname,
    "tee": fileutils.tee,
    "cp": fileutils.cp,
    "mv": fileutils.mv,
    "id": sysutils.id_,
    "whoami": sysutils.whoami,
    "uname": sysutils.uname,
    "nproc": sysutils.nproc,
    "pwd": sysutils.pwd,
    "true": sysutils.true,
    "false": sysutils.false,
    "test": sysutils.test,
    "[": sysutils.test,
    "wget": nettools.wget,
    "curl": nettools.curl,
    "nslookup": nettools.nslookup,
    "ps": sysutils.ps,
    "dig": nettools.dig,
}
