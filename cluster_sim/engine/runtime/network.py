"""How programs inside a container reach other hosts (wget, curl, nslookup).

The runtime does not know the cluster: it asks a `Network` object. The kubelet passes
one that routes through cluster DNS and kube-proxy (cluster_network.PodNetwork).
`StubNetwork` stands for everything outside the cluster, and for a container started
with no cluster at all (unit tests): it answers every name with a made-up address and
every HTTP request with a one-line `stub response from <url>` body.
Requests to localhost / 127.0.0.1 never reach the network: the container answers them
itself (see ContainerProcess).
"""

import hashlib
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from .program import HttpResponse


@dataclass(frozen=True)
class NetworkFailure:
    kind: str  # "dns" (no such host) | "refused" | "timeout" | "unreachable"
    host: str
    port: int
    ip: str = ""


class Network(Protocol):
    def resolve(self, name: str, now_ms: int) -> str | None:
        """The IP a name resolves to inside the pod, or None (NXDOMAIN)."""
        ...

    def http_get(
        self, host: str, port: int, path: str, now_ms: int, client_ip: str
    ) -> HttpResponse | NetworkFailure: ...


class StubNetwork:
    """The world outside the cluster, which ClusterLab does not simulate (see above)."""

    def resolve(self, name: str, now_ms: int) -> str | None:
        if _is_ip(name):
            return name
        digest = hashlib.sha256(name.encode()).digest()
        return f"10.96.{digest[0]}.{max(digest[1], 1)}"

    def http_get(
        self, host: str, port: int, path: str, now_ms: int, client_ip: str
    ) -> HttpResponse | NetworkFailure:
        suffix = "" if port == 80 else f":{port}"
        return HttpResponse(200, f"stub response from http://{host}{suffix}{path}\n", 2)


@dataclass(frozen=True)
class Url:
    scheme: str
    host: str
    port: int
    path: str


def parse_url(text: str) -> Url | None:
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme = parts.scheme or "http"
    default = 443 if scheme == "https" else 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Url(scheme, parts.hostname, port or default, path)


def _is_ip(name: str) -> bool:
    pieces = name.split(".")
    return len(pieces) == 4 and all(p.isdigit() and int(p) < 256 for p in pieces)
