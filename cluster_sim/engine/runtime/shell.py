"""The simulated `/bin/sh`: a stepwise interpreter for the sh used in Kubernetes examples.

Three dialects, chosen by the image and the name it is run as: BusyBox `ash` (busybox,
alpine), Debian's `dash` (`sh` on debian/ubuntu-based images) and `bash`. They differ
in their error messages, exactly as learners see them in `kubectl logs`:

    ash:  sh: foo: not found                     (exit status 127)
    dash: sh: 1: foo: not found
    bash: bash: line 1: foo: command not found

The interpreter is a generator (see runtime.program): `sleep 30` yields Sleep(30000),
so `while true; do ...; done` unrolls lazily, one iteration at a time. A loop iteration
that took no simulated time costs BUSY_ITERATION_MS of busy CPU, so a busy loop burns a
core in `kubectl top` and can never stall the simulation. Kubernetes' own `$(VAR)`
expansion in command/args happens earlier, in the kubelet (see runtime.envexpand).

Not modelled: globbing (`*` stays literal), background jobs (`&` runs in the foreground),
signals and `trap` (accepted, ignored: as PID 1 the shell ignores SIGTERM, as in real
containers), here-documents, `case`, functions.
"""

import fnmatch
import re
from collections.abc import Generator
from dataclasses import dataclass, replace

from . import shell_syntax as ast
from .filesystem import FsError
from .program import SYNC, Capture, Context, Discard, Effect, Sleep, Stream, Watch
from .shell_arith import ArithError, evaluate
from .shell_syntax import ShellSyntaxError, parse_script

BUSY_ITERATION_MS = 10
SHELL_NAMES = {"sh": None, "ash": "ash", "dash": "dash", "bash": "bash"}
Gen = Generator[Effect, None, int]


class ShellExit(Exception):
    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


class LoopControl(Exception):
    def __init__(self, kind: str, levels: int):
        super().__init__(kind)
        self.kind = kind
        self.levels = levels


@dataclass
class IO:
    stdin: str | None
    stdout: Stream
    stderr: Stream


class FileStream(Stream):
    def __init__(self, sh: "Shell", path: str):
        self.sh = sh
        self.path = path

    def write(self, text: str) -> Generator[Effect, None, None]:
        yield SYNC
        try:
            self.sh.ctx.fs.write(self.path, text, append=True)
        except FsError:  # the file's directory vanished meanwhile
            return


def shell_flavour(name: str, userland: str) -> str:
    base = name.rsplit("/", 1)[-1]
    flavour = SHELL_NAMES.get(base)
    if flavour:
        return flavour
    return "ash" if userland == "busybox" else "dash"


def is_shell(name: str) -> bool:
    return name.rsplit("/", 1)[-1] in SHELL_NAMES


