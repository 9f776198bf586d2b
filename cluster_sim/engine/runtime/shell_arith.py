"""Shell arithmetic, `$(( ... ))`: signed 64-bit integers, C operators, variables by name."""

import re
from collections.abc import Callable

_TOKEN = re.compile(
    r"\s*(?:(?P<num>0[xX][0-9a-fA-F]+|\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*=?|<<=|>>=|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|[-+*/%<>=!~&|^?:(),]))"
)
_BINARY = {
    "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
    "<": 7, "<=": 7, ">": 7, ">=": 7, "<<": 8, ">>": 8,
    "+": 9, "-": 9, "*": 10, "/": 10, "%": 10, "**": 11,
}  # fmt: skip
_ASSIGN = {"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "|=", "^=", "**="}
_MASK = (1 << 64) - 1


class ArithError(Exception):
    pass


def wrap(value: int) -> int:
    value &= _MASK
    return value - (1 << 64) if value >> 63 else value


def evaluate(text: str, get: Callable[[str], str], put: Callable[[str, str], None]) -> int:
    tokens = _tokenize(text)
    if not tokens:
        return 0
    parser = _Parser(tokens, get, put)
    value = parser.comma()
    if parser.i != len(tokens):
        raise ArithError("arithmetic syntax error")
    return value


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ArithError("arithmetic syntax error")
        pos = match.end()
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
    return tokens


def _number(text: str) -> int:
    if text.lower().startswith("0x"):
        return int(text, 16)
    if len(text) > 1 and text.startswith("0"):
        try:
            return int(text, 8)
        except ValueError:
            raise ArithError("arithmetic syntax error") from None
    return int(text)


def _binary(op: str, a: int, b: int) -> int:
    if op in ("/", "%") and b == 0:
        raise ArithError("divide by zero")
    if op == "/":
        quotient = abs(a) // abs(b)
        return wrap(quotient if (a >= 0) == (b >= 0) else -quotient)
    if op == "%":
        return wrap(abs(a) % abs(b) * (1 if a >= 0 else -1))
    if op == "**":
        if b < 0:
            raise ArithError("exponent less than 0")
        return wrap(pow(a, b, 1 << 64))
    if op == "<<":
        return wrap(a << (b & 63))
    if op == ">>":
        return wrap(a >> (b & 63))
    table = {
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
        "<": lambda: int(a < b), "<=": lambda: int(a <= b), ">": lambda: int(a > b),
        ">=": lambda: int(a >= b), "==": lambda: int(a == b), "!=": lambda: int(a != b),
        "&": lambda: a & b, "|": lambda: a | b, "^": lambda: a ^ b,
        "&&": lambda: int(bool(a) and bool(b)), "||": lambda: int(bool(a) or bool(b)),
    }  # fmt: skip
    return wrap(table[op]())


class _Parser:
    def __init__(self, tokens, get, put):
        self.tokens = tokens
        self.i = 0
        self.get = get
        self.put = put
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ArithError("arithmetic syntax error")
        self.i += 1
        return token

    def var(self, name: str) -> int:
        raw = self.get(name).strip()
        if not raw:
            return 0
        if re.fullmatch(r"[-+]?(0[xX][0-9a-fA-F]+|\d+)", raw):
            sign = -1 if raw.startswith("-") else 1
            return wrap(sign * _number(raw.lstrip("+-")))
        if self.depth > 8:
            raise ArithError("expression recursion loop detected")
        self.depth += 1
        try:
            return evaluate(raw, self.get, self.put)
        finally:
            self.depth -= 1

    def comma(self) -> int:
        value = self.assignment()
        while self.peek() == ("op", ","):
            self.take()
            value = self.assignment()
        return value

    def assignment(self) -> int:
        token = self.peek()
        nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        if token and token[0] == "name" and nxt and nxt[0] == "op" and nxt[1] in _ASSIGN:
            self.i += 2
            value = self.assignment()
            if nxt[1] != "=":
                value = _binary(nxt[1][:-1], self.var(token[1]), value)
            self.put(token[1], str(value))
            return value
        return self.ternary()

    def ternary(self) -> int:
        cond = self.binary(1)
        if self.peek() == ("op", "?"):
            self.take()
            yes = self.comma()
            if self.take() != ("op", ":"):
                raise ArithError("arithmetic syntax error")
            no = self.ternary()
            return yes if cond else no
        return cond

    def binary(self, level: int) -> int:
        left = self.unary()
        while True:
            token = self.peek()
            if not token or token[0] != "op" or _BINARY.get(token[1], 0) < level:
                return left
            op = token[1]
            prec = _BINARY[op]
            self.take()
            right = self.binary(prec if op == "**" else prec + 1)
            left = _binary(op, left, right)

    def unary(self) -> int:
        token = self.take()
        kind, text = token
        if kind == "op" and text in ("-", "+", "!", "~"):
            value = self.unary()
            return {"-": lambda: wrap(-value), "+": lambda: value, "!": lambda: int(not value),
                    "~": lambda: wrap(~value)}[text]()  # fmt: skip
        if kind == "op" and text in ("++", "--"):
            name = self.take()
            if name[0] != "name":
                raise ArithError("arithmetic syntax error")
            value = wrap(self.var(name[1]) + (1 if text == "++" else -1))
            self.put(name[1], str(value))
            return value
        if kind == "op" and text == "(":
            value = self.comma()
            if self.take() != ("op", ")"):
                raise ArithError("arithmetic syntax error")
            return value
        if kind == "num":
            return wrap(_number(text))
        if kind == "name":
            value = self.var(text)
            if self.peek() in (("op", "++"), ("op", "--")):
                op = self.take()[1]
                self.put(text, str(wrap(value + (1 if op == "++" else -1))))
            return value
        raise ArithError("arithmetic syntax error")
