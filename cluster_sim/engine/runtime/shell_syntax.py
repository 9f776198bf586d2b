"""The POSIX sh subset the simulated shell understands, parsed into a small tree.

Supported: simple commands with assignments and redirections (`>`, `>>`, `<`, `2>&1`,
`2>/dev/null`), pipelines, `!`, `&&`, `||`, `;`, `&` (run in the foreground here),
newlines, `{ ...; }`, `( ... )`, `while`/`until`, `for NAME in ...`, `if/elif/else`,
single and double quotes, backslash escapes, `$VAR`, `${VAR}`, `${VAR:-x}` and friends,
`${#VAR}`, `$?`, `$$`, `$#`, `$0..$9`, `$@`, `$(...)`, backticks, `$((...))`, `#` comments,
and bash's `name=(a b c)` with `${name[i]}`. Not supported (reported as syntax errors):
here-documents, `case`, functions.
"""

import re
from dataclasses import dataclass, field

RESERVED = {"if", "then", "elif", "else", "fi", "while", "until", "for", "do", "done", "{", "}",
            "!", "in", "case", "esac"}  # fmt: skip
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_OPERATORS = ("&&", "||", ";;", ">>", ">&", "<&", ">|", "<<", ";", "&", "|", "(", ")", "<", ">")
_BREAK_CHARS = set(" \t\n;&|()<>")


class ShellSyntaxError(Exception):
    def __init__(self, token: str, expecting: str = "", kind: str = "unexpected", line: int = 1):
        super().__init__(f"syntax error: {kind} {token!r}")
        self.token = token  # the offending token, or "end of file"
        self.expecting = expecting
        self.kind = kind  # "unexpected" | "unterminated" | "unsupported"
        self.line = line


# --- words ----------------------------------------------------------------------
@dataclass(frozen=True)
class Lit:
    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Param:
    name: str  # "HOME", "?", "1", "@", or "items[idx]" for bash arrays
    op: str = ""  # "", ":-", "-", ":=", "=", ":+", "+", ":?", "?", "#", "##", "%", "%%", "len"
    arg: "Word | None" = None
    quoted: bool = False


@dataclass(frozen=True)
class CmdSub:
    script: "Sequence"
    quoted: bool = False


@dataclass(frozen=True)
class Arith:
    expr: "Word"
    quoted: bool = False


Part = Lit | Param | CmdSub | Arith


