"""No command line crashes the runner: random kubectl lines from real verbs, flags and garbage.

README: the runner prints what kubectl prints and carries on after a failing command, so a
learner's typo must come back as text, never as a Python exception that ends the script.
"""

import os
import shlex

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.kubectl.args import SIMULATED_FLAGS
from cluster_sim.engine.kubectl.flags import ROOT_COMMANDS, command_flags
from cluster_sim.engine.script import ScriptRunner

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
      - name: sidecar
        image: busybox:1.36
        command: ["sh", "-c", "echo up; sleep 3600"]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
"""
PATHS = [
    "get", "describe", "delete", "apply", "create", "create deployment", "create namespace",
    "scale", "rollout status", "rollout history", "rollout undo", "rollout restart",
    "rollout pause", "rollout resume", "set image", "cordon", "uncordon", "drain", "label",
    "annotate", "logs", "top node", "top pod", "rollout", "set", "top",
]  # fmt: skip
WORDS = [
    "pods", "pod", "po", "deploy", "deployment/web", "deployments.apps", "svc/web", "rs",
    "nodes", "node-1", "node/node-1", "ns", "events", "all", "web", "ghost", "default",
    "kube-system", "nginx=nginx:1.26", "*=busybox", "app=web", "app-", "a=b=c", "=x", "-",
    "--", "pods,svc", "pods,", "/x", "a/b/c", "status.phase=Running", "spec.nodeName!=x",
    "deploy/web", "sidecar", "nginx", "1", "-1", "0x10", "abc", "", " ", "é", "\t", "''",
    "web.yaml", "dir", "missing.yaml",
]  # fmt: skip
GARBAGE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)


def _flags_for(path: str) -> list[str]:
    """The command's flags, those the simulation acts on listed three times over."""
    spec = command_flags(path) if path not in ("rollout", "set", "top") else {}
    simulated = SIMULATED_FLAGS.get(path, set()) | {"namespace"}
    names = []
    for flag in spec.values():
        weight = 3 if flag.name in simulated else 1
        names.extend([f"--{flag.name}"] * weight)
        if flag.shorthand:
            names.extend([f"-{flag.shorthand}"] * weight)
    return names or ["--help"]


@st.composite
def command_lines(draw) -> str:
    path = draw(st.sampled_from(PATHS + list(ROOT_COMMANDS[:6])))
    parts = path.split()
    flags = _flags_for(path)
    for _ in range(draw(st.integers(0, 6))):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            parts.append(draw(st.sampled_from(WORDS)))
        elif choice == 1:
            parts.append(draw(st.sampled_from(flags)))
        elif choice == 2:
            flag = draw(st.sampled_from(flags))
            value = draw(st.one_of(st.sampled_from(WORDS), GARBAGE))
            parts.append(f"{flag}={value}")
        elif choice == 3:
            parts.append(draw(GARBAGE))
        else:
            parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(flags)))
    return "kubectl " + " ".join(shlex.quote(part) for part in parts)


def _runner(tmp_path) -> ScriptRunner:
    (tmp_path / "web.yaml").write_text(WEB)
    (tmp_path / "dir").mkdir(exist_ok=True)
    (tmp_path / "dir" / "web.yaml").write_text(WEB)
    (tmp_path / "dir" / "bad.yaml").write_text("a: [\n")
    runner = ScriptRunner(Cluster(seed=1), base_dir=tmp_path)
    runner.run(
        "sim node add node-1\nsim node add node-2\nkubectl apply -f web.yaml\nsim advance 20s\n"
    )
    return runner


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    lines=st.lists(command_lines(), min_size=1, max_size=4),
    stdin=st.sampled_from([None, WEB, "a: [\n", "kind: Pod\n", "", "{"]),
)
def test_random_command_lines_never_raise(tmp_path, lines, stdin):
    runner = _runner(tmp_path)
    for line in lines:
        out = runner.run_line(line, stdin)
        assert isinstance(out, str), line
    # the script runner carries on: the same lines as a script still reach the last command
    transcript = runner.run("\n".join(line.replace("\n", " ") for line in lines) + "\nsim time\n")
    assert "since start (profile realistic)" in transcript


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "a", "web", "x-1"]), GARBAGE
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["name", "namespace", "labels", "containers", "image", "a", "spec"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=8,
)


@st.composite
def manifests(draw) -> str:
    """Documents shaped like objects (apiVersion, kind, metadata, spec) with any values."""
    documents = []
    for _ in range(draw(st.integers(1, 3))):
        document = {
            "apiVersion": draw(
                st.sampled_from(
                    [
                        "v1",
                        "apps/v1",
                        "batch/v1",
                        "autoscaling/v2",
                        "autoscaling/v1",
                        "x/y/z",
                        5,
                        None,
                    ]
                )
            ),
            "kind": draw(
                st.sampled_from(
                    [
                        "Pod",
                        "Deployment",
                        "Service",
                        "ConfigMap",
                        "List",
                        "Node",
                        "Nope",
                        7,
                        "Job",
                        "CronJob",
                        "StatefulSet",
                        "DaemonSet",
                        "HorizontalPodAutoscaler",
                        "PersistentVolumeClaim",
                        "PersistentVolume",
                        "ResourceQuota",
                        "LimitRange",
                    ]
                )
            ),
        }
        if draw(st.booleans()):
            document["metadata"] = draw(
                st.one_of(
                    VALUES,
                    st.fixed_dictionaries(
                        {"name": st.one_of(st.sampled_from(["web", "a", ""]), VALUES)},
                        optional={"namespace": VALUES, "labels": VALUES, "generateName": VALUES},
                    ),
                )
            )
        for key in draw(st.lists(st.sampled_from(["spec", "items", "data", "status"]), max_size=2)):
            document[key] = draw(VALUES)
        documents.append(yaml.safe_dump(document))
    return "---\n".join(documents)


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    manifest=manifests(),
    command=st.sampled_from(
        [
            "kubectl apply -f -",
            "kubectl apply -f - --dry-run=client",
            "kubectl apply -f - --dry-run=server -n team-a",
            "kubectl create -f -",
            "kubectl create -f - --dry-run=client",
            "kubectl delete -f -",
            "kubectl delete -f - --dry-run=client",
            "kubectl get -f -",
            "kubectl get -f - -o yaml",
        ]
    ),
)
def test_random_manifests_never_raise(tmp_path, manifest, command):
    """Odd objects (a metadata that is a number, a name that is a list, no metadata at all)
    used to raise KeyError and TypeError in apply, create and delete -f."""
    runner = _runner(tmp_path)
    assert isinstance(runner.run_line(command, manifest), str)
    assert isinstance(runner.run_line(command, manifest), str)  # again, now that some exist
