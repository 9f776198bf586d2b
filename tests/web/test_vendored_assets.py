"""The vendored front-end files (static/vendor/, written by scripts/vendor.sh) are the pinned
ones, unmodified, and no template loads code from anywhere else (no CDN)."""

import hashlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"
TEMPLATES = ROOT / "templates"
EDITOR_ENTRY = ROOT / "static" / "js" / "src" / "editor-entry.js"


def versions_rows():
    """VERSIONS.txt rows as dicts: file, package, version, role, sha256."""
    rows = []
    for line in (VENDOR / "VERSIONS.txt").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        file, package, version, role, sha256 = line.split("\t")
        rows.append(
            {"file": file, "package": package, "version": version, "role": role, "sha256": sha256}
        )
    return rows


def lock_packages():
    return json.loads((ROOT / "package-lock.json").read_text())["packages"]


def test_versions_lists_the_four_vendored_files():
    files = {row["file"] for row in versions_rows()}
    assert files == {"htmx.min.js", "ws.min.js", "idiomorph-ext.min.js", "codemirror-yaml.min.js"}


def test_every_vendored_script_is_listed():
    listed = {row["file"] for row in versions_rows()}
    on_disk = {path.name for path in VENDOR.iterdir() if path.suffix == ".js"}
    assert on_disk == listed


@pytest.mark.parametrize("row", versions_rows(), ids=lambda row: f"{row['file']}:{row['package']}")
def test_listed_file_exists_with_its_sha256(row):
    path = VENDOR / row["file"]
    assert path.is_file(), f"{path} is listed in VERSIONS.txt but missing: run scripts/vendor.sh"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"], (
        f"{row['file']} differs from what scripts/vendor.sh wrote: rerun it, never edit by hand"
    )


@pytest.mark.parametrize("row", versions_rows(), ids=lambda row: f"{row['file']}:{row['package']}")
def test_listed_version_is_the_locked_one(row):
    locked = lock_packages().get(f"node_modules/{row['package']}")
    assert locked is not None, f"{row['package']} is not in package-lock.json"
    assert row["version"] == locked["version"]


def test_package_json_pins_exact_versions_matching_the_lock():
    dev = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    locked = lock_packages()
    assert "axe-core" in dev
    for name, version in dev.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} must be pinned exactly: {version}"
        assert locked[f"node_modules/{name}"]["version"] == version


def test_htmx_is_a_2_0_release():
    (htmx,) = [row for row in versions_rows() if row["package"] == "htmx.org"]
    assert re.fullmatch(r"2\.0\.\d+", htmx["version"])
    # The file itself says so too: htmx sets htmx.version in its source.
    assert f'version:"{htmx["version"]}"' in (VENDOR / "htmx.min.js").read_text()


def test_codemirror_bundle_is_codemirror_6_and_exposes_the_editor_api():
    rows = [row for row in versions_rows() if row["file"] == "codemirror-yaml.min.js"]
    packages = {row["package"]: row["version"] for row in rows}
    assert packages["@codemirror/view"].startswith("6.")
    assert "@codemirror/lang-yaml" in packages
    bundle = (VENDOR / "codemirror-yaml.min.js").read_text()
    assert re.search(r"window\.ClusterLabEditor=\{create:\w+,setText:\w+,getText:\w+", bundle)


def template_files():
    return sorted(TEMPLATES.rglob("*.html"))


REMOTE_SOURCE = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE
)


def test_no_template_loads_a_script_or_stylesheet_from_another_host():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in template_files()
        for match in REMOTE_SOURCE.finditer(path.read_text())
    ]
    assert offenders == []


def test_remote_source_pattern_catches_cdn_tags():
    assert REMOTE_SOURCE.search('<script src="https://unpkg.com/htmx.org@2.0.11"></script>')
    assert REMOTE_SOURCE.search("<link rel=stylesheet href=//cdn.example/x.css>")
    assert not REMOTE_SOURCE.search("<script src=\"{% static 'vendor/htmx.min.js' %}\"></script>")


def test_templates_reference_only_vendored_files_that_exist():
    listed = {row["file"] for row in versions_rows()}
    for path in template_files():
        for name in re.findall(r"""static\s+["']vendor/([^"']+)["']""", path.read_text()):
            assert name in listed, f"{path.relative_to(ROOT)} loads vendor/{name}, not vendored"


def relative_luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_editor_text_colours_meet_wcag_aa_on_white_and_on_the_active_line():
    source = EDITOR_ENTRY.read_text()
    block = re.search(r"const TEXT_COLOURS = \{(.*?)\};", source, re.DOTALL).group(1)
    colours = dict(re.findall(r'(\w+): "(#[0-9a-fA-F]{6})"', block))
    active_line = re.search(r'const ACTIVE_LINE_BG = "(#[0-9a-fA-F]{6})"', source).group(1)
    assert len(colours) >= 5
    for name, colour in colours.items():
        for background in ("#ffffff", active_line):
            ratio = contrast(colour, background)
            assert ratio >= 4.5, f"{name} {colour} on {background}: {ratio:.2f}:1"
