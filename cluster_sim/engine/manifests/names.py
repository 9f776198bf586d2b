"""Name and value syntax checks with upstream's messages.

From k8s.io/apimachinery/pkg/util/validation/validation.go: each function returns
the list of messages upstream returns (empty when valid).
"""

import re

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = _DNS1123_LABEL + "(\\." + _DNS1123_LABEL + ")*"
_DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE = "(" + _QUALIFIED_NAME + ")?"
_CONFIG_KEY = "[-._a-zA-Z0-9]+"
_PERCENT = "[0-9]+%"

_LABEL_RE = re.compile(_DNS1123_LABEL)
_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN)
_DNS1035_RE = re.compile(_DNS1035_LABEL)
_QUALIFIED_RE = re.compile(_QUALIFIED_NAME)
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE)
_CONFIG_KEY_RE = re.compile(_CONFIG_KEY)
_PERCENT_RE = re.compile(_PERCENT)

_QUALIFIED_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def regex_error(message: str, fmt: str, *examples: str) -> str:
    """validation.RegexError, including upstream's double space before ` or`."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    listed = "".join(("" if i == 0 else " or ") + f"'{ex}', " for i, ex in enumerate(examples))
    return f"{message} (e.g. {listed}regex used for validation is '{fmt}')"


def inclusive_range_error(low: int, high: int) -> str:
    return f"must be between {low} and {high}, inclusive"


EMPTY_ERROR = "must be non-empty"
NEGATIVE_ERROR = "must be greater than or equal to 0"  # apivalidation isNegativeErrorMsg


def _match(pattern: re.Pattern, value: str) -> bool:
    return pattern.fullmatch(value) is not None


def dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _match(_LABEL_RE, value):
        if _match(_SUBDOMAIN_RE, value):
            errs.append("must not contain dots")
        else:
            errs.append(
                regex_error(
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric "
                    "characters or '-', and must start and end with an alphanumeric character",
                    _DNS1123_LABEL,
                    "my-name",
                    "123-abc",
                )
            )
    return errs


def dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append(max_len_error(253))
    if not _match(_SUBDOMAIN_RE, value):
        errs.append(
            regex_error(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                "characters, '-' or '.', and must start and end with an alphanumeric character",
                _DNS1123_SUBDOMAIN,
                "example.com",
            )
        )
    return errs


def dns1035_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _match(_DNS1035_RE, value):
        errs.append(
            regex_error(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                "start with an alphabetic character, and end with an alphanumeric character",
                _DNS1035_LABEL,
                "my-name",
                "abc-123",
            )
        )
    return errs


def path_segment_name(value: str) -> list[str]:
    """apimachinery api/validation/path IsValidPathSegmentName (RBAC object names)."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    errs = []
    for bad in ("/", "%"):
        if bad in value:
            errs.append(f"may not contain '{bad}'")
    return errs


def qualified_name(value: str) -> list[str]:
    errs = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + EMPTY_ERROR)
        else:
            errs.extend("prefix part " + msg for msg in dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + regex_error(_QUALIFIED_MSG, _QUALIFIED_NAME, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part " + EMPTY_ERROR)
    elif len(name) > 63:
        errs.append("name part " + max_len_error(63))
    if not _match(_QUALIFIED_RE, name):
        errs.append(
            "name part "
            + regex_error(_QUALIFIED_MSG, _QUALIFIED_NAME, "MyName", "my.name", "123-abc")
        )
    return errs


def label_value(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _match(_LABEL_VALUE_RE, value):
        errs.append(
            regex_error(
                "a valid label must be an empty string or consist of alphanumeric characters, "
                "'-', '_' or '.', and must start and end with an alphanumeric character",
                _LABEL_VALUE,
                "MyValue",
                "my_value",
                "12345",
            )
        )
    return errs


def port_name(value: str) -> list[str]:
    errs = []
    if len(value) > 15:
        errs.append(max_len_error(15))
    if not re.fullmatch("[-a-z0-9]+", value):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", value):
        errs.append("must contain at least one letter (a-z)")
    if "--" in value:
        errs.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def port_number(value: int) -> list[str]:
    return [] if 1 <= value <= 65535 else [inclusive_range_error(1, 65535)]


def config_map_key(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append(max_len_error(253))
    if not _match(_CONFIG_KEY_RE, value):
        errs.append(
            regex_error(
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                _CONFIG_KEY,
                "key.name",
                "KEY_NAME",
                "key-name",
            )
        )
    if value in (".", ".."):
        errs.append(f"must not be '{value}'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def env_var_name(value: str) -> list[str]:
    """Relaxed names (RelaxedEnvironmentVariableValidation, GA in v1.34)."""
    if any(ord(ch) < 32 or ord(ch) > 126 or ch == "=" for ch in value):
        return [
            "a valid environment variable name must consist only of printable ASCII "
            "characters other than '='"
        ]
    return []


def percent(value: str) -> list[str]:
    if _match(_PERCENT_RE, value):
        return []
    return [
        regex_error(
            "a valid percent string must be a numeric string followed by an ending '%'",
            _PERCENT,
            "1%",
            "93%",
        )
    ]
