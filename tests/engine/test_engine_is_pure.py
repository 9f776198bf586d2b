"""The engine runs without Django: lessons, benchmarks and the CLI rely on it."""

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "cluster_sim" / "engine"
FORBIDDEN = ("django", "channels", "daphne")


def imported_modules(source: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_no_engine_module_imports_django():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        for module in imported_modules(path.read_text()):
            if module.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ENGINE.parent)} imports {module}")
    assert offenders == []


def test_check_catches_a_django_import():
    assert "django.db" in imported_modules("from django.db import models")


def test_engine_imports_in_a_process_without_django_loaded():
    code = (
        "import sys, cluster_sim.engine, cluster_sim.engine.cluster\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'channels')]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    root = ENGINE.parents[1]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
