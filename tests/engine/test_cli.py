"""`python -m cluster_sim run SCRIPT [--seed N] [--profile P]` as a learner runs it (README
"Running a cluster from the command line"): a real subprocess, stdout and exit status."""

import subprocess
import sys
from pathlib import Path

from cluster_sim.__main__ import main

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """# a failing command does not stop the script
sim node add node-1
kubectl get pods
kubectl frobnicate
kubectl apply -f web.yaml
kubectl get deployment web -o name
kubectl get pods -o name
sim time
"""

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
"""


def run(*args, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cluster_sim", "run", *args],
        cwd=ROOT,
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        timeout=60,
    )


def test_runs_a_script_file_and_files_beside_it(tmp_path):
    (tmp_path / "demo.script").write_text(SCRIPT)
    (tmp_path / "web.yaml").write_text(WEB)
    result = run(str(tmp_path / "demo.script"), "--seed", "3")
    assert result.returncode == 0  # even though `kubectl frobnicate` failed
    out = result.stdout.decode()
    assert out.startswith("$ sim node add node-1\nnode/node-1 created\n$ kubectl get pods\n")
    assert "No resources found in default namespace.\n" in out
    assert '$ kubectl frobnicate\nerror: unknown command "frobnicate" for "kubectl"\n' in out
    assert "$ kubectl apply -f web.yaml\ndeployment.apps/web created\n" in out
    assert "deployment.apps/web\n" in out
    assert out.count("pod/web-") == 2
    assert out.endswith("$ sim time\n0s since start (profile realistic)\n")
    assert result.stderr == b""
    # the same seed gives the same bytes; another seed other pod names (the seeded RNG)
    assert run(str(tmp_path / "demo.script"), "--seed", "3").stdout == result.stdout
    assert run(str(tmp_path / "demo.script"), "--seed", "4").stdout != result.stdout


def test_reads_the_script_from_standard_input_with_a_profile():
    result = run("-", "--profile", "fast", stdin="sim node add node-1\nsim time\n")
    assert result.returncode == 0
    assert result.stdout.decode() == (
        "$ sim node add node-1\nnode/node-1 created\n$ sim time\n0s since start (profile fast)\n"
    )


def test_an_unreadable_script_is_a_clear_error(tmp_path, capsys):
    """The same entry point in-process (a subprocess per case would cost a second each)."""
    assert main(["run", str(tmp_path / "nope.script")]) != 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: cannot read script: ")
    assert "No such file or directory" in captured.err


def test_a_directory_or_binary_file_is_refused_without_a_traceback(tmp_path, capsys):
    assert main(["run", str(tmp_path)]) != 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: cannot read script: ")
    (tmp_path / "binary.script").write_bytes(b"\xff\xfe kubectl get pods\n")
    assert main(["run", str(tmp_path / "binary.script")]) != 0
    captured = capsys.readouterr()
    assert captured.out == "" and "not UTF-8 text" in captured.err
