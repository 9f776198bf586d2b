"""A container's environment as layers, so that shared variables are not copied.

A container's variables are its own (env, envFrom) over the Services' (KUBERNETES_*,
<SVC>_SERVICE_HOST...), which every container of a namespace shares: with 30 Services
that is 200 variables, and copying them into each of 150,000 containers costs gigabytes.
Lookups take the container's own value first, then the Services', then the image's
defaults (PATH, HOSTNAME, HOME). `env` lists them as a container runtime sets them: the
image's defaults, the container's own in order, then the Services'.
"""

from collections.abc import Iterator, Mapping


class Environment(Mapping):
    __slots__ = ("own", "shared", "defaults")

    def __init__(
        self,
        own: Mapping[str, str],
        shared: Mapping[str, str] | None = None,
        defaults: Mapping[str, str] | None = None,
    ):
        self.own = own
        self.shared = shared or {}
        self.defaults = defaults or {}

    def with_defaults(self, defaults: Mapping[str, str]) -> "Environment":
        return Environment(self.own, self.shared, defaults)

    def __getitem__(self, name: str) -> str:
        for layer in (self.own, self.shared, self.defaults):
            if name in layer:
                return layer[name]
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return name in self.own or name in self.shared or name in self.defaults

    def __iter__(self) -> Iterator[str]:
        for name in self.defaults:
            if name not in self.own and name not in self.shared:
                yield name
        yield from self.own
        for name in self.shared:
            if name not in self.own:
                yield name

    def __len__(self) -> int:
        return sum(1 for _ in self)
