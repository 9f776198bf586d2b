"""The manifest input layer: text in, Kubernetes objects or kubectl's error out.

    parse_manifests(text, source)     YAML/JSON documents -> list of objects
    check_object(obj, old, source)    None, or the message kubectl prints

Modules: loader (documents, size/depth/alias guards), goyaml (go-yaml v2 value
rules), schema (strict decoding into the Go types), meta/pod/workloads/services
(semantic rules), update (immutable fields), errors (upstream wording), kinds
(the built-in kinds and kubectl's resource names). Pure Python: no Django.
"""

from .check import check_object
from .errors import KIND_NOT_FOUND, FieldError, ManifestError, kind_not_found
from .kinds import KindInfo, lookup_kind, lookup_resource
from .loader import parse_manifests

__all__ = [
    "KIND_NOT_FOUND",
    "FieldError",
    "KindInfo",
    "ManifestError",
    "check_object",
    "kind_not_found",
    "lookup_kind",
    "lookup_resource",
    "parse_manifests",
]
