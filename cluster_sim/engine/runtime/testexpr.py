"""`test EXPR`, `[ EXPR ]` and BusyBox ash's `[[ EXPR ]]`, with POSIX's rules by argument
count plus -a/-o."""

import re
from collections.abc import Generator

from .program import SYNC, Effect
from .shell import IO, Shell

_FILE_OPS = {"-e", "-f", "-d", "-s", "-r", "-w", "-x", "-L", "-h", "-b", "-c", "-p", "-S"}
_UNARY = _FILE_OPS | {"-n", "-z", "-t"}
_INT_OPS = {"-eq", "-ne", "-lt", "-le", "-gt", "-ge"}
_STR_OPS = {"=", "==", "!=", "<", ">"}


class _TestError(Exception):
    pass


def run_test(sh: Shell, argv: list[str], io: IO) -> Generator[Effect, None, int]:
    name = argv[0].rsplit("/", 1)[-1]
    args = list(argv[1:])
    if name == "[":
        if not args or args[-1] != "]":
            if sh.flavour == "bash":
                yield from sh.error(io, "[: missing `]'")
            elif sh.flavour == "dash":
                yield from sh.error(io, "[: missing ]")
            else:
                yield from io.stderr.write(f"{sh.name}: missing ]\n")
            return 2
        args = args[:-1]
    elif name == "[[":  # BusyBox test.c with BASH_TEST2: `[[ EXPR ]]` is test EXPR
        if not args or args[-1] != "]]":
            yield from io.stderr.write(f"{sh.name}: missing ]]\n")
            return 2
        args = args[:-1]
    if any(a in _FILE_OPS for a in args):
        yield SYNC
    try:
        return 0 if _evaluate(sh, args) else 1
    except _TestError as error:
        yield from _report(sh, io, str(error))
        return 2


def _report(sh: Shell, io: IO, problem: str) -> Generator[Effect, None, None]:
    kind, _, value = problem.partition(":")
    if kind == "number":
        if sh.flavour == "bash":
            yield from sh.error(io, f"[: {value}: integer expression expected")
        elif sh.flavour == "dash":
            yield from sh.error(io, f"[: Illegal number: {value}")
        else:
            yield from io.stderr.write(f"{sh.name}: {value}: bad number\n")
    elif sh.flavour == "dash":
        yield from sh.error(io, f"[: {value}: unexpected operator")
    elif sh.flavour == "bash":
        yield from sh.error(io, f"[: {value}: binary operator expected")
    else:
        yield from io.stderr.write(f"{sh.name}: {value}: unknown operand\n")


def _evaluate(sh: Shell, args: list[str]) -> bool:
    for connective in ("-o", "-a"):
        for i in range(len(args) - 2, 0, -1):
            if args[i] == connective and len(args) > 3:
                left, right = args[:i], args[i + 1 :]
                if connective == "-o":
                    return _evaluate(sh, left) or _evaluate(sh, right)
                return _evaluate(sh, left) and _evaluate(sh, right)
    count = len(args)
    if count == 0:
        return False
    if count == 1:
        return args[0] != ""
    if count == 2:
        if args[0] == "!":
            return not _evaluate(sh, args[1:])
        if args[0] in _UNARY:
            return _unary(sh, args[0], args[1])
        raise _TestError(f"operator:{args[0]}")
    if count == 3:
        if args[1] in _INT_OPS or args[1] in _STR_OPS:
            return _binary(sh, args[0], args[1], args[2])
        if args[0] == "!":
            return not _evaluate(sh, args[1:])
        if args[0] == "(" and args[2] == ")":
            return _evaluate(sh, args[1:2])
        raise _TestError(f"operator:{args[1]}")
    if args[0] == "!":
        return not _evaluate(sh, args[1:])
    if args[0] == "(" and args[-1] == ")":
        return _evaluate(sh, args[1:-1])
    raise _TestError(f"operator:{args[1]}")


def _unary(sh: Shell, op: str, value: str) -> bool:
    if op == "-n":
        return value != ""
    if op == "-z":
        return value == ""
    if op == "-t":
        return False
    fs = sh.ctx.fs
    path = sh.path(value) if value else ""
    if not path:
        return False
    if op == "-f":
        return fs.is_file(path) and not path.startswith("/dev/")
    if op == "-d":
        return fs.is_dir(path)
    if op == "-s":
        return fs.is_file(path) and bool(fs.read(path))
    if op in ("-L", "-h", "-b", "-c", "-p", "-S"):
        return op == "-c" and path in ("/dev/null", "/dev/zero")
    return fs.exists(path)


def _binary(sh: Shell, left: str, op: str, right: str) -> bool:
    if op in _STR_OPS:
        if op == "==" and sh.flavour == "dash":
            raise _TestError("operator:==")
        return {
            "=": left == right,
            "==": left == right,
            "!=": left != right,
            "<": left < right,
            ">": left > right,
        }[op]
    a, b = _int(left), _int(right)
    return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}[
        op
    ]


def _int(text: str) -> int:
    if not re.fullmatch(r"\s*[-+]?\d+\s*", text):
        raise _TestError(f"number:{text}")
    return int(text)
