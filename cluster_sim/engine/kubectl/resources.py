"""Resolving what kubectl names (`po`, `deploy/web`, `pods,svc`) to kinds, and naming objects back."""

from ..manifests.kinds import KindInfo, lookup_kind, lookup_resource
from .args import UsageError

GET_ALL_KINDS = (
    "pods",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "horizontalpodautoscalers",
    "jobs",
    "cronjobs",
)


def resolve(name: str) -> KindInfo:
    info = lookup_resource(name)
    if info is None:
        raise UsageError(f'error: the server doesn\'t have a resource type "{name}"')
    return info


def kind_info(obj: dict) -> KindInfo | None:
    return lookup_kind(obj.get("apiVersion", ""), obj.get("kind", ""))


def display_type(info: KindInfo) -> str:
    """`deployment.apps`, `pod`: the prefix kubectl uses in `<type>/<name>` messages."""
    singular = info.kind.lower()
    return f"{singular}.{info.group}" if info.group else singular


def qualified_plural(info: KindInfo) -> str:
    """`deployments.apps`, `pods`: how the API server names a resource in errors."""
    return f"{info.plural}.{info.group}" if info.group else info.plural


def object_ref(obj: dict) -> str:
    info = kind_info(obj)
    prefix = display_type(info) if info else obj.get("kind", "").lower()
    return f"{prefix}/{obj['metadata']['name']}"


NO_RESOURCES = (
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'"
)  # cli-runtime resource.Builder: no resources and no -f (delete, scale, set image, ...)


def split_targets(args: list[str]) -> list[tuple[KindInfo, list[str]]]:
    """`pods web db` | `pod/web svc/web` | `pods,svc` -> [(kind, [names])]."""
    if not args:
        raise UsageError(
            'error: you must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.'
        )
    if "/" in args[0]:
        targets: list[tuple[KindInfo, list[str]]] = []
        for arg in args:
            if "/" not in arg:
                raise UsageError(
                    "error: there is no need to specify a resource type as a separate argument when "
                    "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                    "instead of 'kubectl get resource resource/<resource_name>'"
                )
            kind_name, obj_name = arg.split("/", 1)
            targets.append((resolve(kind_name), [obj_name]))
        return targets
    kinds = [resolve(part) for part in args[0].split(",") if part]
    names = args[1:]
    if names and len(kinds) > 1:
        raise UsageError(
            "error: arguments in resource/name form must have a single resource and name"
        )
    return [(info, list(names)) for info in kinds]
