"""Text tools: head, tail (with -f), grep, wc, sort, uniq, rev, tr, cut."""

import re

from .program import SYNC, Sleep
from .shell import IO, Shell
from .sysutils import unescape
from .toolbase import Gen, err, out, parse_flags, read_inputs, split_lines


def _count_option(args: list[str], default: int) -> tuple[int, list[str], set[str]]:
    count, rest, flags = default, [], set()
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-n", "-c") and i + 1 < len(args):
            count = _int(args[i + 1].lstrip("+"), default)
            i += 2
            continue
        if re.fullmatch(r"-n?\d+", arg):
            count = int(arg.lstrip("-n"))
        elif arg in ("-f", "-F", "--follow", "-q", "-s"):
            flags.add(arg)
        else:
            rest.append(arg)
        i += 1
    return count, rest, flags


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def head(sh: Shell, argv: list[str], io: IO) -> Gen:
    count, names, _ = _count_option(argv[1:], 10)
    inputs, status = yield from read_inputs(sh, io, "head", names)
    for _, text in inputs:
        lines = text.splitlines(keepends=True)
        yield from out(io, "".join(lines[:count]))
    return status


def tail(sh: Shell, argv: list[str], io: IO) -> Gen:
    count, names, flags = _count_option(argv[1:], 10)
    follow = bool(flags & {"-f", "-F", "--follow"})
    if not follow:
        inputs, status = yield from read_inputs(sh, io, "tail", names)
        for _, text in inputs:
            lines = text.splitlines(keepends=True)
            yield from out(io, "".join(lines[-count:] if count else []))
        return status
    return (yield from _follow(sh, io, names[0] if names else "-", count, "-F" in flags))


def _follow(sh: Shell, io: IO, name: str, count: int, retry: bool) -> Gen:
    """tail -f: print the end, then poll the file once a second (as BusyBox does)."""
    if name in ("-", "/dev/null"):
        yield from out(io, "".join((io.stdin or "").splitlines(keepends=True)[-count:]))
        yield Sleep(None)
        return 0
    fs, path = sh.ctx.fs, sh.path(name)
    yield SYNC
    offset = None
    if fs.is_file(path):
        text = fs.read(path)
        yield from out(io, "".join(text.splitlines(keepends=True)[-count:] if count else []))
        offset = len(text)
    else:
        yield from err(
            io,
            f"tail: cannot open '{name}' for reading: No such file or directory"
            if sh.gnu
            else f"tail: can't open '{name}': No such file or directory",
        )
        if not retry:
            return 1
    while True:
        yield Sleep(1000)
        yield SYNC
        if not fs.is_file(path):
            continue
        text = fs.read(path)
        if offset is None:
            yield from err(
                io,
                f"tail: '{name}' has appeared;  following new file"
                if sh.gnu
                else f"tail: {name} has appeared; following end of new file",
            )
            offset = 0
        if len(text) < offset:
            yield from err(io, f"tail: {name}: file truncated")
            offset = 0
        if len(text) > offset:
            yield from out(io, text[offset:])
            offset = len(text)


def grep(sh: Shell, argv: list[str], io: IO) -> Gen:
    args = list(argv[1:])
    flags: set[str] = set()
    patterns: list[str] = []
    operands: list[str] = []
    while args:
        arg = args.pop(0)
        if arg == "-e" and args:
            patterns.append(args.pop(0))
        elif (
            arg.startswith("-")
            and len(arg) > 1
            and not operands
            and set(arg[1:]) <= set("vicqnEFwxlhsHo")
        ):
            flags.update(arg[1:])
        else:
            operands.append(arg)
    if not patterns:
        if not operands:
            yield from err(io, "Usage: grep [OPTIONS] PATTERN [FILE]...")
            return 2
        patterns.append(operands.pop(0))
    regexes = []
    for pattern in patterns:
        source = re.escape(pattern) if "F" in flags else _posix_regex(pattern, "E" in flags)
        if "w" in flags:
            source = rf"\b(?:{source})\b"
        if "x" in flags:
            source = rf"^(?:{source})$"
        try:
            regexes.append(re.compile(source, re.I if "i" in flags else 0))
        except re.error:
            yield from err(io, "grep: Invalid regular expression" if sh.gnu else "grep: bad regex")
            return 2
    inputs, status = yield from read_inputs(sh, io, "grep", operands)
    matched = False
    many = len(inputs) > 1
    for name, text in inputs:
        count = 0
        for number, line in enumerate(split_lines(text)[:100_000], 1):
            hit = any(r.search(line[:4096]) for r in regexes) != ("v" in flags)
            if not hit:
                continue
            count += 1
            matched = True
            if flags & {"q", "c", "l"}:
                continue
            prefix = (f"{name}:" if many else "") + (f"{number}:" if "n" in flags else "")
            yield from out(io, prefix + line + "\n")
        if "c" in flags:
            yield from out(io, (f"{name}:" if many else "") + f"{count}\n")
        if "l" in flags and count:
            yield from out(io, name + "\n")
    if status:
        return 2
    return 0 if matched else 1