@dataclass(frozen=True)
class Word:
    parts: tuple[Part, ...]
    raw: str

    def literal(self) -> str | None:
        """The text if the word is one plain unquoted literal (keywords, names)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted:
            return self.parts[0].text
        return None


# --- commands ---------------------------------------------------------------------
@dataclass(frozen=True)
class Redirect:
    fd: int
    op: str  # ">", ">>", "<", ">&", "<&"
    target: Word


@dataclass(frozen=True)
class Assign:
    name: str
    value: Word | None = None
    array: tuple[Word, ...] | None = None


@dataclass(frozen=True)
class Simple:
    assigns: tuple[Assign, ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...]
    line: int = 1


@dataclass(frozen=True)
class Pipeline:
    commands: tuple["Command", ...]
    negate: bool = False


@dataclass(frozen=True)
class AndOr:
    first: Pipeline
    rest: tuple[tuple[str, Pipeline], ...] = ()


@dataclass(frozen=True)
class Sequence:
    items: tuple[tuple[AndOr, bool], ...] = ()  # (command, run in background)


@dataclass(frozen=True)
class Loop:
    cond: Sequence
    body: Sequence
    until: bool = False
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class ForLoop:
    var: str
    items: tuple[Word, ...] | None  # None: "$@"
    body: Sequence
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class IfClause:
    branches: tuple[tuple[Sequence, Sequence], ...]
    otherwise: Sequence | None = None
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class Group:
    body: Sequence
    subshell: bool = False
    redirects: tuple[Redirect, ...] = ()


Command = Simple | Loop | ForLoop | IfClause | Group


# --- lexer -------------------------------------------------------------------------
@dataclass
class Token:
    kind: str  # WORD | OP | NEWLINE | EOF | IO_NUMBER
    value: str
    word: Word | None = None
    line: int = 1


@dataclass
class _Lexer:
    text: str
    pos: int = 0
    line: int = 1
    tokens: list[Token] = field(default_factory=list)

    def run(self) -> list[Token]:
        text = self.text
        while True:
            self._skip_blanks()
            if self.pos >= len(text):
                self.tokens.append(Token("EOF", "end of file", line=self.line))
                return self.tokens
            c = text[self.pos]
            if c == "\n":
                self.tokens.append(Token("NEWLINE", "newline", line=self.line))
                self.pos += 1
                self.line += 1
            elif c == "#":
                while self.pos < len(text) and text[self.pos] != "\n":
                    self.pos += 1
            elif c in ";&|()<>":
                op = next(o for o in _OPERATORS if text.startswith(o, self.pos))
                if op == "<<":
                    raise ShellSyntaxError("<<", kind="unsupported", line=self.line)
                self.tokens.append(Token("OP", op, line=self.line))
                self.pos += len(op)
            else:
                start, line = self.pos, self.line
                parts = self._word(set(_BREAK_CHARS))
                raw = text[start : self.pos]
                if raw.isdigit() and self.pos < len(text) and text[self.pos] in "<>":
                    self.tokens.append(Token("IO_NUMBER", raw, line=line))
                else:
                    self.tokens.append(Token("WORD", raw, Word(tuple(parts), raw), line))

    def _skip_blanks(self) -> None:
        text = self.text
        while self.pos < len(text):
            if text[self.pos] in " \t\r":
                self.pos += 1
            elif text.startswith("\\\n", self.pos):
                self.pos += 2
                self.line += 1
            else:
                return

    def _word(self, stops: set[str], quoted: bool = False) -> list[Part]:
        """Scan a word (or, with quoted=True, double-quoted content) up to a stop char."""
        text = self.text
        parts: list[Part] = []
        buf: list[str] = []

        def flush() -> None:
            if buf:
                parts.append(Lit("".join(buf), quoted))
                buf.clear()

        while self.pos < len(text):
            c = text[self.pos]
            if c in stops:
                break
            if c == "\\":
                nxt = text[self.pos + 1 : self.pos + 2]
                if nxt == "\n":
                    self.pos += 2
                    self.line += 1
                    continue
                if quoted and nxt not in ("$", "`", '"', "\\"):
                    buf.append("\\")
                    self.pos += 1
                    continue
                flush()
                parts.append(Lit(nxt, True))
                self.pos += 2
            elif c == "'" and not quoted:
                end = text.find("'", self.pos + 1)
                if end < 0:
                    raise ShellSyntaxError("'", kind="unterminated", line=self.line)
                flush()
                chunk = text[self.pos + 1 : end]
                parts.append(Lit(chunk, True))
                self.line += chunk.count("\n")
                self.pos = end + 1
            elif c == '"' and not quoted:
                flush()
                self.pos += 1
                inner = self._word({'"'}, quoted=True)
                if self.pos >= len(text):
                    raise ShellSyntaxError('"', kind="unterminated", line=self.line)
                self.pos += 1
                parts.extend(inner or [Lit("", True)])
            elif c == "$":
                flush()
                parts.append(self._dollar(quoted))
            elif c == "`":
                flush()
                parts.append(self._backtick(quoted))
            else:
                if c == "\n":
                    self.line += 1
                buf.append(c)
                self.pos += 1
        flush()
        return parts

    def _dollar(self, quoted: bool) -> Part:
        text = self.text
        start = self.pos
        if text.startswith("$((", start):
            end = _matching(text, start + 3, "(", ")", 2)
            inner = text[start + 3 : end - 1]
            self.pos = end + 1
            return Arith(_subword(inner, self.line), quoted)
        if text.startswith("$(", start):
            end = _matching(text, start + 2, "(", ")", 1)
            inner = text[start + 2 : end]
            self.pos = end + 1
            return CmdSub(parse_script(inner), quoted)
        if text.startswith("${", start):
            end = _matching(text, start + 2, "{", "}", 1)
            inner = text[start + 2 : end]
            self.pos = end + 1
            return _braced(inner, quoted, self.line)
        nxt = text[start + 1 : start + 2]
        if nxt and (nxt in "?$#@*!-" or nxt.isdigit()):
            self.pos = start + 2
            return Param(nxt, quoted=quoted)
        match = _NAME.match(text, start + 1)
        if match:
            self.pos = match.end()
            return Param(match.group(), quoted=quoted)
        self.pos = start + 1
        return Lit("$", quoted)

    def _backtick(self, quoted: bool) -> Part:
        text = self.text
        i = self.pos + 1
        out = []
        while i < len(text) and text[i] != "`":
            if text[i] == "\\" and text[i + 1 : i + 2] in ("`", "\\", "$"):
                out.append(text[i + 1])
                i += 2
                continue
            out.append(text[i])
            i += 1
        if i >= len(text):
            raise ShellSyntaxError("`", kind="unterminated", line=self.line)
        self.pos = i + 1
        return CmdSub(parse_script("".join(out)), quoted)


def _matching(text: str, i: int, opening: str, closing: str, needed: int) -> int:
    """Index of the closing bracket (the first of `needed` in a row), skipping quotes."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                break
            i = end + 1
            continue
        if c == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == opening:
            depth += 1
        elif c == closing:
            if depth == 0:
                if needed == 2 and not text.startswith(closing * 2, i):
                    depth = 0
                else:
                    return i + (needed - 1)
            else:
                depth -= 1
        i += 1
    raise ShellSyntaxError(closing * needed, kind="unterminated")


