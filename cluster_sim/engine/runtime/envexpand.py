"""Kubernetes' own `$(VAR)` expansion in command, args and env values.

Done by the kubelet before the container starts (k8s.io/kubernetes/third_party/forked/
golang/expansion): `$(VAR)` becomes the variable's value when it is defined, stays as
written when it is not; `$$` escapes a `$` (`$$(VAR)` gives `$(VAR)`). Plain `$VAR`
is left alone: that one is for the shell inside the container.
"""

import re

_REFERENCE = re.compile(r"\$\$|\$\(([^)]*)\)")


def expand_kubernetes_references(text: str, env: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        return env[name] if name in env else match.group(0)

    return _REFERENCE.sub(replace, text)
