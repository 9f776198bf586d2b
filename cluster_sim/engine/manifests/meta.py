"""ObjectMeta, labels and label selectors, as apimachinery validates them.

Sources: apimachinery api/validation/objectmeta.go (ValidateObjectMetaAccessor),
apis/meta/v1/validation/validation.go (ValidateLabels, ValidateLabelSelector).
Go iterates maps in random order; we use sorted keys so output is deterministic.
"""

from . import names
from .errors import FieldError, forbidden, invalid, required, too_long

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_labels(labels, path: str) -> list[FieldError]:
    errs = []
    for key in sorted(labels or {}):
        errs.extend(invalid(path, key, msg) for msg in names.qualified_name(key))
        value = labels[key] if labels[key] is not None else ""
        errs.extend(invalid(path, value, msg) for msg in names.label_value(value))
    return errs


def validate_annotations(annotations, path: str) -> list[FieldError]:
    errs = []
    total = 0
    for key in sorted(annotations or {}):
        errs.extend(invalid(path, key, msg) for msg in names.qualified_name(key.lower()))
        total += len(key) + len(annotations[key] or "")
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.append(too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT))
    return errs


def validate_object_meta(meta, name_check, path: str = "metadata") -> list[FieldError]:
    """ValidateObjectMeta; the namespace is the request's by now, so only its syntax counts."""
    meta = meta or {}
    errs = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        masked = generate_name[:-1] + "a" if generate_name.endswith("-") else generate_name
        errs.extend(invalid(f"{path}.generateName", generate_name, m) for m in name_check(masked))
    name = meta.get("name") or ""
    if not name:
        errs.append(required(f"{path}.name", "name or generateName is required"))
    else:
        errs.extend(invalid(f"{path}.name", name, msg) for msg in name_check(name))
    namespace = meta.get("namespace") or ""
    if namespace:
        errs.extend(
            invalid(f"{path}.namespace", namespace, m) for m in names.dns1123_label(namespace)
        )
    generation = meta.get("generation")
    if isinstance(generation, int) and generation < 0:
        errs.append(invalid(f"{path}.generation", generation, names.NEGATIVE_ERROR))
    errs.extend(validate_labels(meta.get("labels"), f"{path}.labels"))
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    return errs


def validate_template_meta(meta, path: str) -> list[FieldError]:
    """A pod template's metadata: only labels and annotations are checked."""
    meta = meta or {}
    return validate_labels(meta.get("labels"), f"{path}.labels") + validate_annotations(
        meta.get("annotations"), f"{path}.annotations"
    )


def validate_label_selector(selector, path: str) -> list[FieldError]:
    if selector is None:
        return []
    errs = []
    for index, req in enumerate(selector.get("matchExpressions") or []):
        req = req or {}
        rpath = f"{path}.matchExpressions[{index}]"
        operator = req.get("operator") or ""
        values = req.get("values") or []
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(
                    required(
                        f"{rpath}.values", "must be specified when `operator` is 'In' or 'NotIn'"
                    )
                )
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    forbidden(
                        f"{rpath}.values",
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errs.append(invalid(f"{rpath}.operator", operator, "not a valid selector operator"))
        key = req.get("key") or ""
        errs.extend(invalid(f"{rpath}.key", key, msg) for msg in names.qualified_name(key))
    errs.extend(validate_labels(selector.get("matchLabels"), f"{path}.matchLabels"))
    return errs


def selector_is_empty(selector) -> bool:
    return not (selector.get("matchLabels") or selector.get("matchExpressions"))


def selector_matches(selector, labels) -> bool:
    """metav1.LabelSelectorAsSelector(selector).Matches(labels); nil matches nothing."""
    if selector is None:
        return False
    labels = labels or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for req in selector.get("matchExpressions") or []:
        key, operator = req.get("key"), req.get("operator")
        values = req.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def selector_is_valid(selector) -> bool:
    """Whether LabelSelectorAsSelector succeeds (operators known, In/NotIn have values)."""
    if selector is None:
        return True
    for req in selector.get("matchExpressions") or []:
        operator = req.get("operator")
        if operator not in SELECTOR_OPERATORS:
            return False
        if operator in ("In", "NotIn") and not req.get("values"):
            return False
    return True
