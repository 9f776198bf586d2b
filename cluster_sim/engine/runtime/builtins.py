"""Shell builtins: the commands `sh` runs itself rather than looking up in $PATH."""

import posixpath
import re
from collections.abc import Callable, Generator

from . import sysutils, toolbase, tools
from .program import Effect
from .shell import IO, LoopControl, Shell, ShellExit
from .shell_syntax import ShellSyntaxError, parse_script

Gen = Generator[Effect, None, int]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def colon(sh: Shell, argv: list[str], io: IO) -> Gen:
    return 0
    yield


def exit_(sh: Shell, argv: list[str], io: IO) -> Gen:
    code = sh.status
    if len(argv) > 1:
        if not re.fullmatch(r"-?\d+", argv[1]):
            yield from sh.error(
                io,
                f"exit: Illegal number: {argv[1]}"
                if sh.flavour != "bash"
                else f"exit: {argv[1]}: numeric argument required",
            )
            raise ShellExit(2)
        code = int(argv[1]) & 0xFF
    raise ShellExit(code)


def export(sh: Shell, argv: list[str], io: IO) -> Gen:
    for arg in argv[1:]:
        if arg.startswith("-"):
            continue
        name, eq, value = arg.partition("=")
        if not _NAME.fullmatch(name):
            yield from sh.error(io, f"export: {arg}: bad variable name")
            return 1 if sh.flavour == "bash" else 2
        if eq:
            sh.set_var(name, value)
        sh.exported.add(name)
    return 0


def unset(sh: Shell, argv: list[str], io: IO) -> Gen:
    for name in argv[1:]:
        if name.startswith("-"):
            continue
        sh.vars.pop(name, None)
        sh.arrays.pop(name, None)
        sh.exported.discard(name)
    return 0
    yield


def set_(sh: Shell, argv: list[str], io: IO) -> Gen:
    args = argv[1:]
    while args:
        arg = args.pop(0)
        if arg == "--":
            sh.positional = args
            return 0
        if arg in ("-o", "+o"):
            option = args.pop(0) if args else ""
            if option == "errexit":
                sh.errexit = arg == "-o"
            elif option == "xtrace":
                sh.xtrace = arg == "-o"
            continue
        if arg[:1] in "-+" and len(arg) > 1:
            for flag in arg[1:]:
                if flag == "e":
                    sh.errexit = arg[0] == "-"
                elif flag == "x":
                    sh.xtrace = arg[0] == "-"
            continue
        sh.positional = [arg, *args]
        return 0
    if len(argv) == 1:
        for name, value in sorted(sh.vars.items()):
            yield from io.stdout.write(f"{name}='{value}'\n")
    return 0


def shift(sh: Shell, argv: list[str], io: IO) -> Gen:
    count = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    if count > len(sh.positional):
        yield from sh.error(io, "shift: can't shift that many")
        return 1 if sh.flavour == "bash" else 2
    sh.positional = sh.positional[count:]
    return 0


def cd(sh: Shell, argv: list[str], io: IO) -> Gen:
    target = argv[1] if len(argv) > 1 else sh.vars.get("HOME", "/")
    path = sh.path(target)
    if not sh.ctx.fs.is_dir(path):
        if sh.flavour == "bash":
            yield from sh.error(io, f"cd: {target}: No such file or directory")
        else:
            yield from sh.error(io, f"cd: can't cd to {target}")
        return 1 if sh.flavour != "dash" else 2
    sh.cwd = posixpath.normpath(path)
    sh.set_var("PWD", sh.cwd)
    return 0


def read(sh: Shell, argv: list[str], io: IO) -> Gen:
    names = [a for a in argv[1:] if not a.startswith("-")] or ["REPLY"]
    if not io.stdin:
        for name in names:
            sh.set_var(name, "")
        return 1
    line, _, rest = io.stdin.partition("\n")
    io.stdin = rest
    fields = line.split(None, len(names) - 1)
    for k, name in enumerate(names):
        sh.set_var(name, fields[k] if k < len(fields) else "")
    return 0
    yield