class Shell:
    def __init__(self, ctx: Context, name: str = "sh", flavour: str = "ash"):
        self.ctx = ctx
        self.name = name
        self.flavour = flavour
        self.vars: dict[str, str] = dict(ctx.env)
        self.arrays: dict[str, list[str]] = {}
        self.exported: set[str] = set(ctx.env)
        self.positional: list[str] = []
        self.status = 0
        self.errexit = False
        self.xtrace = False
        self.cwd = "/"
        self.line = 1
        self.in_condition = 0
        self.status_from_subst: int | None = None
        self.volatile = 0  # reads of the clock or $RANDOM: state that changes by itself

    # -- helpers ----------------------------------------------------------------
    def copy(self) -> "Shell":
        child = Shell(self.ctx, self.name, self.flavour)
        child.vars = dict(self.vars)
        child.arrays = {k: list(v) for k, v in self.arrays.items()}
        child.exported = set(self.exported)
        child.positional = list(self.positional)
        child.status = self.status
        child.errexit, child.xtrace, child.cwd = self.errexit, self.xtrace, self.cwd
        child.line = self.line
        child.volatile = self.volatile
        return child

    @property
    def userland(self) -> str:
        return self.ctx.info.userland or "busybox"

    @property
    def gnu(self) -> bool:
        return self.userland != "busybox"

    def path(self, name: str) -> str:
        if name.startswith("/"):
            return name
        return (self.cwd.rstrip("/") + "/" + name) if name else self.cwd

    def environ(self) -> dict[str, str]:
        return {k: v for k, v in self.vars.items() if k in self.exported}

    def prefix(self) -> str:
        if self.flavour == "dash":
            return f"{self.name}: {self.line}: "
        if self.flavour == "bash":
            return f"{self.name}: line {self.line}: "
        return f"{self.name}: "

    def error(self, io: IO, message: str) -> Generator[Effect, None, None]:
        yield from io.stderr.write(self.prefix() + message + "\n")

    def set_var(self, name: str, value: str) -> None:
        self.vars[name] = value

    def get_var(self, name: str) -> str:
        return self.vars.get(name, "")

    # -- entry points -------------------------------------------------------------
    def run_shell(self, argv: list[str], io: IO) -> Gen:
        """Run as `sh [-ex] -c SCRIPT [NAME [ARGS...]]`, `sh FILE [ARGS]`, or plain `sh`."""
        args = list(argv[1:])
        script = None
        command_mode = False
        while args and args[0].startswith(("-", "+")) and args[0] not in ("-", "--"):
            flags = args.pop(0)
            if flags in ("--login", "--norc", "--noprofile", "--posix"):
                continue
            if flags in ("-o", "+o") and args:
                args.pop(0)
                continue
            for flag in flags[1:]:
                if flag == "c":
                    command_mode = True
                elif flag == "e":
                    self.errexit = flags[0] == "-"
                elif flag == "x":
                    self.xtrace = flags[0] == "-"
        if args and args[0] in ("-", "--"):
            args.pop(0)
        if command_mode:
            if not args:
                yield from io.stderr.write(f"{self.name}: -c requires an argument\n")
                return 2
            script = args.pop(0)
            if args:
                self.name = args.pop(0)
            self.positional = args
            return (yield from self.run_script(script, io))
        if args:
            path = args.pop(0)
            yield SYNC
            try:
                script = self.ctx.fs.read(self.path(path))
            except FsError:
                message = "No such file or directory"
                if self.flavour == "dash":
                    yield from io.stderr.write(f"{self.name}: 0: cannot open {path}: {message}\n")
                elif self.flavour == "bash":
                    yield from io.stderr.write(f"{self.name}: {path}: {message}\n")
                else:
                    yield from io.stderr.write(f"{self.name}: can't open '{path}': {message}\n")
                return 127 if self.flavour == "bash" else 2
            self.name = path
            self.positional = args
            return (yield from self.run_script(script, io))
        # Interactive shell reading stdin: a container without stdin sees EOF at once.
        if io.stdin:
            return (yield from self.run_script(io.stdin, IO(None, io.stdout, io.stderr)))
        return 0

    def run_script(self, text: str, io: IO) -> Gen:
        try:
            tree = parse_script(text)
        except (ShellSyntaxError, RecursionError) as error:
            if isinstance(error, RecursionError):
                error = ShellSyntaxError("(", kind="unsupported")
            yield from io.stderr.write(self.syntax_message(error) + "\n")
            return 2
        try:
            status = yield from self.run_sequence(tree, io)
        except ShellExit as done:
            status = done.code
        except LoopControl:
            status = self.status
        except ArithError as error:
            yield from self.arith_error(io, str(error))
            status = 2 if self.flavour != "bash" else 1
        return status

    def syntax_message(self, error: ShellSyntaxError) -> str:
        token = error.token
        self.line = error.line
        expecting = f' (expecting "{error.expecting}")' if error.expecting else ""
        if self.flavour == "bash":
            where = f"{self.name}: -c: line {error.line}: "
            if error.kind == "unterminated":
                return f"{where}unexpected EOF while looking for matching `{token}'"
            if token == "end of file":
                return f"{where}syntax error: unexpected end of file"
            return f"{where}syntax error near unexpected token `{token}'"
        if self.flavour == "dash":
            where = f"{self.name}: {error.line}: "
            if error.kind == "unterminated":
                return f"{where}Syntax error: Unterminated quoted string"
            if error.kind == "bad substitution":
                return f"{where}Syntax error: Bad substitution"
            if token == "end of file":
                return f"{where}Syntax error: end of file unexpected{expecting}"
            return f'{where}Syntax error: "{token}" unexpected{expecting}'
        if error.kind == "unterminated":
            return f"{self.name}: syntax error: unterminated quoted string"
        if error.kind == "bad substitution":
            return f"{self.name}: syntax error: bad substitution"
        if token == "end of file":
            return f"{self.name}: syntax error: unexpected end of file{expecting}"
        return f'{self.name}: syntax error: unexpected "{token}"{expecting}'

    # -- control flow ---------------------------------------------------------------
    def run_sequence(self, seq: ast.Sequence, io: IO) -> Gen:
        status = self.status
        for command, _background in seq.items:
            status = yield from self.run_and_or(command, io)
        return status

    def run_and_or(self, node: ast.AndOr, io: IO) -> Gen:
        if node.rest:
            self.in_condition += 1
        try:
            status = yield from self.run_pipeline(node.first, io)
        finally:
            if node.rest:
                self.in_condition -= 1
        ran_last = not node.rest
        for k, (op, pipe) in enumerate(node.rest):
            if (op == "&&") == (status == 0):
                last = k == len(node.rest) - 1
                if not last:
                    self.in_condition += 1
                try:
                    status = yield from self.run_pipeline(pipe, io)
                finally:
                    if not last:
                        self.in_condition -= 1
                ran_last = last
        self.status = status
        negated = len(node.rest) == 0 and node.first.negate
        if self.errexit and status != 0 and ran_last and not negated and not self.in_condition:
            raise ShellExit(status)
        return status

    def run_pipeline(self, node: ast.Pipeline, io: IO) -> Gen:
        if len(node.commands) == 1:
            status = yield from self.run_command(node.commands[0], io)
        else:
            data = io.stdin
            status = 0
            for k, command in enumerate(node.commands):
                last = k == len(node.commands) - 1
                out = io.stdout if last else Capture()
                sh = self if last else self.copy()
                try:
                    status = yield from sh.run_command(command, IO(data, out, io.stderr))
                except ShellExit as done:
                    status = done.code
                if not last:
                    data = out.text
        if node.negate:
            status = 0 if status else 1
        self.status = status
        return status

    def run_command(self, node: ast.Command, io: IO) -> Gen:
        if isinstance(node, ast.Simple):
            return (yield from self.run_simple(node, io))
        io, status = yield from self.redirect(node.redirects, io)
        if io is None:
            return status
        if isinstance(node, ast.Loop):
            return (yield from self.run_loop(node, io))
        if isinstance(node, ast.ForLoop):
            return (yield from self.run_for(node, io))
        if isinstance(node, ast.IfClause):
            for cond, body in node.branches:
                if (yield from self.condition(cond, io)) == 0:
                    return (yield from self.run_sequence(body, io))
            if node.otherwise is not None:
                return (yield from self.run_sequence(node.otherwise, io))
            return 0
        if node.subshell:
            child = self.copy()
            try:
                return (yield from child.run_sequence(node.body, io))
            except ShellExit as done:
                return done.code
        return (yield from self.run_sequence(node.body, io))

    def condition(self, seq: ast.Sequence, io: IO) -> Gen:
        self.in_condition += 1
        try:
            return (yield from self.run_sequence(seq, io))
        finally:
            self.in_condition -= 1

    def iteration(self, body: ast.Sequence, io: IO, started: int) -> Generator[Effect, None, str]:
        """Run one loop body; returns "break", "continue" or "" (and pays for busy loops)."""
        outcome = ""
        try:
            yield from self.run_sequence(body, io)
        except LoopControl as control:
            if control.levels > 1:
                control.levels -= 1
                raise
            outcome = control.kind
        if self.ctx.now == started:
            yield Sleep(BUSY_ITERATION_MS, busy=True)
        return outcome

    def run_loop(self, node: ast.Loop, io: IO) -> Gen:
        status = 0
        previous = None
        while True:
            started = self.ctx.now
            watch = Watch()
            test = yield from watch.run(self.condition(node.cond, io))
            if (test == 0) == node.until:
                return status
            outcome = yield from watch.run(self.iteration(node.body, io, started))
            status = self.status
            if outcome == "break":
                return status
            forever = watch.forever()
            if forever is None:
                previous = None
                continue
            snapshot = self.snapshot(io)
            if snapshot == previous:  # a fixed point: it would go on like this forever
                yield from forever
            previous = snapshot

    def snapshot(self, io: IO) -> tuple:
        """Everything a loop iteration's behaviour can depend on, besides shared state
        (which is only read after a SYNC, an effect)."""
        return (
            dict(self.vars),
            {k: list(v) for k, v in self.arrays.items()},
            list(self.positional),
            self.status,
            self.cwd,
            self.errexit,
            self.volatile,
            io.stdin,
        )

    def run_for(self, node: ast.ForLoop, io: IO) -> Gen:
        if node.items is None:
            items = list(self.positional)
        else:
            items = yield from self.expand_words(node.items, io)
        status = 0
        for item in items:
            self.set_var(node.var, item)
            outcome = yield from self.iteration(node.body, io, self.ctx.now)
            status = self.status
            if outcome == "break":
                break
        return status

    # -- simple commands ----------------------------------------------------------------
    def run_simple(self, node: ast.Simple, io: IO) -> Gen:
        self.line = node.line
        self.status_from_subst = None
        try:
            argv = yield from self.expand_words(node.words, io)
            values = []
            for assign in node.assigns:
                if assign.array is not None:
                    items = yield from self.expand_words(assign.array, io)
                    values.append((assign.name, items))
                else:
                    text = (
                        ""
                        if assign.value is None
                        else (yield from self.expand_text(assign.value, io))
                    )
                    values.append((assign.name, text))
        except ArithError as error:
            yield from self.arith_error(io, str(error))
            raise ShellExit(2 if self.flavour != "bash" else 1) from None
        if not argv:
            for name, value in values:
                if isinstance(value, list):
                    self.arrays[name] = value
                else:
                    self.set_var(name, value)
            redirected, status = yield from self.redirect(node.redirects, io)
            if redirected is None:
                return status
            return self.status_from_subst or 0
        redirected, status = yield from self.redirect(node.redirects, io)
        if redirected is None:
            return status
        if self.xtrace:
            yield from io.stderr.write("+ " + " ".join(_quote(a) for a in argv) + "\n")
        overrides = {name: v for name, v in values if isinstance(v, str)}
        return (yield from self.execute(argv, redirected, overrides))

    def execute(self, argv: list[str], io: IO, overrides: dict[str, str] | None = None) -> Gen:
        from . import builtins, tools

        name = argv[0]
        handler = builtins.BUILTINS.get(name)
        if name == "[[" and self.flavour == "ash":  # BusyBox ash's bash-compatible test
            handler = builtins.BUILTINS["["]
        if handler is not None:
            return (yield from handler(self, argv, io))
        kind = tools.lookup(self.ctx.info, name)
        if kind is None:
            yield from self.not_found(io, name)
            return 127
        if kind == "shell":
            env = {**self.environ(), **(overrides or {})}
            child = Shell(replace(self.ctx, env=env), name, shell_flavour(name, self.userland))
            return (yield from child.run_shell(argv, io))
        if kind == "tool":
            saved = None
            if overrides:
                saved = dict(self.vars), set(self.exported)
                self.vars.update(overrides)
                self.exported.update(overrides)
            try:
                return (yield from tools.TOOLS[name.rsplit("/", 1)[-1]](self, argv, io))
            finally:
                if saved is not None:
                    self.vars, self.exported = saved
        env = {**self.environ(), **(overrides or {})}
        child_ctx = replace(self.ctx, env=env, stdout=io.stdout, stderr=io.stderr)
        return (yield from self.ctx.spawn(child_ctx, argv)) or 0

    def not_found(self, io: IO, name: str) -> Generator[Effect, None, None]:
        if self.flavour == "bash":
            reason = "No such file or directory" if "/" in name else "command not found"
            yield from self.error(io, f"{name}: {reason}")
        else:
            yield from self.error(io, f"{name}: not found")

    def arith_error(self, io: IO, message: str) -> Generator[Effect, None, None]:
        if self.flavour == "dash":
            yield from self.error(io, f"arithmetic expression: {message}")
        else:
            yield from self.error(io, message)

    # -- redirections ----------------------------------------------------------------
    def redirect(self, redirects: tuple[ast.Redirect, ...], io: IO):
        """Apply redirections; returns (new IO, 0) or (None, failure status)."""
        if not redirects:
            return io, 0
        current = {0: io.stdin, 1: io.stdout, 2: io.stderr}
        for item in redirects:
            target = yield from self.expand_text(item.target, io)
            if item.op in (">&", "<&"):
                if target == "-":
                    current[item.fd] = Discard() if item.fd else None
                elif target.isdigit() and int(target) in current:
                    current[item.fd] = current[int(target)]
                continue
            if item.op == "<":
                yield SYNC
                try:
                    current[0] = self.ctx.fs.read(self.path(target))
                except FsError as error:
                    yield from self.redirect_error(io, target, error.reason, True)
                    return None, 1 if self.flavour != "dash" else 2
                continue
            if target == "/dev/null":
                current[item.fd] = Discard()
                continue
            if target in ("/dev/stdout", "/dev/stderr"):
                current[item.fd] = io.stdout if target == "/dev/stdout" else io.stderr
                continue
            yield SYNC
            path = self.path(target)
            try:
                if item.op == ">" or not self.ctx.fs.exists(path):
                    self.ctx.fs.write(path, "")
            except FsError as error:
                yield from self.redirect_error(io, target, error.reason, False)
                return None, 1 if self.flavour != "dash" else 2
            current[item.fd] = FileStream(self, path)
        stdout = current.get(1) or Discard()
        stderr = current.get(2) or Discard()
        return IO(current.get(0), stdout, stderr), 0

    def redirect_error(self, io: IO, target: str, reason: str, reading: bool):
        if self.flavour == "bash":
            yield from self.error(io, f"{target}: {reason}")
        elif self.flavour == "dash":
            verb = "cannot open" if reading else "cannot create"
            detail = "Directory nonexistent" if not reading and "No such" in reason else reason
            if reading and "No such" in reason:
                detail = "No such file"
            yield from self.error(io, f"{verb} {target}: {detail}")
        else:
            if reading:
                yield from self.error(io, f"can't open '{target}': {reason}")
            else:
                detail = "nonexistent directory" if "No such" in reason else reason
                yield from self.error(io, f"can't create {target}: {detail}")

    # -- expansion -------------------------------------------------------------------
    def expand_words(self, words, io: IO) -> Generator[Effect, None, list[str]]:
        out: list[str] = []
        for word in words:
            out.extend((yield from self.expand_word(word, io, split=True)))
        return out

    def expand_text(self, word: ast.Word, io: IO) -> Generator[Effect, None, str]:
        fields = yield from self.expand_word(word, io, split=False)
        return " ".join(fields)

    def expand_word(self, word: ast.Word, io: IO, split: bool) -> Generator[Effect, None, list]:
        out: list[str] = []
        current: list[str] = []
        present = False

        def end_field() -> None:
            nonlocal present
            if present or current:
                out.append("".join(current))
            current.clear()
            present = False

        for index, part in enumerate(word.parts):
            if isinstance(part, ast.Lit):
                text = part.text
                if index == 0 and not part.quoted and (text == "~" or text.startswith("~/")):
                    text = self.vars.get("HOME", "/root") + text[1:]
                current.append(text)
                present = present or part.quoted or bool(text)
                continue
            if isinstance(part, ast.Param) and part.name == "@" and not part.op:
                values = list(self.positional)
                if part.quoted and split:
                    for k, value in enumerate(values):
                        if k:
                            end_field()
                        current.append(value)
                        present = True
                    continue
            value = yield from self.expand_part(part, io)
            if part.quoted or not split:
                current.append(value)
                present = True
                continue
            if not value:
                continue
            pieces = value.split()
            if value[0].isspace():
                end_field()
            for k, piece in enumerate(pieces):
                if k:
                    end_field()
                current.append(piece)
                present = True
            if value[-1].isspace():
                end_field()
        end_field()
        if not split:
            return ["".join(out)] if out else [""]
        return out

    def expand_part(self, part, io: IO) -> Generator[Effect, None, str]:
        if isinstance(part, ast.CmdSub):
            capture = Capture()
            child = self.copy()
            try:
                status = yield from child.run_sequence(part.script, IO(None, capture, io.stderr))
            except ShellExit as done:
                status = done.code
            except LoopControl:
                status = child.status
            self.status_from_subst = status
            self.status = status
            return capture.text.rstrip("\n")
        if isinstance(part, ast.Arith):
            text = yield from self.expand_text(part.expr, io)
            try:
                return str(evaluate(text, self.get_var, self.set_var))
            except RecursionError:
                raise ArithError("arithmetic syntax error") from None
        return (yield from self.expand_param(part, io))

    def param_value(self, name: str) -> str | None:
        if name == "?":
            return str(self.status)
        if name == "$":
            return "1"
        if name == "#":
            return str(len(self.positional))
        if name == "0":
            return self.name
        if name.isdigit():
            index = int(name)
            return self.positional[index - 1] if index <= len(self.positional) else None
        if name in ("@", "*"):
            return " ".join(self.positional)
        if name == "!":
            return ""
        if name == "-":
            return ("e" if self.errexit else "") + ("x" if self.xtrace else "")
        if name == "RANDOM" and self.flavour != "dash":
            self.volatile += 1
            return str(self.ctx.rng.randrange(32768))
        if "[" in name:
            base, _, index = name.partition("[")
            index = index.rstrip("]")
            items = self.arrays.get(base)
            if items is None:
                value = self.vars.get(base)
                items = [value] if value is not None else []
            if index in ("@", "*"):
                return " ".join(items)
            index = re.sub(r"\$\{?(\w+)\}?", lambda m: self.param_value(m.group(1)) or "", index)
            position = evaluate(index, self.get_var, self.set_var)
            return items[position] if 0 <= position < len(items) else None
        if name in self.arrays:
            return self.arrays[name][0] if self.arrays[name] else ""
        return self.vars.get(name)

    def expand_param(self, part: ast.Param, io: IO) -> Generator[Effect, None, str]:
        value = self.param_value(part.name)
        op = part.op
        if op == "len":
            return str(len(value or ""))
        if not op:
            return value or ""
        unset_or_empty = not value if op.startswith(":") else value is None
        if op in (":-", "-"):
            if unset_or_empty:
                return (yield from self.expand_text(part.arg, io))
            return value
        if op in (":=", "="):
            if unset_or_empty:
                value = yield from self.expand_text(part.arg, io)
                self.set_var(part.name, value)
            return value
        if op in (":+", "+"):
            if unset_or_empty:
                return ""
            return (yield from self.expand_text(part.arg, io))
        if op in (":?", "?"):
            if unset_or_empty:
                message = yield from self.expand_text(part.arg, io)
                if not message:
                    message = "parameter null or not set" if op == ":?" else "parameter not set"
                yield from self.error(io, f"{part.name}: {message}")
                raise _ExpansionAbort(1 if self.flavour == "bash" else 2)
            return value
        pattern = yield from self.expand_text(part.arg, io)
        return _trim(value or "", op, pattern)


class _ExpansionAbort(ShellExit):
    pass


def _trim(value: str, op: str, pattern: str) -> str:
    regex = fnmatch.translate(pattern) if pattern else ""
    candidates = range(len(value) + 1)
    if op in ("#", "##"):
        order = candidates if op == "#" else reversed(candidates)
        for n in order:
            if re.fullmatch(regex, value[:n], re.S):
                return value[n:]
        return value
    order = reversed(candidates) if op == "%" else candidates
    for n in order:
        if re.fullmatch(regex, value[n:], re.S):
            return value[:n]
    return value


def _quote(arg: str) -> str:
    if arg and re.fullmatch(r"[\w@%+=:,./-]+", arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"