def _subword(text: str, line: int) -> Word:
    lexer = _Lexer(text, line=line)
    parts = lexer._word(set(), quoted=True)
    return Word(tuple(parts), text)


_BRACED_OPS = (":-", ":=", ":+", ":?", "##", "%%", "-", "=", "+", "?", "#", "%")


def _braced(inner: str, quoted: bool, line: int) -> Param:
    if inner.startswith("#") and len(inner) > 1:
        return Param(inner[1:], "len", quoted=quoted)
    match = re.match(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?|[?$#@*!0-9-]", inner)
    if not match:
        raise ShellSyntaxError("${" + inner + "}", kind="bad substitution", line=line)
    name, rest = match.group(), inner[match.end() :]
    if not rest:
        return Param(name, quoted=quoted)
    for op in _BRACED_OPS:
        if rest.startswith(op):
            return Param(name, op, _subword(rest[len(op) :], line), quoted)
    raise ShellSyntaxError("${" + inner + "}", kind="bad substitution", line=line)


# --- parser ------------------------------------------------------------------------
class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def reserved(self) -> str | None:
        tok = self.tok
        if tok.kind == "WORD" and tok.word is not None:
            text = tok.word.literal()
            if text in RESERVED:
                return text
        return None

    def error(self, expecting: str = "") -> ShellSyntaxError:
        return ShellSyntaxError(self.tok.value, expecting, line=self.tok.line)

    def skip_newlines(self) -> None:
        while self.tok.kind == "NEWLINE":
            self.advance()

    def expect_word(self, word: str) -> None:
        self.skip_newlines()
        if self.reserved() != word:
            raise self.error(word)
        self.advance()

    def parse(self) -> Sequence:
        seq = self.sequence(set())
        if self.tok.kind != "EOF":
            raise self.error()
        return seq

    def sequence(self, stops: set[str], required: bool = False, expecting: str = "") -> Sequence:
        self.skip_newlines()
        items = []
        while True:
            word = self.reserved()
            if (
                self.tok.kind == "EOF"
                or word in stops
                or (self.tok.kind, self.tok.value)
                == (
                    "OP",
                    ")",
                )
            ):
                break
            command = self.and_or()
            if self.tok.kind == "OP" and self.tok.value in (";", "&"):
                background = self.advance().value == "&"
                items.append((command, background))
                self.skip_newlines()
            elif self.tok.kind == "NEWLINE":
                items.append((command, False))
                self.skip_newlines()
            else:
                items.append((command, False))
                break
        if required and not items:
            raise self.error(expecting)
        return Sequence(tuple(items))

    def and_or(self) -> AndOr:
        first = self.pipeline()
        rest = []
        while self.tok.kind == "OP" and self.tok.value in ("&&", "||"):
            op = self.advance().value
            self.skip_newlines()
            rest.append((op, self.pipeline()))
        return AndOr(first, tuple(rest))

    def pipeline(self) -> Pipeline:
        negate = False
        if self.reserved() == "!":
            self.advance()
            negate = True
        commands = [self.command()]
        while self.tok.kind == "OP" and self.tok.value == "|":
            self.advance()
            self.skip_newlines()
            commands.append(self.command())
        return Pipeline(tuple(commands), negate)

    def command(self) -> Command:
        word = self.reserved()
        if word in ("while", "until"):
            self.advance()
            cond = self.sequence({"do"}, required=True, expecting="do")
            self.expect_word("do")
            body = self.sequence({"done"}, required=True, expecting="done")
            self.expect_word("done")
            return Loop(cond, body, word == "until", self.redirects())
        if word == "for":
            return self.for_loop()
        if word == "if":
            return self.if_clause()
        if word == "{":
            self.advance()
            body = self.sequence({"}"}, required=True, expecting="}")
            self.expect_word("}")
            return Group(body, False, self.redirects())
        if self.tok.kind == "OP" and self.tok.value == "(":
            self.advance()
            body = self.sequence(set(), required=True, expecting=")")
            if not (self.tok.kind == "OP" and self.tok.value == ")"):
                raise self.error(")")
            self.advance()
            return Group(body, True, self.redirects())
        if word is not None and word not in ("!", "in"):
            raise self.error()
        return self.simple()

    def for_loop(self) -> ForLoop:
        self.advance()
        tok = self.tok
        name = tok.word.literal() if tok.kind == "WORD" and tok.word else None
        if not name or not _NAME.fullmatch(name):
            raise self.error()
        self.advance()
        self.skip_newlines()
        items = None
        if self.reserved() == "in":
            self.advance()
            words = []
            while self.tok.kind == "WORD":
                words.append(self.advance().word)
            items = tuple(words)
            if self.tok.kind == "OP" and self.tok.value == ";":
                self.advance()
        elif self.tok.kind == "OP" and self.tok.value == ";":
            self.advance()
        self.expect_word("do")
        body = self.sequence({"done"}, required=True, expecting="done")
        self.expect_word("done")
        return ForLoop(name, items, body, self.redirects())

    def if_clause(self) -> IfClause:
        self.advance()
        branches = []
        otherwise = None
        while True:
            cond = self.sequence({"then"}, required=True, expecting="then")
            self.expect_word("then")
            body = self.sequence({"elif", "else", "fi"}, required=True, expecting="fi")
            branches.append((cond, body))
            word = self.reserved()
            if word == "elif":
                self.advance()
                continue
            if word == "else":
                self.advance()
                otherwise = self.sequence({"fi"}, required=True, expecting="fi")
            self.expect_word("fi")
            return IfClause(tuple(branches), otherwise, self.redirects())

    def redirects(self) -> tuple[Redirect, ...]:
        found = []
        while True:
            redirect = self.redirect()
            if redirect is None:
                return tuple(found)
            found.append(redirect)

    def redirect(self) -> Redirect | None:
        fd = None
        if self.tok.kind == "IO_NUMBER":
            fd = int(self.advance().value)
        tok = self.tok
        if tok.kind != "OP" or tok.value not in (">", ">>", "<", ">&", "<&", ">|"):
            if fd is not None:
                raise self.error()
            return None
        op = self.advance().value
        op = ">" if op == ">|" else op
        if self.tok.kind != "WORD":
            raise self.error()
        target = self.advance().word
        default_fd = 0 if op in ("<", "<&") else 1
        return Redirect(default_fd if fd is None else fd, op, target)

    def simple(self) -> Simple:
        line = self.tok.line
        assigns: list[Assign] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while True:
            redirect = self.redirect()
            if redirect is not None:
                redirects.append(redirect)
                continue
            tok = self.tok
            if tok.kind != "WORD" or tok.word is None:
                break
            self.advance()
            assign = None if words else _assignment(tok.word)
            if assign is None:
                words.append(tok.word)
                continue
            if assign.value is None and self.tok.kind == "OP" and self.tok.value == "(":
                self.advance()
                items = []
                while self.tok.kind in ("WORD", "NEWLINE"):
                    tok = self.advance()
                    if tok.word is not None:
                        items.append(tok.word)
                if not (self.tok.kind == "OP" and self.tok.value == ")"):
                    raise self.error(")")
                self.advance()
                assign = Assign(assign.name, None, tuple(items))
            assigns.append(assign)
        if not (assigns or words or redirects):
            raise self.error()
        return Simple(tuple(assigns), tuple(words), tuple(redirects), line)


def _assignment(word: Word) -> Assign | None:
    first = word.parts[0] if word.parts else None
    if not isinstance(first, Lit) or first.quoted:
        return None
    match = _ASSIGN.match(first.text)
    if not match:
        return None
    rest_text = first.text[match.end() :]
    parts = ((Lit(rest_text),) if rest_text else ()) + word.parts[1:]
    if not parts:
        return Assign(match.group(1), None)
    return Assign(match.group(1), Word(parts, word.raw[match.end() :]))


def parse_script(text: str) -> Sequence:
    """Parse a script; raises ShellSyntaxError."""
    return _Parser(_Lexer(text).run()).parse()
