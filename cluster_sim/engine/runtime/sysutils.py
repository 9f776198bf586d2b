"""Output, environment and system tools: echo, printf, sleep, date, env, printenv,
seq, expr, hostname, id, uname, ps, test... (BusyBox applets or GNU coreutils)."""

import math
import re

from ..versions import KERNEL_VERSION
from .program import Sleep
from .shell import IO, Shell
from .timestamps import format_date
from .toolbase import Gen, err, out, parse_flags

MAX_SEQ = 100_000


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "r": "\r",
            "v": "\v", "e": "\x1b"}  # fmt: skip


def unescape(text: str, octal_needs_zero: bool = True) -> tuple[str, bool]:
    """Backslash escapes as echo -e / printf %b: returns (text, stop) where \\c stops."""
    result = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            result.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "c":
            return "".join(result), True
        if nxt in _ESCAPES:
            result.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "0" or (nxt.isdigit() and not octal_needs_zero):
            match = re.match(r"0?[0-7]{0,3}", text[i + 1 :])
            digits = match.group() if match else ""
            result.append(chr(int(digits, 8) % 256) if digits.strip("0") else "\0")
            i += 1 + max(len(digits), 1)
        elif nxt == "x":
            match = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2 :])
            if match:
                result.append(chr(int(match.group(), 16)))
                i += 2 + len(match.group())
            else:
                result.append("\\x")
                i += 2
        else:
            result.append("\\" + nxt)
            i += 2
    return "".join(result), False


def echo(sh: Shell, argv: list[str], io: IO, builtin: bool = False) -> Gen:
    args = argv[1:]
    newline, escapes = True, False
    dash_builtin = builtin and sh.flavour == "dash"
    if dash_builtin:
        escapes = True
        if args and args[0] == "-n":
            newline = False
            args = args[1:]
    else:
        while args and re.fullmatch(r"-[neE]+", args[0]):
            for flag in args.pop(0)[1:]:
                newline = newline and flag != "n"
                escapes = True if flag == "e" else (False if flag == "E" else escapes)
    text = " ".join(args)
    if escapes:
        text, stop = unescape(text)
        newline = newline and not stop
    yield from out(io, text + ("\n" if newline else ""))
    return 0


_CONVERSION = re.compile(r"%([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?([sbdiouxXcfeEgG%])")


def printf(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) < 2:
        yield from err(
            io,
            "printf: usage: printf format [arguments]"
            if sh.flavour == "bash"
            else "printf: missing format",
        )
        return 2 if sh.flavour == "bash" else 1
    fmt, args = argv[1], list(argv[2:])
    status = 0
    pieces: list[str] = []
    while True:
        consumed = 0
        pos = 0
        for match in _CONVERSION.finditer(fmt):
            literal, stop = unescape(fmt[pos : match.start()])
            pieces.append(literal)
            if stop:
                yield from out(io, "".join(pieces))
                return status
            pos = match.end()
            flags, width, precision, conv = match.groups()
            if conv == "%":
                pieces.append("%")
                continue
            if width == "*":
                width = args.pop(0) if args else "0"
                consumed += 1
            if precision == "*":
                precision = args.pop(0) if args else "0"
                consumed += 1
            arg = args.pop(0) if args else None
            consumed += arg is not None
            spec = "%" + flags + (width or "") + (f".{precision}" if precision else "")
            if conv in "sb":
                text = arg or ""
                if conv == "b":
                    text, stop = unescape(text, octal_needs_zero=True)
                pieces.append((spec + "s") % text)
            elif conv == "c":
                pieces.append((spec + "s") % (arg or "")[:1])
            else:
                value, ok = _numeric(arg, conv in "feEgG")
                if not ok:
                    status = 1
                    message = (
                        f"printf: {arg}: invalid number"
                        if sh.gnu or sh.flavour != "ash"
                        else f"printf: invalid number '{arg}'"
                    )
                    yield from err(io, message)
                pieces.append((spec + ("d" if conv in "iu" else conv)) % value)
        tail, stop = unescape(fmt[pos:])
        pieces.append(tail)
        if stop or not args or consumed == 0:
            break
    yield from out(io, "".join(pieces))
    return status


