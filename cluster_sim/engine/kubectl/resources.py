"""Resolving what kubectl names (`po`, `deploy/web`, `pods,svc`) to kinds, and naming objects back."""

from ..manifests.kinds import KindInfo, lookup_kind, lookup_resource
from .args import UsageError

# The `all` category: the resources that declare it, in discovery order (groups by priority;
# within a group the API server registers its resources sorted, APIInstaller.Install).
GET_ALL_KINDS = (
    "pods",
    "replicationcontrollers",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "horizontalpodautoscalers",
    "cronjobs",
    "jobs",
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
    return f"{prefix}/{(obj.get('metadata') or {}).get('name') or ''}"


NO_RESOURCES = (
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'"
)  # cli-runtime resource.Builder: no resources and no -f (delete, scale, set image, ...)


MISSING_NAME = "error: resource(s) were provided, but no name was specified"


def select(
    args: list[str],
    *,
    selector: str | None = None,
    field_selector: str | None = None,
    select_all: bool = False,
    allow_empty_selector: bool = False,
    all_namespaces: bool = False,
    paths: bool = False,
    replace_aliases=None,
) -> list[tuple[KindInfo, list[str] | None]]:
    """cli-runtime Builder: ResourceTypeOrNameArgs plus the selector parameters.

    Returns what the builder visits, in order: (kind, names) for objects named on the line,
    (kind, None) for a list by selector. Raises UsageError with the builder's errors, checked
    in its order (visitorResult: paths, selectors, resource/name tuples, names, types).
    """
    label = (selector or "").strip() or None
    fields = (field_selector or "").strip() or None
    if select_all and (label is not None or fields is not None):
        raise UsageError("error: setting 'all' parameter but found a non empty selector. ")
    tuples, kinds, names = _type_or_name_args(args, replace_aliases)
    if select_all or (allow_empty_selector and len(args) == 1 and not tuples):
        label = label if label is not None else ""
    if paths:  # visitByPaths
        if kinds:
            raise UsageError(
                "error: when paths, URLs, or stdin is provided as input, you may not specify "
                "resource arguments as well"
            )
        if tuples:
            raise UsageError(
                "error: resource/name arguments cannot be provided when a path is specified"
            )
        return []
    if label is not None or fields is not None:
        if names:
            raise UsageError("error: name cannot be provided when a selector is specified")
        if tuples:
            raise UsageError(
                "error: selectors and the all flag cannot be used when passing resource/name arguments"
            )
        if not kinds:
            raise UsageError("error: at least one resource must be specified to use a selector")
        return [(resolve(kind), None) for kind in kinds]
    if tuples:
        infos = [(resolve(kind), name) for kind, name in tuples]
        for info, _ in infos:
            if all_namespaces and info.namespaced:
                raise UsageError(
                    "error: a resource cannot be retrieved by name across all namespaces"
                )
        return [(info, [name]) for info, name in infos]
    if names:
        if len(kinds) != 1:
            raise UsageError("error: you must specify only one resource")
        info = resolve(kinds[0])
        if all_namespaces and info.namespaced:
            raise UsageError("error: a resource cannot be retrieved by name across all namespaces")
        return [(info, list(names))]
    if kinds:
        for kind in kinds:
            resolve(kind)
        raise UsageError(MISSING_NAME)
    raise UsageError(NO_RESOURCES)


def split_resource_argument(arg: str) -> list[str]:
    """SplitResourceArgument: comma-separated types, repeated ones dropped (an empty one
    stays, and is refused later)."""
    out: list[str] = []
    for part in arg.split(","):
        if part not in out:
            out.append(part)
    return out


def _type_or_name_args(args: list[str], replace_aliases=None):
    """ResourceTypeOrNameArgs: (resource/name tuples, resource types, names); categories
    such as `all` are expanded after `TYPE1,TYPE2 NAME` was normalized (ReplaceAliases)."""
    if len(args) >= 2 and len(split_resource_argument(args[0])) > 1:
        # normalizeMultipleResourcesArgs: `pods,svc web` means pods/web and svc/web
        args = [f"{kind}/{name}" for kind in split_resource_argument(args[0]) for name in args[1:]]
    slashes = sum("/" in arg for arg in args)
    if slashes and slashes != len(args):
        raise UsageError(
            "error: there is no need to specify a resource type as a separate argument when "
            "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
            "instead of 'kubectl get resource resource/<resource_name>'"
        )
    if slashes:
        tuples = []
        for arg in args:
            parts = arg.split("/")
            if len(parts) != 2:
                raise UsageError(
                    "error: arguments in resource/name form may not have more than one slash"
                )
            kind, name = parts
            if not kind or not name or len(split_resource_argument(kind)) != 1:
                raise UsageError(
                    "error: arguments in resource/name form must have a single resource and name"
                )
            tuples.append((kind, name))
        return tuples, [], []
    if not args:
        return [], [], []
    first = replace_aliases(args[0]) if replace_aliases else args[0]
    return [], split_resource_argument(first), list(args[1:])
