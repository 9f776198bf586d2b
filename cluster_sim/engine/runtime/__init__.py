"""How simulated containers behave: images, their programs, and a POSIX-ish shell.

    from cluster_sim.engine.runtime import resolve_image, ImagePullError, ContainerProcess

    ref = resolve_image("nginx:1.14.2")        # or raises ImagePullError (reason, message)
    proc = ContainerProcess(ref.info, command=None, args=None, env={}, started_ms=t,
                            rng=cluster_rng, memory_limit_bytes=None, cpu_limit_millis=None)
    proc.next_event_ms(); proc.advance(now_ms) -> [Output(at_ms, kind, text, exit_code)]

Everything runs on simulated milliseconds; randomness comes only from the `rng` passed
in (one draw per container). See process.py for the full API and program.py for how
programs are modelled.
"""

from .catalogue import IMAGES, ImageInfo
from .envexpand import expand_kubernetes_references
from .filesystem import Volume
from .images import ImagePullError, ImageRef, image_digest, resolve_image
from .launcher import ContainerStartError, container_argv
from .network import Network, NetworkFailure, StubNetwork
from .process import ContainerProcess, ExecResult, Output
from .program import HttpResponse

__all__ = [
    "IMAGES",
    "ContainerProcess",
    "ContainerStartError",
    "ExecResult",
    "HttpResponse",
    "ImageInfo",
    "ImagePullError",
    "ImageRef",
    "Network",
    "NetworkFailure",
    "Output",
    "StubNetwork",
    "Volume",
    "container_argv",
    "expand_kubernetes_references",
    "image_digest",
    "resolve_image",
]
