"""PersistentVolumeClaim rules (pkg/apis/core/validation: ValidatePersistentVolumeClaimSpec,
validateDataSource, validateDataSourceRef), also what the StatefulSet controller's claims
from volumeClaimTemplates meet when it creates them.
"""

from ..quantity import QuantityError, parse_quantity
from . import meta, names
from .errors import FieldError, forbidden, invalid, not_supported, required
from .pod import canonical_quantity

ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
VOLUME_MODES = ["Block", "Filesystem"]
POSITIVE_ERROR = "must be greater than zero"  # isNotPositiveErrorMsg


def validate_pvc(obj) -> list[FieldError]:
    return validate_pvc_spec(obj.get("spec"), "spec")


def validate_pvc_spec(spec, path: str) -> list[FieldError]:
    spec = spec or {}
    errs = []
    modes = spec.get("accessModes") or []
    if not modes:
        errs.append(required(f"{path}.accessModes", "at least 1 access mode is required"))
    if spec.get("selector") is not None:
        errs += meta.validate_label_selector(spec["selector"], f"{path}.selector")
    for mode in modes:
        if mode not in ACCESS_MODES:
            errs.append(not_supported(f"{path}.accessModes", mode, ACCESS_MODES))
    if "ReadWriteOncePod" in modes and any(
        m in ACCESS_MODES and m != "ReadWriteOncePod" for m in modes
    ):
        detail = "may not use ReadWriteOncePod with other access modes"
        errs.append(forbidden(f"{path}.accessModes", detail))
    requests = (spec.get("resources") or {}).get("requests") or {}
    storage_path = f"{path}.resources[storage]"
    if "storage" not in requests:
        errs.append(required(storage_path, ""))
    else:
        try:
            amount = parse_quantity(requests["storage"])
        except (QuantityError, ValueError):
            amount = None  # the schema check reports a malformed quantity
        if amount is not None and amount <= 0:
            shown = canonical_quantity(requests["storage"])
            errs.append(invalid(storage_path, shown, POSITIVE_ERROR))
    class_name = spec.get("storageClassName")
    if class_name:
        errs += [
            invalid(f"{path}.storageClassName", class_name, m)
            for m in names.dns1123_subdomain(class_name)
        ]
    mode = spec.get("volumeMode")
    if mode is not None and mode not in VOLUME_MODES:
        errs.append(not_supported(f"{path}.volumeMode", mode, VOLUME_MODES))
    for field in ("dataSource", "dataSourceRef"):
        if spec.get(field) is not None:
            errs += _data_source(spec[field] or {}, f"{path}.{field}")
    return errs


def _data_source(source: dict, path: str) -> list[FieldError]:
    errs = []
    if not source.get("name"):
        errs.append(required(f"{path}.name", ""))
    kind = source.get("kind") or ""
    if not kind:
        errs.append(required(f"{path}.kind", ""))
    group = source.get("apiGroup") or ""
    if not group and kind != "PersistentVolumeClaim":
        detail = "must be 'PersistentVolumeClaim' when referencing the default apiGroup"
        errs.append(invalid(path, kind, detail))
    if group:
        errs += [invalid(f"{path}.apiGroup", group, m) for m in names.dns1123_subdomain(group)]
    return errs


def claim_problems(claim: dict) -> list[FieldError]:
    """What the API server finds wrong with a claim a controller builds from a template:
    its name (ValidatePersistentVolumeName, a DNS subdomain) and its spec."""
    name = claim["metadata"].get("name", "")
    errs = [invalid("metadata.name", name, m) for m in names.dns1123_subdomain(name)]
    return errs + validate_pvc(claim)


def status_text(kind: str, name: str, problems: list[FieldError]) -> str:
    """StatusError.Error() of a 422, as a controller's event quotes it:
    `PersistentVolumeClaim "x" is invalid: <cause>` or `[<cause>, <cause>]`."""
    causes = list(dict.fromkeys(str(problem) for problem in problems))
    text = causes[0] if len(causes) == 1 else "[" + ", ".join(causes) + "]"
    return f'{kind} "{name}" is invalid: {text}'