def _posix_regex(pattern: str, extended: bool) -> str:
    if extended:
        return pattern
    # Basic regular expressions: \( \) \{ \} \| are the operators, bare ones literal.
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "(){}|+?":
            out.append(pattern[i + 1])
            i += 2
            continue
        out.append("\\" + c if c in "(){}|+?" else c)
        i += 1
    return "".join(out)


def wc(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags, names = parse_flags(argv[1:], "lwcm")
    flags = flags or {"l", "w", "c"}
    inputs, status = yield from read_inputs(sh, io, "wc", names)
    for name, text in inputs:
        counts = []
        if "l" in flags:
            counts.append(text.count("\n"))
        if "w" in flags:
            counts.append(len(text.split()))
        if flags & {"c", "m"}:
            counts.append(len(text.encode()))
        label = "" if name == "-" else f" {name}"
        yield from out(io, " ".join(str(c) for c in counts) + label + "\n")
    return status


def sort(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags, names = parse_flags(argv[1:], "nrufb")
    inputs, status = yield from read_inputs(sh, io, "sort", names)
    lines = [line for _, text in inputs for line in split_lines(text)]
    if "n" in flags:
        lines.sort(key=lambda s: (_leading_number(s), s))
    else:
        lines.sort(key=str.lower if "f" in flags else None)
    if "r" in flags:
        lines.reverse()
    if "u" in flags:
        lines = list(dict.fromkeys(lines))
    yield from out(io, "".join(line + "\n" for line in lines))
    return status


def _leading_number(text: str) -> float:
    match = re.match(r"\s*[-+]?\d+(\.\d+)?", text)
    return float(match.group()) if match else 0.0


def uniq(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags, names = parse_flags(argv[1:], "cdu")
    inputs, status = yield from read_inputs(sh, io, "uniq", names[:1])
    groups: list[list] = []
    for _, text in inputs:
        for line in split_lines(text):
            if groups and groups[-1][0] == line:
                groups[-1][1] += 1
            else:
                groups.append([line, 1])
    for line, count in groups:
        if ("d" in flags and count < 2) or ("u" in flags and count > 1):
            continue
        yield from out(io, (f"{count:>7} " if "c" in flags else "") + line + "\n")
    return status


def rev(sh: Shell, argv: list[str], io: IO) -> Gen:
    inputs, status = yield from read_inputs(sh, io, "rev", argv[1:])
    for _, text in inputs:
        yield from out(io, "".join(line[::-1] + "\n" for line in split_lines(text)))
    return status


def _tr_set(spec: str) -> str:
    classes = {"[:lower:]": "a-z", "[:upper:]": "A-Z", "[:digit:]": "0-9", "[:space:]": " \t\n"}
    for name, value in classes.items():
        spec = spec.replace(name, value)
    spec, _ = unescape(spec)
    chars, i = [], 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-" and ord(spec[i]) <= ord(spec[i + 2]):
            chars.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            chars.append(spec[i])
            i += 1
    return "".join(chars)


def tr(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags, sets = parse_flags(argv[1:], "dsc")
    text = io.stdin or ""
    if not sets:
        yield from err(io, "tr: missing operand")
        return 1
    first = _tr_set(sets[0])
    if "d" in flags:
        text = "".join(c for c in text if c not in first)
    elif len(sets) > 1:
        second = _tr_set(sets[1])
        if second:
            second = second + second[-1] * max(0, len(first) - len(second))
            text = text.translate(str.maketrans(first, second[: len(first)]))
    if "s" in flags:
        squeeze = _tr_set(sets[-1])
        text = re.sub("([" + re.escape(squeeze) + "])\\1+", r"\1", text) if squeeze else text
    yield from out(io, text)
    return 0


def cut(sh: Shell, argv: list[str], io: IO) -> Gen:
    args, delimiter, fields, names = list(argv[1:]), "\t", "", []
    while args:
        arg = args.pop(0)
        if arg.startswith("-d"):
            delimiter = (arg[2:] or (args.pop(0) if args else "\t"))[:1]
        elif arg.startswith("-f"):
            fields = arg[2:] or (args.pop(0) if args else "")
        else:
            names.append(arg)
    wanted = set()
    for chunk in fields.split(","):
        low, _, high = chunk.partition("-")
        if chunk.isdigit():
            wanted.add(int(chunk))
        elif low.isdigit() or high.isdigit():
            wanted.update(range(int(low or 1), int(high or 64) + 1))
    if not wanted:
        yield from err(io, "cut: you must specify a list of bytes, characters, or fields")
        return 1
    inputs, status = yield from read_inputs(sh, io, "cut", names)
    for _, text in inputs:
        for line in split_lines(text):
            parts = line.split(delimiter)
            if len(parts) == 1:
                yield from out(io, line + "\n")
            else:
                chosen = [p for k, p in enumerate(parts, 1) if k in wanted]
                yield from out(io, delimiter.join(chosen) + "\n")
    return status
