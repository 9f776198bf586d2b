"""One kubectl command against a cluster: parse, dispatch, and word failures as kubectl does."""

from .. import errors
from ..manifests import ManifestError
from .args import UsageError, parse
from .commands import VERBS


def run_kubectl(cluster, words: list[str], stdin: str | None = None, read_file=None) -> str:
    """words excludes `kubectl`. Returns exactly what kubectl would print (stdout and stderr)."""
    try:
        invocation = parse(words)
        invocation.stdin = stdin
        verb = VERBS.get(invocation.verb)
        if verb is None:
            return f'Error: unknown command "{invocation.verb}" for "kubectl"'
        return verb(cluster, invocation, read_file)
    except UsageError as error:
        return str(error)
    except ManifestError as error:
        return str(error)
    except errors.ApiError as error:
        if error.reason == "Invalid":
            return error.message
        return f"Error from server ({error.reason}): {error.message}"
