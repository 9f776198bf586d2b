"""`kubectl get` rows of the kinds ClusterLab stores without simulating
(pkg/printers/internalversion/printers.go): printNetworkPolicy (NAME, POD-SELECTOR, AGE),
printRole and printClusterRole (NAME, CREATED AT), printRoleBinding and
printClusterRoleBinding (NAME, ROLE, AGE; wide: USERS, GROUPS, SERVICEACCOUNTS)."""

from ..timefmt import human_duration, parse_rfc3339


def network_policy_cells(policy: dict, now_ms: int) -> list[str]:
    from .printers import format_label_selector  # printers imports this module

    selector = (policy.get("spec") or {}).get("podSelector")
    return [_name(policy), format_label_selector(selector), _age(policy, now_ms)]


def role_cells(role: dict, now_ms: int) -> list[str]:
    """CREATED AT: the creationTimestamp in RFC 3339, UTC."""
    return [_name(role), (role.get("metadata") or {}).get("creationTimestamp", "")]


def role_binding_cells(binding: dict, now_ms: int) -> list[str]:
    """ROLE is `Kind/name` of the roleRef; the subjects as rbac.SubjectsStrings lists them
    (service accounts as `namespace/name`), each column joined with ", "."""
    ref = binding.get("roleRef") or {}
    users, groups, accounts = [], [], []
    for subject in binding.get("subjects") or ():
        kind, name = subject.get("kind"), subject.get("name", "")
        if kind == "User":
            users.append(name)
        elif kind == "Group":
            groups.append(name)
        elif kind == "ServiceAccount":
            accounts.append(f"{subject.get('namespace', '')}/{name}")
    return [
        _name(binding),
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        _age(binding, now_ms),
        ", ".join(users),
        ", ".join(groups),
        ", ".join(accounts),
    ]


def _name(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("name", "")


def _age(obj: dict, now_ms: int) -> str:
    created = (obj.get("metadata") or {}).get("creationTimestamp")
    return "<unknown>" if not created else human_duration(now_ms - parse_rfc3339(created))