def loop_control(kind: str) -> Callable[[Shell, list[str], IO], Gen]:
    def handler(sh: Shell, argv: list[str], io: IO) -> Gen:
        levels = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
        raise LoopControl(kind, max(levels, 1))
        yield

    return handler


def eval_(sh: Shell, argv: list[str], io: IO) -> Gen:
    text = " ".join(argv[1:])
    try:
        tree = parse_script(text)
    except ShellSyntaxError as error:
        yield from io.stderr.write(sh.syntax_message(error) + "\n")
        return 2
    return (yield from sh.run_sequence(tree, io))


def exec_(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) == 1:
        return 0
    status = yield from sh.execute(argv[1:], io)
    raise ShellExit(status)


def accepted(sh: Shell, argv: list[str], io: IO) -> Gen:
    """Builtins without effect here: trap, wait, umask, ulimit, alias, local, hash."""
    return 0
    yield


def type_(sh: Shell, argv: list[str], io: IO) -> Gen:
    status = 0
    verbose = argv[0] == "type"
    for name in argv[1:]:
        if name.startswith("-"):
            continue
        if name in BUILTINS:
            yield from io.stdout.write(f"{name} is a shell builtin\n" if verbose else f"{name}\n")
            continue
        kind = tools.lookup(sh.ctx.info, name)
        if kind is None:
            status = 1
            if verbose:
                yield from io.stdout.write(f"{name}: not found\n")
            continue
        path = name if name.startswith("/") else f"/usr/bin/{name}"
        if sh.ctx.info.userland == "busybox" and kind == "tool":
            path = name if name.startswith("/") else f"/bin/{name}"
        yield from io.stdout.write(f"{name} is {path}\n" if verbose else f"{path}\n")
    return status


def command(sh: Shell, argv: list[str], io: IO) -> Gen:
    args = argv[1:]
    if args and args[0] in ("-v", "-V"):
        return (yield from type_(sh, ["type" if args[0] == "-V" else "command", *args[1:]], io))
    if not args:
        return 0
    return (yield from sh.execute(args, io))


def source(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) < 2:
        return 0
    text = yield from toolbase.read_file(sh, io, argv[0], argv[1])
    if text is None:
        return 1
    return (yield from eval_(sh, ["eval", text], io))


def kill(sh: Shell, argv: list[str], io: IO) -> Gen:
    """Signals to PID 1 are ignored (a shell as PID 1 has no handlers); no other PIDs."""
    pids = [a for a in argv[1:] if not a.startswith("-")]
    if not pids:
        yield from sh.error(io, "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid")
        return 2 if sh.flavour == "dash" else 1
    status = 0
    for pid in pids:
        if pid != "1":
            status = 1
            yield from sh.error(
                io,
                f"kill: ({pid}) - No such process"
                if sh.flavour == "bash"
                else f"kill: can't kill pid {pid}: No such process",
            )
    return status


def echo(sh: Shell, argv: list[str], io: IO) -> Gen:
    return (yield from sysutils.echo(sh, argv, io, builtin=True))


BUILTINS: dict[str, Callable[[Shell, list[str], IO], Gen]] = {
    ":": colon, "true": sysutils.true, "false": sysutils.false, "exit": exit_, "export": export,
    "readonly": export, "unset": unset, "set": set_, "shift": shift, "cd": cd, "pwd": sysutils.pwd,
    "read": read, "break": loop_control("break"), "continue": loop_control("continue"),
    "eval": eval_, "exec": exec_, "trap": accepted, "wait": accepted, "umask": accepted,
    "ulimit": accepted, "alias": accepted, "local": accepted, "hash": accepted,
    "type": type_, "command": command, ".": source, "source": source, "echo": echo,
    "printf": sysutils.printf, "kill": kill, "test": sysutils.test, "[": sysutils.test, "return": exit_,
}  # fmt: skip