def _numeric(arg: str | None, floating: bool) -> tuple[float | int, bool]:
    if arg is None or arg == "":
        return 0, True
    text = arg.strip()
    if text[:1] in "'\"" and len(text) > 1:
        return ord(text[1]), True
    try:
        return (float(text) if floating else int(text, 0)), True
    except ValueError:
        pass
    match = re.match(r"[-+]?\d+", text)
    return (int(match.group()) if match else 0), False


def sleep(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) < 2:
        yield from err(io, "sleep: missing operand")
        return 1
    total = 0.0
    for arg in argv[1:]:
        if arg in ("infinity", "inf"):
            yield Sleep(None)
            return 0
        match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg)
        if not match:
            yield from err(
                io,
                f"sleep: invalid time interval '{arg}'"
                if sh.gnu
                else f"sleep: invalid number '{arg}'",
            )
            return 1
        scale = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
        total += float(match.group(1)) * scale
    ms = math.ceil(total * 1000)
    if ms > 0:
        yield Sleep(ms)
    return 0


def date(sh: Shell, argv: list[str], io: IO) -> Gen:
    fmt = None
    for arg in argv[1:]:
        if arg.startswith("+"):
            fmt = arg[1:]
        elif arg in ("-I", "--iso-8601", "-Idate"):
            fmt = "%Y-%m-%d"
        elif arg.startswith(("-Iseconds", "--iso-8601=seconds")):
            fmt = "%Y-%m-%dT%H:%M:%S+00:00"
        elif arg in ("-R", "--rfc-2822", "--rfc-email"):
            fmt = "%a, %d %b %Y %H:%M:%S +0000"
    sh.volatile += 1
    yield from out(io, format_date(sh.ctx.now, fmt) + "\n")
    return 0


def hostname(sh: Shell, argv: list[str], io: IO) -> Gen:
    value = sh.ctx.pod_ip if "-i" in argv[1:] else sh.ctx.hostname
    yield from out(io, value + "\n")
    return 0


def env(sh: Shell, argv: list[str], io: IO) -> Gen:
    args = list(argv[1:])
    extra = {}
    while args and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", args[0]):
        name, _, value = args.pop(0).partition("=")
        extra[name] = value
    if args:
        return (yield from sh.execute(args, io, extra))
    for name, value in {**sh.environ(), **extra}.items():
        yield from out(io, f"{name}={value}\n")
    return 0


def printenv(sh: Shell, argv: list[str], io: IO) -> Gen:
    environ = sh.environ()
    if len(argv) == 1:
        for name, value in environ.items():
            yield from out(io, f"{name}={value}\n")
        return 0
    status = 0
    for name in argv[1:]:
        if name in environ:
            yield from out(io, environ[name] + "\n")
        else:
            status = 1
    return status


def seq(sh: Shell, argv: list[str], io: IO) -> Gen:
    try:
        numbers = [int(a) for a in argv[1:]]
    except ValueError:
        yield from err(
            io,
            f"seq: invalid number '{argv[-1]}'"
            if not sh.gnu
            else f"seq: invalid floating point argument: '{argv[-1]}'",
        )
        return 1
    if not 1 <= len(numbers) <= 3:
        yield from err(io, "seq: missing operand")
        return 1
    first, step, last = (
        (1, 1, numbers[0])
        if len(numbers) == 1
        else (numbers[0], 1, numbers[1])
        if len(numbers) == 2
        else tuple(numbers)
    )
    if step == 0:
        return 1
    values = range(first, last + (1 if step > 0 else -1), step)
    text = "".join(f"{v}\n" for v in values[:MAX_SEQ])
    yield from out(io, text)
    return 0


def expr(sh: Shell, argv: list[str], io: IO) -> Gen:
    args = argv[1:]
    try:
        value = _expr_eval(args)
    except (ValueError, IndexError, ZeroDivisionError) as error:
        message = "division by zero" if isinstance(error, ZeroDivisionError) else "syntax error"
        if isinstance(error, ValueError) and str(error) == "non-integer":
            message = "non-integer argument"
        yield from err(io, f"expr: {message}")
        return 2
    yield from out(io, f"{value}\n")
    return 1 if value in ("", "0", 0) else 0


