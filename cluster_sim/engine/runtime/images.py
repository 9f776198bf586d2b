"""Resolving an image reference against the simulated registries, as a pull would.

`resolve_image("nginx:1.14.2")` answers what containerd would pull (an `ImageRef`) or
raises `ImagePullError` with the words the kubelet reports in its Failed event:

- an unparsable reference: reason InvalidImageName,
  `Failed to apply default image tag "X": couldn't parse image name "X": <parser error>`
  (kubelet's applyDefaultImageTag; the Event reason there is InspectFailed);
- a repository nobody publishes on Docker Hub: reason ErrImagePull, containerd's
  `failed to pull and unpack image ...: pull access denied, repository does not exist or
  may require authorization: server message: insufficient_scope: authorization failed`
  (gRPC code Unknown). Other registries answer 404, hence `...: not found` (code NotFound);
- a known repository without that tag: reason ErrImagePull, `...: <name>: not found`.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from .catalogue import ImageInfo, find_repository
from .reference import DEFAULT_DOMAIN, InvalidReference, Reference, parse_reference

__all__ = ["ImageInfo", "ImagePullError", "ImageRef", "image_digest", "resolve_image"]


class ImagePullError(Exception):
    """A pull that cannot succeed. `message` is containerd's text (or the kubelet's)."""

    def __init__(self, message: str, reason: str = "ErrImagePull", grpc_code: str = "Unknown"):
        super().__init__(message)
        self.message = message
        self.reason = reason  # "ErrImagePull" | "InvalidImageName"
        self.grpc_code = grpc_code  # "Unknown" | "NotFound" | "" for InvalidImageName

    def event_message(self, image: str) -> str:
        """The full message of the kubelet's Warning/Failed event for `image` as written."""
        if self.reason == "InvalidImageName":
            return self.message
        return (
            f'Failed to pull image "{image}": '
            f"rpc error: code = {self.grpc_code} desc = {self.message}"
        )


@dataclass(frozen=True)
class ImageRef:
    name: str  # "docker.io/library/nginx:1.14.2" (or "...@sha256:..." when pulled by digest)
    repository: str  # "docker.io/library/nginx"
    tag: str  # "1.14.2" ("" when pulled by digest)
    digest: str  # "sha256:<64 hex>", stable per image and tag
    size_bytes: int
    pull_ms: int  # typical duration of a first pull
    info: ImageInfo

    @property
    def image_id(self) -> str:
        """What `kubectl describe pod` prints as Image ID."""
        return f"{self.repository}@{self.digest}"


def image_digest(repository: str, tag: str) -> str:
    """A made-up but stable manifest digest for repository:tag."""
    return "sha256:" + hashlib.sha256(f"{repository}:{tag}".encode()).hexdigest()


@lru_cache(maxsize=4096)
def resolve_image(image: str) -> ImageRef:
    """What pulling `image` gives (cached: the registries never change), or ImagePullError."""
    try:
        ref = parse_reference(image)
    except InvalidReference as error:
        raise ImagePullError(
            f'Failed to apply default image tag "{image}": '
            f'couldn\'t parse image name "{image}": {error}',
            reason="InvalidImageName",
            grpc_code="",
        ) from None
    entry = find_repository(ref.repository)
    if entry is None:
        raise _missing_repository(ref)
    tag = ref.tag
    if ref.digest:
        tag = _tag_for_digest(entry, ref.digest)
    elif not entry.has_tag(tag):
        raise _not_found(ref)
    info = entry.for_tag(tag)
    return ImageRef(
        name=ref.name,
        repository=ref.repository,
        tag=ref.tag,
        digest=ref.digest or image_digest(ref.repository, tag),
        size_bytes=info.size_bytes,
        pull_ms=info.pull_ms,
        info=info,
    )


def _tag_for_digest(entry: ImageInfo, digest: str) -> str:
    """Digests are made up here, so any well-formed digest of a known repository pulls;
    one that matches a tag's digest runs that tag, any other runs the newest image."""
    for tag in entry.tags:
        if image_digest(entry.repository, tag) == digest:
            return tag
    return entry.tags[0]


def _prefix(ref: Reference) -> str:
    return f'failed to pull and unpack image "{ref.name}": failed to resolve reference "{ref.name}"'


def _missing_repository(ref: Reference) -> ImagePullError:
    if ref.domain == DEFAULT_DOMAIN:
        return ImagePullError(
            f"{_prefix(ref)}: pull access denied, repository does not exist or may require "
            "authorization: server message: insufficient_scope: authorization failed",
            grpc_code="Unknown",
        )
    return _not_found(ref)


def _not_found(ref: Reference) -> ImagePullError:
    return ImagePullError(f"{_prefix(ref)}: {ref.name}: not found", grpc_code="NotFound")
