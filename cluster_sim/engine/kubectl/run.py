"""One kubectl command against a cluster: parse, dispatch, and word failures as kubectl does."""

from .. import errors
from ..manifests import ManifestError
from .args import HelpRequested, UsageError, parse, unsimulated_flag
from .commands import VERBS
from .flags import help_text


def run_kubectl(cluster, words: list[str], stdin: str | None = None, read_file=None) -> str:
    """words excludes `kubectl`. Returns exactly what kubectl would print (stdout and stderr)."""
    notes: list[str] = []
    try:
        invocation = parse(words)
        invocation.stdin = stdin
        notes = invocation.notes
        refused = unsimulated_flag(invocation)
        if refused:
            return _with_notes(notes, refused)
        return _with_notes(notes, VERBS[invocation.verb](cluster, invocation, read_file))
    except HelpRequested as request:
        return request.prefix + (help_text(request.path) or help_text("") or "")
    except UsageError as error:
        return _with_notes(notes, str(error))
    except ManifestError as error:
        return _with_notes(notes, str(error))
    except errors.ApiError as error:
        if error.reason == "Invalid":
            return _with_notes(notes, error.message)
        return _with_notes(notes, f"Error from server ({error.reason}): {error.message}")


def _with_notes(notes: list[str], text: str) -> str:
    """pflag's deprecation lines come first (stderr, printed while flags are parsed)."""
    return "\n".join([*notes, text]) if notes else text
