"""Errors as kubectl collects and prints them (k8s.io/kubectl/pkg/cmd/util/helpers.go).

Commands that visit many objects (ContinueOnError builders) gather their errors and return
them as one utilerrors.Aggregate; cmdutil.CheckErr then prints a lone error in its standard
form (`error: ...`, `Error from server (NotFound): ...`, `The Deployment "web" is invalid: ...`)
and several errors one per line through MultipleErrors, which adds no `error: ` prefix and
prints Invalid errors as `Error from server (Invalid): ...` with the server's one-line text.
"""

from dataclasses import dataclass, field

from .. import errors


@dataclass
class KError:
    text: str = ""  # the Go error's Error()
    reason: str | None = None  # an API status error's reason
    alone: str | None = None  # how CheckErr prints it when it is the only error
    children: list["KError"] = field(default_factory=list)  # a nested utilerrors.Aggregate

    def error(self) -> str:
        """Error(): an aggregate joins its distinct messages, bracketed when there are several."""
        if not self.children:
            return self.text
        seen: list[str] = []
        for child in self.children:
            for text in child._leaf_texts():
                if text not in seen:
                    seen.append(text)
        return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"

    def _leaf_texts(self) -> list[str]:
        if not self.children:
            return [self.text]
        return [text for child in self.children for text in child._leaf_texts()]


def plain(text: str) -> KError:
    return KError(text)


def aggregate(items: list[KError]) -> KError | None:
    """utilerrors.NewAggregate: None for no errors."""
    return KError(children=list(items)) if items else None


def from_api(error: errors.ApiError, source: str | None = None, verb: str = "creating") -> KError:
    """An API status error, with cmdutil.AddSourceToErr's `error when creating "x": ` when
    the object came from a file."""
    if error.reason == "Invalid":
        text = invalid_status_text(error.message)
        if source:
            text = f'error when {verb} "{source}": {text}'
        return KError(text, "Invalid", alone=error.message)
    text = error.message
    if source and not text.startswith("error when "):
        text = f'error when {verb} "{source}": {text}'
    return KError(text, error.reason)


def from_message(message: str, source: str | None = None, verb: str = "creating") -> KError:
    """A message the manifest checks word for CheckErr, as the error it stands for."""
    if message.startswith("Error from server ("):
        reason, _, text = message[len("Error from server (") :].partition("): ")
        return KError(text, reason)
    if message.startswith("The ") and " is invalid: " in message:
        return from_api(errors.invalid(message), source, verb)
    return KError(message.removeprefix("error: "))


def invalid_status_text(message: str) -> str:
    """A 422's status message from its CheckErr form: `The Deployment "x" is invalid: * a * b`
    becomes `Deployment.apps "x" is invalid: [a, b]` (apierrors.NewInvalid)."""
    from .resources import resolve

    head, _, causes = message.partition(" is invalid: ")
    kind, _, name = head.removeprefix("The ").partition(" ")
    try:
        info = resolve(kind.lower())
        qualified = f"{info.kind}.{info.group}" if info.group else info.kind
    except Exception:
        qualified = kind
    items = [line[2:] for line in causes.splitlines() if line.startswith("* ")] or [causes]
    text = items[0] if len(items) == 1 else "[" + ", ".join(items) + "]"
    return f"{qualified} {name} is invalid: {text}"


def check_err(error: KError | None) -> str:
    """cmdutil.CheckErr's text (without the trailing newline); "" for no error."""
    if error is None:
        return ""
    if len(error.children) == 1:
        error = error.children[0]  # unwrap aggregates of 1 (once, as checkErr does)
    if error.children:
        return "\n".join(_message_for(child) for child in error.children)
    if error.alone is not None:
        return error.alone
    if error.reason:
        return f"Error from server ({error.reason}): {error.text}"
    return error.text if error.text.startswith("error: ") else f"error: {error.text}"


def _message_for(error: KError) -> str:
    """messageForError: StandardErrorMessage for API errors, else Error()."""
    if error.reason and not error.children:
        return f"Error from server ({error.reason}): {error.text}"
    return error.error()
