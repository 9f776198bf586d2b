"""Language runtimes: perl (the Job example's pi), python and node.

They run what Kubernetes examples run: `perl -Mbignum=bpi -wle 'print bpi(2000)'`,
`python -m http.server`, `python -c` / `node -e` one-liners made of prints, sleeps,
simple loops and exits. Anything beyond that subset says so on stderr and exits 1:
this is a simulator, not an interpreter.

Python buffers stdout when it is not a terminal, as in a container: prints appear in
`kubectl logs` only when 8 KiB have accumulated or the program ends, unless `-u` or
PYTHONUNBUFFERED is set (a classic surprise, reproduced on purpose).
"""

import ast
import re
from functools import lru_cache

from ..program import (
    SYNC,
    Context,
    Cpu,
    HttpRequest,
    HttpResponse,
    Memory,
    Program,
    Sleep,
    Stream,
    Watch,
)
from ..shell import BUSY_ITERATION_MS
from .common import base, clf, serve

UNSUPPORTED = (
    "clusterlab: the simulated {lang} runs only simple one-liners; {what} is not simulated"
)
PI_MS_FOR_2000_DIGITS = 9_700  # bpi(2000) takes ~10 s on one core (the Job example)
PYTHON_BUFFER = 8192


# --- pi ----------------------------------------------------------------------------------
@lru_cache(maxsize=16)
def pi_digits(significant: int) -> str:
    """pi rounded to `significant` digits, as Math::BigFloat's bpi(N) prints it."""
    significant = max(1, significant)
    guard = 10
    scale = 10 ** (significant - 1 + guard)

    def arctan_inverse(x: int) -> int:
        total, term, n, sign = 0, scale // x, 1, 1
        x2 = x * x
        while term:
            total += sign * (term // n)
            term //= x2
            n += 2
            sign = -sign
        return total

    pi = 4 * (4 * arctan_inverse(5) - arctan_inverse(239))  # Machin's formula, scaled
    rounded = (pi + 5 * 10 ** (guard - 1)) // 10**guard  # significant digits of pi * 10^(n-1)
    text = str(rounded)
    return text[0] + ("." + text[1:significant] if significant > 1 else "")


def pi_duration_ms(significant: int) -> int:
    return max(50, round(PI_MS_FOR_2000_DIGITS * (significant / 2000) ** 2))


def perl(ctx: Context, argv: list[str]) -> Program:
    args = argv[1:]
    yield Memory(ctx.info.idle_memory_bytes)
    if "-v" in args or "--version" in args:
        version = ctx.info.version or "5.42.0"
        minor = version.split(".")[1] if "." in version else "42"
        yield from ctx.say(
            f"\nThis is perl 5, version {minor}, subversion 0 (v{version}) built "
            "for x86_64-linux-gnu-thread-multi\n\nCopyright 1987-2025, Larry "
            "Wall\n"
        )
        return 0
    code, newline, script = None, False, None
    k = 0
    while k < len(args):
        arg = args[k]
        k += 1
        if arg.startswith("-M") or arg == "--":
            continue
        if arg.startswith("-d"):
            yield from ctx.say(
                "\nLoading DB routines from perl5db.pl version 1.77\nEditor "
                "support available.\n\nEnter h or 'h h' for help, or 'man "
                "perldebug' for more help.\n\nmain::(-e:1):\t0",
                "stderr",
            )
            return 0
        if re.fullmatch(r"-[A-Za-z]+", arg):
            newline = newline or "l" in arg
            if arg[-1] in "eE" and k < len(args):
                code = args[k]
                k += 1
            continue
        script = arg
        break
    if code is None and script is not None:
        yield SYNC
        if not ctx.fs.is_file(script):
            yield from ctx.say(
                f'Can\'t open perl script "{script}": No such file or directory', "stderr"
            )
            return 2
        code = ctx.fs.read(script)
    if code is None:
        return 0
    yield Sleep(max(ctx.ready_after_ms, 1))
    end = "\n" if newline else ""
    for statement in [s.strip() for s in code.split(";") if s.strip()]:
        pi = re.fullmatch(r"print\s+bpi\(\s*(\d+)\s*\)", statement)
        text = re.fullmatch(r"print\s+(\"(?:[^\"\\]|\\.)*\"|'[^']*')", statement)
        pause = re.fullmatch(r"sleep\s*\(?\s*(\d+)\s*\)?", statement)
        leave = re.fullmatch(r"exit\s*\(?\s*(\d+)?\s*\)?", statement)
        if pi:
            digits = int(pi.group(1))
            yield Memory(ctx.info.idle_memory_bytes + digits * 4096)
            yield Cpu(ctx.cpu_used(1))
            yield Sleep(ctx.cpu_bound(pi_duration_ms(digits)))
            yield Cpu(0)
            yield from ctx.stdout.write(pi_digits(digits) + end)
        elif text:
            literal = text.group(1)
            value = literal[1:-1]
            if literal.startswith('"'):
                value = value.encode().decode("unicode_escape", errors="replace")
            yield from ctx.stdout.write(value + end)
        elif pause:
            yield Sleep(int(pause.group(1)) * 1000)
        elif leave:
            return int(leave.group(1) or 0) & 0xFF
        else:
            yield from ctx.say(UNSUPPORTED.format(lang="perl", what=repr(statement)), "stderr")
            return 255
    return 0


# --- python --------------------------------------------------------------------------------
class _Buffered(Stream):
    """A block-buffered stdout: passes text on in 8 KiB chunks, or at flush."""

    def __init__(self, target: Stream):
        self.target = target
        self.buffer = ""

    def write(self, text: str):
        self.buffer += text
        if len(self.buffer) >= PYTHON_BUFFER:
            chunk, self.buffer = self.buffer, ""
            yield from self.target.write(chunk)

    def flush(self):
        if self.buffer:
            chunk, self.buffer = self.buffer, ""
            yield from self.target.write(chunk)


class _Unsupported(Exception):
    pass


class _Exit(Exception):
    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


class _MiniPython:
    """Runs the tiny Python subset of container one-liners, as a generator."""

    def __init__(self, ctx: Context, out: Stream):
        self.ctx = ctx
        self.out = out
        self.names: dict[str, object] = {}

    def run(self, body: list[ast.stmt]):
        for node in body:
            yield from self.statement(node)

    def statement(self, node: ast.stmt):
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass)):
            return
        if isinstance(node, ast.Expr):
            yield from self.call(node.value)
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            value = self.value(node.value)
            for target in node.targets:
                self.names[target.id] = value
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            self.names[node.target.id] = self.binop(
                node.op, self.value(node.target), self.value(node.value)
            )
        elif isinstance(node, ast.If):
            yield from self.run(node.body if self.value(node.test) else node.orelse)
        elif isinstance(node, ast.While):
            previous = None
            while self.value(node.test):
                started = self.ctx.now
                watch = Watch()
                try:
                    yield from watch.run(self.run(node.body))
                except _Break:
                    break
                except _Continue:
                    pass
                if self.ctx.now == started:
                    yield Sleep(BUSY_ITERATION_MS, busy=True)
                    watch.busy_ms += BUSY_ITERATION_MS
                forever = watch.forever()
                state = (dict(self.names), len(getattr(self.out, "buffer", "")))
                if forever is not None and state == previous:
                    yield from forever  # nothing observable ever happens again
                previous = state if forever is not None else None
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            for item in self.iterable(node.iter):
                self.names[node.target.id] = item
                started = self.ctx.now
                try:
                    yield from self.run(node.body)
                except _Break:
                    break
                except _Continue:
                    pass
                if self.ctx.now == started:
                    yield Sleep(BUSY_ITERATION_MS, busy=True)
        elif isinstance(node, ast.Break):
            raise _Break
        elif isinstance(node, ast.Continue):
            raise _Continue
        else:
            raise _Unsupported(type(node).__name__)

    def iterable(self, node: ast.expr):
        if isinstance(node, ast.Call) and _name(node.func) == "range":
            bounds = [int(self.value(a)) for a in node.args]
            return range(*bounds[:3])[:100_000]
        value = self.value(node)
        if isinstance(value, (list, tuple, str)):
            return value
        raise _Unsupported("iteration")

    def call(self, node: ast.expr):
        if not isinstance(node, ast.Call):
            self.value(node)
            return
        name = _name(node.func)
        args = [self.value(a) for a in node.args]
        keywords = {k.arg: self.value(k.value) for k in node.keywords}
        if name == "print":
            end = keywords.get("end", "\n")
            yield from self.out.write(
                str(keywords.get("sep", " ")).join(_str(a) for a in args) + str(end)
            )
            if keywords.get("flush"):
                yield from self.out.flush()
        elif name == "time.sleep":
            yield Sleep(max(0, round(float(args[0]) * 1000)))
        elif name in ("sys.exit", "exit", "quit", "os._exit"):
            code = args[0] if args else 0
            if isinstance(code, str):
                yield from self.ctx.stderr.write(code + "\n")
                code = 1
            raise _Exit(int(code or 0))
        elif name in ("sys.stdout.flush",):
            yield from self.out.flush()
        else:
            self.value(node)

    def value(self, node: ast.expr) -> object:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            raise _Unsupported(f"name {node.id}")
        if isinstance(node, ast.JoinedStr):
            return "".join(
                _str(self.value(v.value))
                if isinstance(v, ast.FormattedValue)
                else _str(self.value(v))
                for v in node.values
            )
        if isinstance(node, ast.BinOp):
            return self.binop(node.op, self.value(node.left), self.value(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            operand = self.value(node.operand)
            return -operand if isinstance(node.op, ast.USub) else not operand
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = self.value(node.left), self.value(node.comparators[0])
            ops = {
                ast.Lt: lambda: left < right,
                ast.LtE: lambda: left <= right,
                ast.Gt: lambda: left > right,
                ast.GtE: lambda: left >= right,
                ast.Eq: lambda: left == right,
                ast.NotEq: lambda: left != right,
            }
            if type(node.ops[0]) in ops:
                return ops[type(node.ops[0])]()
        if isinstance(node, ast.BoolOp):
            values = [self.value(v) for v in node.values]
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(e) for e in node.elts]
        if isinstance(node, ast.Subscript) and _name(node.value) == "os.environ":
            key = self.value(node.slice)
            if key not in self.ctx.env:
                raise _Unsupported(f"KeyError: {key!r}")
            return self.ctx.env[key]
        if isinstance(node, ast.Call):
            name = _name(node.func)
            args = [self.value(a) for a in node.args]
            if name in ("os.getenv", "os.environ.get"):
                return self.ctx.env.get(args[0], args[1] if len(args) > 1 else None)
            simple = {"str": _str, "int": int, "len": len, "float": float, "abs": abs}
            if name in simple and len(args) == 1:
                return simple[name](args[0])
            if name == "socket.gethostname":
                return self.ctx.hostname
        raise _Unsupported(type(node).__name__)

    @staticmethod
    def binop(op: ast.operator, a, b):
        if (
            isinstance(a, (int, float))
            and isinstance(b, (int, float))
            and abs(b) > 10_000
            and isinstance(op, ast.Pow)
        ):
            raise _Unsupported("huge power")
        table = {
            ast.Add: lambda: a + b,
            ast.Sub: lambda: a - b,
            ast.Mult: lambda: a * b,
            ast.Div: lambda: a / b,
            ast.FloorDiv: lambda: a // b,
            ast.Mod: lambda: a % b,
            ast.Pow: lambda: a**b,
        }
        if type(op) not in table:
            raise _Unsupported("operator")
        text_repeat = isinstance(op, ast.Mult) and (isinstance(a, str) or isinstance(b, str))
        if text_repeat and (b if isinstance(a, str) else a) > 100_000:
            raise _Unsupported("huge string")
        return table[type(op)]()


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _name(node.value) + "." + node.attr
    return ""


def _str(value: object) -> str:
    return str(value)


def python(ctx: Context, argv: list[str]) -> Program:
    args = argv[1:]
    version = ctx.info.version or "3.14.0"
    yield Memory(ctx.info.idle_memory_bytes)
    if "-V" in args or "--version" in args:
        yield from ctx.say(f"Python {version}")
        return 0
    unbuffered = "-u" in args or bool(ctx.env.get("PYTHONUNBUFFERED"))
    out = ctx.stdout if unbuffered else _Buffered(ctx.stdout)
    args = [a for a in args if a not in ("-u", "-B", "-O", "-E", "-s", "-I")]
    if args[:2] == ["-m", "http.server"]:
        port = int(args[2]) if len(args) > 2 and args[2].isdigit() else 8000
        return (yield from _http_server(ctx, out, port))
    if not args:
        return 0  # the REPL reads stdin, and a container's stdin is closed
    if args[0] == "-c" and len(args) > 1:
        source, filename = args[1], "<string>"
    elif args[0] == "-m":
        module = args[1] if len(args) > 1 else ""
        yield from ctx.say(f"/usr/local/bin/python3: No module named {module}", "stderr")
        return 1
    else:
        yield SYNC
        if not ctx.fs.is_file(args[0]):
            yield from ctx.say(
                f"{base(argv[0])}: can't open file '{args[0]}': [Errno 2] No such "
                "file or directory",
                "stderr",
            )
            return 2
        source, filename = ctx.fs.read(args[0]), args[0]
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as error:
        yield from ctx.say(f'  File "{filename}", line {error.lineno}', "stderr")
        yield from ctx.say(f"    {(error.text or '').strip()}", "stderr")
        yield from ctx.say(f"SyntaxError: {error.msg}", "stderr")
        return 1
    except (RecursionError, MemoryError, ValueError):
        yield from ctx.say("SyntaxError: too many nested parentheses", "stderr")
        return 1
    yield Sleep(max(ctx.ready_after_ms // 4, 1))
    runner = _MiniPython(ctx, out)
    status = 0
    try:
        yield from runner.run(tree.body)
    except _Exit as done:
        status = done.code
    except _Unsupported as error:
        yield from out.flush()
        yield from ctx.say(UNSUPPORTED.format(lang="python", what=str(error)), "stderr")
        status = 1
    except (ArithmeticError, TypeError, ValueError, IndexError, OverflowError) as error:
        yield from out.flush()
        yield from ctx.say("Traceback (most recent call last):", "stderr")
        yield from ctx.say(f'  File "{filename}", line 1, in <module>', "stderr")
        yield from ctx.say(f"{type(error).__name__}: {error}", "stderr")
        status = 1
    yield from out.flush()
    return status


def _http_server(ctx: Context, out: Stream, port: int) -> Program:
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield from out.write(f"Serving HTTP on 0.0.0.0 port {port} (http://0.0.0.0:{port}/) ...\n")

    def handle(request: HttpRequest) -> HttpResponse:
        stamp = clf(request.at_ms).replace(":", " ", 1).rsplit(" ", 1)[0]
        ctx.log_now(f'{request.client} - - [{stamp}] "GET {request.path} HTTP/1.1" 200 -')
        listing = "".join(f'<li><a href="{n}">{n}</a></li>\n' for n in ctx.fs.listdir("/"))
        body = (
            "<!DOCTYPE HTML>\n<html>\n<body>\n<h1>Directory listing for /</h1>\n"
            f"<ul>\n{listing}</ul>\n</body>\n</html>\n"
        )
        return HttpResponse(200, body, 2, 1, "text/html")

    return (yield from serve(ctx, {port: handle}))


# --- node ------------------------------------------------------------------------------------
_CONSOLE = re.compile(r"console\.(?:log|error)\(\s*(['\"`])((?:\\.|(?!\1).)*)\1\s*\)")
_INTERVAL = re.compile(
    r"setInterval\(\s*(?:\(\)\s*=>|function\s*\(\)\s*)\s*\{?(.*?)\}?\s*,\s*(\d+)\s*\)"
)
_EXIT = re.compile(r"process\.exit\(\s*(\d*)\s*\)")


def node(ctx: Context, argv: list[str]) -> Program:
    args = argv[1:]
    version = ctx.info.version or "24.11.1"
    yield Memory(ctx.info.idle_memory_bytes)
    if base(argv[0]) == "npm":
        yield from ctx.say(
            "npm error code ENOENT\nnpm error syscall open\nnpm error path "
            "/package.json\nnpm error errno -2\nnpm error enoent Could not read "
            "package.json",
            "stderr",
        )
        return 254
    if "-v" in args or "--version" in args:
        yield from ctx.say(f"v{version}")
        return 0
    if not args:
        return 0
    if args[0] in ("-e", "--eval") and len(args) > 1:
        source = args[1]
    else:
        yield SYNC
        path = args[0] if args[0].startswith("/") else "/" + args[0]
        if not ctx.fs.is_file(path):
            for line in (
                "node:internal/modules/cjs/loader:1386",
                "  throw err;",
                "  ^",
                "",
                f"Error: Cannot find module '{path}'",
                "    at Function._resolveFilename (node:internal/modules/cjs/loader:1383:15)",
                "    at node:internal/main/run_main_module:36:49 {",
                "  code: 'MODULE_NOT_FOUND',",
                "  requireStack: []",
                "}",
                "",
                f"Node.js v{version}",
            ):
                yield from ctx.say(line, "stderr")
            return 1
        source = ctx.fs.read(path)
    yield Sleep(max(ctx.ready_after_ms // 4, 1))
    interval = _INTERVAL.search(source)
    plain = _INTERVAL.sub("", source) if interval else source
    for statement in [s.strip() for s in re.split(r";|\n", plain) if s.strip()]:
        printed = _CONSOLE.fullmatch(statement)
        leave = _EXIT.fullmatch(statement)
        if printed:
            yield from ctx.say(_js_string(printed.group(2)))
        elif leave:
            return int(leave.group(1) or 0) & 0xFF
        elif not statement.startswith(("//", "'use strict'", '"use strict"')):
            yield from ctx.say(UNSUPPORTED.format(lang="node", what=repr(statement)), "stderr")
            return 1
    if interval:
        lines = [_js_string(m.group(2)) for m in _CONSOLE.finditer(interval.group(1))]
        period = max(int(interval.group(2)), 1)
        while True:
            yield Sleep(period)
            for line in lines:
                yield from ctx.say(line)
    return 0


def _js_string(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\'", "'").replace('\\"', '"')


APPS = {"perl": perl, "python": python, "node": node}
