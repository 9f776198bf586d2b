"""Diagrams: SVG files beside lesson.md, checked to be safe to serve or inline.

A lesson refers to one as `![alt text](name.svg)`. Names are URL-safe by rule (lowercase
words joined by '-'), so the page can link them as they are. The file must be plain
drawing: no scripts, event handlers, foreignObject or external references, because an
SVG opened directly from our origin would run them.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.svg\Z")
_FORBIDDEN_TAGS = {"script", "foreignObject", "iframe", "embed", "object"}


def name_problem(src: str) -> str | None:
    if not NAME.match(src):
        return (
            f"image {src!r} must be an SVG beside lesson.md named in lowercase words "
            "joined by '-' (e.g. kitchen-lead-workers.svg)"
        )
    return None


def svg_problems(path: Path) -> list[str]:
    """What makes this file unfit to show, or [] when it is a plain, safe SVG."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        return [f"{path.name} is not readable XML: {error}"]
    if _local(root.tag) != "svg":
        return [f"{path.name} is not an SVG (its root element is <{_local(root.tag)}>)"]
    problems = []
    for element in root.iter():
        tag = _local(element.tag)
        if tag in _FORBIDDEN_TAGS:
            problems.append(f"{path.name} contains <{tag}>, which is not allowed")
        for attribute, value in element.attrib.items():
            name = _local(attribute)
            if name.lower().startswith("on"):
                problems.append(f"{path.name}: <{tag}> has an event handler {name!r}")
            elif name == "href" and not value.startswith("#"):
                problems.append(f"{path.name}: <{tag}> links outside the file ({value!r})")
    return problems


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