def _expr_eval(args: list[str]):
    if len(args) == 1:
        return args[0]
    if len(args) == 2 and args[0] == "length":
        return len(args[1])
    if len(args) < 3:
        raise IndexError
    left: object = args[0]
    i = 1
    while i < len(args):
        op, right = args[i], args[i + 1]
        left = _expr_op(op, str(left), right)
        i += 2
    return left


def _expr_op(op: str, a: str, b: str):
    comparisons = {"=": "==", "==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
    if op in comparisons:
        try:
            x, y = int(a), int(b)
        except ValueError:
            x, y = a, b
        result = {"==": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[
            comparisons[op]
        ]
        return 1 if result else 0
    if op in ("+", "-", "*", "/", "%"):
        try:
            x, y = int(a), int(b)
        except ValueError:
            raise ValueError("non-integer") from None
        if op in "/%" and y == 0:
            raise ZeroDivisionError
        if op == "/":
            return int(x / y)
        if op == "%":
            return int(math.fmod(x, y))
        return {"+": x + y, "-": x - y, "*": x * y}[op]
    if op == "|":
        return a if a not in ("", "0") else b
    if op == "&":
        return a if a not in ("", "0") and b not in ("", "0") else 0
    raise ValueError("syntax")


def basename(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) < 2:
        yield from err(io, "basename: missing operand")
        return 1
    name = argv[1].rstrip("/").rsplit("/", 1)[-1] or "/"
    if len(argv) > 2 and name.endswith(argv[2]) and name != argv[2]:
        name = name[: -len(argv[2])]
    yield from out(io, name + "\n")
    return 0


def dirname(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) < 2:
        yield from err(io, "dirname: missing operand")
        return 1
    path = argv[1].rstrip("/")
    parent = path.rsplit("/", 1)[0] if "/" in path else "."
    yield from out(io, (parent or "/") + "\n")
    return 0


def id_(sh: Shell, argv: list[str], io: IO) -> Gen:
    if "-u" in argv:
        yield from out(io, "0\n")
    elif "-un" in argv or ("-u" in argv and "-n" in argv):
        yield from out(io, "root\n")
    else:
        groups = "0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout)"
        yield from out(
            io,
            f"uid=0(root) gid=0(root) groups={groups}\n"
            if not sh.gnu
            else "uid=0(root) gid=0(root) groups=0(root)\n",
        )
    return 0


def whoami(sh: Shell, argv: list[str], io: IO) -> Gen:
    yield from out(io, "root\n")
    return 0


def uname(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags, _ = parse_flags(argv[1:], "asnrvmo")
    parts = {
        "s": "Linux",
        "n": sh.ctx.hostname,
        "r": KERNEL_VERSION,
        "v": "#87-Ubuntu SMP PREEMPT_DYNAMIC",
        "m": "x86_64",
        "o": "GNU/Linux",
    }
    order = "snrvmo" if "a" in flags else [f for f in "snrvmo" if f in flags] or ["s"]
    yield from out(io, " ".join(parts[f] for f in order) + "\n")
    return 0


def nproc(sh: Shell, argv: list[str], io: IO) -> Gen:
    yield from out(io, f"{sh.ctx.node_cpus}\n")
    return 0


def ps(sh: Shell, argv: list[str], io: IO) -> Gen:
    """BusyBox ps: PID 1 is the container's command, then this ps."""
    main = " ".join(sh.ctx.argv) or "sh"
    yield from out(io, f"PID   USER     TIME  COMMAND\n    1 root      0:00 {main}\n")
    yield from out(io, f"   {7 + len(main) % 5} root      0:00 {' '.join(argv)}\n")
    return 0


def pwd(sh: Shell, argv: list[str], io: IO) -> Gen:
    yield from out(io, sh.cwd + "\n")
    return 0


def true(sh: Shell, argv: list[str], io: IO) -> Gen:
    return 0
    yield


def false(sh: Shell, argv: list[str], io: IO) -> Gen:
    return 1
    yield


def test(sh: Shell, argv: list[str], io: IO) -> Gen:
    from .testexpr import run_test

    return (yield from run_test(sh, argv, io))
