"""kubectl's `-l` syntax, parsed as k8s.io/apimachinery/pkg/labels/selector.go parses it.

The same Lexer (special symbols `=!(),><`, longest operator match), the same
recursive-descent Parser (`Parse`, `parseRequirement`, `parseKeyAndInferOperator`,
`parseOperator`, `parseValues`, `parseIdentifiersList`, `parseExactValue`) and
`NewRequirement`'s validation, so each error reads as the API server's does. The result
is a list of matchExpressions-shaped dicts, which labels.matches_expressions applies.
"""

import re

from .manifests.errors import FieldError, invalid
from .manifests.names import label_value, qualified_name


class SelectorError(ValueError):
    pass


_INT = re.compile(r"[+-]?[0-9]+")


def parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64), None where Go returns an error."""
    if not _INT.fullmatch(text):
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


# --- Lexer (selector.go Token, string2token, Lexer) -------------------------------------

ERROR = "ErrorToken"
END = "EndOfStringToken"
CLOSED_PAR = "ClosedParToken"
COMMA = "CommaToken"
DOES_NOT_EXIST = "DoesNotExistToken"
DOUBLE_EQUALS = "DoubleEqualsToken"
EQUALS = "EqualsToken"
GREATER_THAN = "GreaterThanToken"
IDENTIFIER = "IdentifierToken"
IN = "InToken"
LESS_THAN = "LessThanToken"
NOT_EQUALS = "NotEqualsToken"
NOT_IN = "NotInToken"
OPEN_PAR = "OpenParToken"

_STRING_TO_TOKEN = {
    ")": CLOSED_PAR,
    ",": COMMA,
    "!": DOES_NOT_EXIST,
    "==": DOUBLE_EQUALS,
    "=": EQUALS,
    ">": GREATER_THAN,
    "in": IN,
    "<": LESS_THAN,
    "!=": NOT_EQUALS,
    "notin": NOT_IN,
    "(": OPEN_PAR,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_NUL = "\0"  # Lexer.read's "nothing left" (a NUL in the text ends it too, as in Go)


class _Lexer:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def read(self) -> str:
        if self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            return ch
        return _NUL

    def unread(self) -> None:
        self.pos -= 1

    def scan_id_or_keyword(self) -> tuple[str, str]:
        buffer = []
        while True:
            ch = self.read()
            if ch == _NUL:
                break
            if ch in _SPECIAL or ch in _WHITESPACE:
                self.unread()
                break
            buffer.append(ch)
        literal = "".join(buffer)
        return _STRING_TO_TOKEN.get(literal, IDENTIFIER), literal

    def scan_special_symbol(self) -> tuple[str, str]:
        """The longest run of special symbols that is still a token."""
        last: tuple[str, str] | None = None
        buffer = ""
        while True:
            ch = self.read()
            if ch == _NUL:
                break
            if ch not in _SPECIAL:
                self.unread()
                break
            buffer += ch
            if buffer in _STRING_TO_TOKEN:
                last = (_STRING_TO_TOKEN[buffer], buffer)
            elif last is not None:
                self.unread()
                break
        if last is None:
            return ERROR, f"error expected: keyword found '{buffer}'"
        return last

    def lex(self) -> tuple[str, str]:
        ch = self.read()
        while ch in _WHITESPACE:
            ch = self.read()
        if ch == _NUL:
            return END, ""
        self.unread()
        if ch in _SPECIAL:
            return self.scan_special_symbol()
        return self.scan_id_or_keyword()


# --- Parser (selector.go Parser) --------------------------------------------------------

_KEY_AND_OPERATOR, _VALUES = "KeyAndOperator", "Values"

# selection.Operator values; binaryOperators is what parseOperator's error lists.
_BINARY_OPERATORS = ("in", "notin", "=", "==", "!=", "gt", "lt")
# Our matchExpressions-like operator for each selection.Operator.
_AS_EXPRESSION = {
    "in": "In",
    "=": "In",
    "==": "In",
    "notin": "NotIn",
    "!=": "NotIn",
    "gt": "Gt",
    "lt": "Lt",
    "exists": "Exists",
    "!": "DoesNotExist",
}


class _Parser:
    def __init__(self, text: str):
        lexer = _Lexer(text)
        self.items: list[tuple[str, str]] = []
        while True:  # scan
            token, literal = lexer.lex()
            self.items.append((token, literal))
            if token == END:
                break
        self.position = 0

    def lookahead(self, context: str) -> tuple[str, str]:
        token, literal = self.items[self.position]
        if context == _VALUES and token in (IN, NOT_IN):
            token = IDENTIFIER
        return token, literal

    def consume(self, context: str) -> tuple[str, str]:
        self.position += 1
        token, literal = self.items[self.position - 1]
        if context == _VALUES and token in (IN, NOT_IN):
            token = IDENTIFIER
        return token, literal

    def parse(self) -> list[dict]:
        requirements = []
        while True:
            token, literal = self.lookahead(_VALUES)
            if token in (IDENTIFIER, DOES_NOT_EXIST):
                try:
                    requirements.append(self.parse_requirement())
                except SelectorError as error:
                    raise SelectorError(f"unable to parse requirement: {error}") from None
                token, literal = self.consume(_VALUES)
                if token == END:
                    return requirements
                if token == COMMA:
                    token2, literal2 = self.lookahead(_VALUES)
                    if token2 not in (IDENTIFIER, DOES_NOT_EXIST):
                        raise SelectorError(f"found '{literal2}', expected: identifier after ','")
                else:
                    raise SelectorError(f"found '{literal}', expected: ',' or 'end of string'")
            elif token == END:
                return requirements
            else:
                raise SelectorError(
                    f"found '{literal}', expected: !, identifier, or 'end of string'"
                )

    def parse_requirement(self) -> dict:
        key, operator = self.parse_key_and_infer_operator()
        if operator in ("exists", "!"):
            return _new_requirement(key, operator, [])
        operator = self.parse_operator()
        if operator in ("in", "notin"):
            values = self.parse_values()
        else:
            values = self.parse_exact_value()
        return _new_requirement(key, operator, sorted(values))  # sets.String.List()

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        operator = ""
        token, literal = self.consume(_VALUES)
        if token == DOES_NOT_EXIST:
            operator = "!"
            token, literal = self.consume(_VALUES)
        if token != IDENTIFIER:
            raise SelectorError(f"found '{literal}', expected: identifier")
        problems = qualified_name(literal)
        if problems:  # validateLabelKey(literal, p.path): the parser's path is nil
            raise SelectorError(str(invalid("<nil>", literal, "; ".join(problems))))
        if self.lookahead(_VALUES)[0] in (END, COMMA) and operator != "!":
            operator = "exists"
        return literal, operator

    def parse_operator(self) -> str:
        token, literal = self.consume(_KEY_AND_OPERATOR)
        operator = {
            IN: "in",
            EQUALS: "=",
            DOUBLE_EQUALS: "==",
            GREATER_THAN: "gt",
            LESS_THAN: "lt",
            NOT_IN: "notin",
            NOT_EQUALS: "!=",
        }.get(token)
        if operator is None:
            raise SelectorError(f"found '{literal}', expected: {', '.join(_BINARY_OPERATORS)}")
        return operator

    def parse_values(self) -> set[str]:
        token, literal = self.consume(_VALUES)
        if token != OPEN_PAR:
            raise SelectorError(f"found '{literal}' expected: '('")
        token, literal = self.lookahead(_VALUES)
        if token in (IDENTIFIER, COMMA):
            values = self.parse_identifiers_list()
            if self.consume(_VALUES)[0] != CLOSED_PAR:
                raise SelectorError(f"found '{literal}', expected: ')'")
            return values
        if token == CLOSED_PAR:  # "()"
            self.consume(_VALUES)
            return {""}
        raise SelectorError(f"found '{literal}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            token, literal = self.consume(_VALUES)
            if token == IDENTIFIER:
                values.add(literal)
                token2, literal2 = self.lookahead(_VALUES)
                if token2 == COMMA:
                    continue
                if token2 == CLOSED_PAR:
                    return values
                raise SelectorError(f"found '{literal2}', expected: ',' or ')'")
            if token == COMMA:  # "(," and ",)" and ",," each stand for an empty value
                if not values:
                    values.add("")
                token2 = self.lookahead(_VALUES)[0]
                if token2 == CLOSED_PAR:
                    values.add("")
                    return values
                if token2 == COMMA:
                    values.add("")
                continue
            raise SelectorError(f"found '{literal}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        if self.lookahead(_VALUES)[0] in (END, COMMA):
            return {""}
        token, literal = self.consume(_VALUES)
        if token == IDENTIFIER:
            return {literal}
        raise SelectorError(f"found '{literal}', expected: identifier")


def _new_requirement(key: str, operator: str, values: list[str]) -> dict:
    """labels.NewRequirement with no path option: its errors as an aggregated ErrorList."""
    problems: list[FieldError] = []
    key_problems = qualified_name(key)
    if key_problems:
        problems.append(invalid("key", key, "; ".join(key_problems)))
    if operator in ("in", "notin"):
        if not values:
            problems.append(
                invalid("values", values, "for 'in', 'notin' operators, values set can't be empty")
            )
    elif operator in ("=", "==", "!="):
        if len(values) != 1:
            problems.append(
                invalid("values", values, "exact-match compatibility requires one single value")
            )
    elif operator in ("exists", "!"):
        if values:
            problems.append(
                invalid("values", values, "values set must be empty for exists and does not exist")
            )
    elif operator in ("gt", "lt"):
        if len(values) != 1:
            problems.append(
                invalid("values", values, "for 'Gt', 'Lt' operators, exactly one value is required")
            )
        problems.extend(
            invalid(f"values[{i}]", value, "for 'Gt', 'Lt' operators, the value must be an integer")
            for i, value in enumerate(values)
            if parse_int64(value) is None
        )
    for i, value in enumerate(values):
        value_problems = label_value(value)
        if value_problems:
            problems.append(invalid(f"values[{i}][{key}]", value, "; ".join(value_problems)))
    if problems:
        messages = list(dict.fromkeys(str(problem) for problem in problems))  # ToAggregate
        raise SelectorError(messages[0] if len(messages) == 1 else f"[{', '.join(messages)}]")
    expression = {"key": key, "operator": _AS_EXPRESSION[operator]}
    if operator not in ("exists", "!"):
        expression["values"] = list(values)
    return expression


def parse_selector(text: str) -> list[dict]:
    """kubectl `-l` syntax into matchExpressions-like dicts, as labels.Parse reads it.

    `key=value` and `key==value` become In with one value, `key!=value` NotIn, `key>1` and
    `key<1` Gt and Lt; set values come sorted and deduplicated (a sets.String), and the
    requirements sorted by key. SelectorError carries upstream's message.
    """
    requirements = _Parser(text).parse()
    return sorted(requirements, key=lambda requirement: requirement["key"])
