"""Image references, parsed and normalised as containerd and the kubelet do.

Same grammar and messages as github.com/distribution/reference (ParseNormalizedNamed,
splitDockerDomain) and github.com/opencontainers/go-digest, which the kubelet uses in
`applyDefaultImageTag` (pkg/kubelet/images/image_manager.go):

    nginx                    -> docker.io/library/nginx:latest
    bitnami/redis            -> docker.io/bitnami/redis:latest
    registry.k8s.io/pause:3.9  stays as written
    nginx@sha256:<64 hex>    -> docker.io/library/nginx@sha256:<64 hex>
"""

import re
from dataclasses import dataclass

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_REPO_PREFIX = "library/"
DEFAULT_TAG = "latest"
NAME_TOTAL_LENGTH_MAX = 255

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"^(?P<name>{_NAME})(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$")
_IDENTIFIER = re.compile(r"^[a-f0-9]{64}$")
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}


class InvalidReference(ValueError):
    """The text after `invalid reference format` style prefixes: the parser's own words."""


@dataclass(frozen=True)
class Reference:
    domain: str  # "docker.io"
    path: str  # "library/nginx"
    tag: str  # "" when only a digest was given
    digest: str  # "" or "sha256:<hex>"

    @property
    def repository(self) -> str:
        return f"{self.domain}/{self.path}"

    @property
    def name(self) -> str:
        """The fully qualified reference containerd reports: digest wins over a tag."""
        if self.digest:
            return f"{self.repository}@{self.digest}"
        return f"{self.repository}:{self.tag}"


def matches_reference_grammar(text: str) -> bool:
    """distribution's ReferenceRegexp as it is, before any normalisation (kubectl run's
    check of --image)."""
    return _REFERENCE.match(text) is not None


def parse_reference(image: str) -> Reference:
    """Normalise like ParseDockerRef; raises InvalidReference with the upstream text."""
    if _IDENTIFIER.match(image):
        raise InvalidReference(
            f"invalid repository name ({image}), cannot specify 64-byte hexadecimal strings"
        )
    domain, remainder = _split_docker_domain(image)
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        raise InvalidReference(
            f"invalid reference format: repository name ({remote}) must be lowercase"
        )
    full = f"{domain}/{remainder}"
    match = _REFERENCE.match(full)
    if match is None:
        if not image:
            raise InvalidReference("repository name must have at least one component")
        if _REFERENCE.match(full.lower()):
            raise InvalidReference("repository name must be lowercase")
        raise InvalidReference("invalid reference format")
    name = match["name"]
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise InvalidReference(
            f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
        )
    digest = match["digest"] or ""
    if digest:
        _check_digest(digest)
    path = name.split("/", 1)[1]
    tag = match["tag"] or ("" if digest else DEFAULT_TAG)
    return Reference(domain=domain, path=path, tag=tag if not digest else "", digest=digest)


def _split_docker_domain(name: str) -> tuple[str, str]:
    first, slash, rest = name.partition("/")
    if not slash:
        return DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name
    if first == "localhost" or any(c in first for c in ".:") or first.lower() != first:
        domain, remote = first, rest
    elif first == LEGACY_DEFAULT_DOMAIN:
        domain, remote = DEFAULT_DOMAIN, rest
    else:
        domain, remote = DEFAULT_DOMAIN, name
    if domain == LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in remote:
        remote = OFFICIAL_REPO_PREFIX + remote
    return domain, remote


def _check_digest(digest: str) -> None:
    algorithm, _, hexpart = digest.partition(":")
    if algorithm not in _DIGEST_LENGTHS:
        raise InvalidReference("unsupported digest algorithm")
    if len(hexpart) != _DIGEST_LENGTHS[algorithm]:
        raise InvalidReference("invalid checksum digest length")
    if hexpart.lower() != hexpart:
        raise InvalidReference("invalid checksum digest format")
