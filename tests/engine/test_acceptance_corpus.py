"""Acceptance corpus: the kubernetes.io documentation's example manifests, applied as the docs
apply them, must be accepted and reach the state the docs describe.

Each file in tests/engine/acceptance/ renders one example (or one page's examples, in the
order the page applies them); its header names the page, and expectations.yaml (the index,
which names the page of the JSON files too) states, per file, the commands the page runs
first, the exact `kubectl apply` output, and the checks that follow: `kubectl get` columns,
`kubectl logs`, events, store objects, and for what the docs read with `kubectl exec` (which
ClusterLab does not simulate) the container's environment and files as the kubelet made them.

Every case runs on a fresh cluster: seed 1, three nodes `node-1..3` (4 CPUs, 8Gi each).
Pages: /docs/concepts/workloads/pods/, .../controllers/{deployment,replicaset,job,daemonset}/,
/docs/concepts/services-networking/{service,network-policies,ingress}/, /docs/tasks/job/,
/docs/tasks/configure-pod-container/ (probes, resources, ConfigMaps, persistent storage),
/docs/tasks/inject-data-application/, /docs/tasks/run-application/, /docs/tutorials/
(stateful sets, services, WordPress), /docs/tasks/administer-cluster/manage-resources/,
/docs/concepts/policy/limit-range/, /docs/reference/access-authn-authz/rbac/.
"""

import re
from pathlib import Path

import pytest
import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

CORPUS = Path(__file__).parent / "acceptance"
EXPECTATIONS = yaml.safe_load((CORPUS / "expectations.yaml").read_text())
# ClusterLab's own note on kinds it stores without simulating; kubectl's lines follow it.
STORED_ONLY_NOTE = re.compile(r"Warning: ClusterLab stores \w+ objects but does not simulate")
FILES = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json"))
FILES.remove("expectations.yaml")


def _case(name: str):
    reason = EXPECTATIONS.get(name, {}).get("xfail")
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(name, id=name, marks=marks)


def test_every_file_has_expectations_and_names_its_page():
    assert set(EXPECTATIONS) == set(FILES)
    assert 40 <= len(FILES) <= 55
    for name in FILES:
        page = EXPECTATIONS[name]["page"]
        assert page.startswith("https://kubernetes.io/docs/"), name
        if name.endswith(".yaml"):
            assert (CORPUS / name).read_text().startswith("# Source: https://kubernetes.io/docs/")


def test_the_corpus_has_flow_style_yaml_and_json():
    texts = {name: (CORPUS / name).read_text() for name in FILES}
    flow = [n for n, t in texts.items() if n.endswith(".yaml") and re.search(r"^\{", t, re.M)]
    assert len(flow) >= 4
    assert len([n for n in FILES if n.endswith(".json")]) >= 2


@pytest.mark.parametrize("name", [_case(name) for name in FILES])
def test_example_reaches_the_documented_state(name):
    spec = EXPECTATIONS[name]
    runner = ScriptRunner(Cluster(seed=1), base_dir=CORPUS)
    runner.run_line("sim node add --count 3 --prefix node-")
    for line in spec.get("setup", []):
        out = runner.run_line(line)
        assert "error" not in out.lower(), f"{line}\n{out}"
    applied = runner.run_line(spec.get("apply", f"kubectl apply -f {name}"))
    kubectl_lines = [line for line in applied.splitlines() if not STORED_ONLY_NOTE.match(line)]
    assert kubectl_lines == spec["output"].rstrip("\n").splitlines()
    for step in spec.get("checks", []):
        _check(runner, step)


# --- checks ------------------------------------------------------------------------------


def _check(runner: ScriptRunner, step: dict) -> None:
    if "advance" in step:
        runner.run_line(f"sim advance {step['advance']}")
    elif "run" in step:
        out = runner.run_line(step["run"])
        _text(out, step, step["run"])
    elif "get" in step:
        _get(runner, step)
    elif "logs" in step:
        out = runner.run_line(f"kubectl logs {step['logs']}")
        if "of" in step:  # `{spec.nodeName}` in the expected text: that field of the object
            obj = runner.cluster.store.get(*_ref(step["of"]))
            texts = [
                re.sub(r"\{([^{}]+)\}", lambda m: str(_path(obj, m[1])), text)
                for text in step.get("contains", [])
            ]
            step = {**step, "contains": texts}
        _text(out, step, f"kubectl logs {step['logs']}")
    elif "object" in step:
        _object(runner, step)
    elif "event" in step:
        _event(runner, step)
    elif "container" in step:
        _container(runner, step)
    else:
        raise AssertionError(f"unknown check {step}")


def _text(out: str, step: dict, what: str) -> None:
    if "output" in step:
        assert out == step["output"].rstrip("\n"), what
    for piece in step.get("contains", []):
        assert piece in out, f"{what}: {piece!r} not in\n{out}"
    if "matches" in step:
        assert re.fullmatch(step["matches"], out, re.S), f"{what}:\n{out}"
    if "lines" in step:  # the lines, in any order (several pods' logs)
        assert sorted(out.splitlines()) == sorted(step["lines"]), what


def _matches(expected, actual: str) -> bool:
    expected = str(expected)
    if expected.startswith("~"):
        return re.fullmatch(expected[1:], actual) is not None
    return actual == expected


def _table(text: str) -> list[dict[str, str]]:
    """kubectl's columns: header words joined by single spaces, columns by two or more."""
    lines = [line for line in text.splitlines() if line and not line.startswith("Warning:")]
    assert lines and not lines[0].startswith(("Error", "error", "No resources")), text
    starts = [m.start() for m in re.finditer(r"\S+(?: \S+)*", lines[0])]
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    names = [lines[0][a:b].strip() for a, b in bounds]
    return [
        {name: line[a:b].strip() for name, (a, b) in zip(names, bounds, strict=True)}
        for line in lines[1:]
    ]


def _get(runner: ScriptRunner, step: dict) -> None:
    command = f"kubectl get {step['get']}"
    rows = _table(runner.run_line(command))
    assert len(rows) == step.get("count", 1), f"{command}: {rows}"
    for row in rows:
        for column, expected in (step.get("columns") or {}).items():
            assert _matches(expected, row[column]), f"{command}: {column} is {row[column]!r}"
    if "distinct" in step:
        column = step["distinct"]
        assert len({row[column] for row in rows}) == len(rows), f"{command}: {rows}"


def _path(obj, path: str):
    """`a.b[2].c[type=Ready].status`: keys, list indexes and list items by a field's value."""
    for part in re.findall(r"[^.\[\]]+|\[[^\]]*\]", path):
        if part.startswith("[") and "=" in part:
            key, _, value = part[1:-1].partition("=")
            obj = next((item for item in obj if str(item.get(key)) == value), None)
        elif part.startswith("["):
            obj = obj[int(part[1:-1])]
        else:
            obj = obj.get(part) if isinstance(obj, dict) else None
        if obj is None:
            return None
    return obj


def _object(runner: ScriptRunner, step: dict) -> None:
    kind, namespace, name = _ref(step["object"])
    obj = runner.cluster.store.get(kind, namespace, name)
    assert obj is not None, f"{step['object']} not found"
    for path, expected in step["fields"].items():
        actual = _path(obj, path)
        if isinstance(expected, str) and expected.startswith("~"):
            assert _matches(expected, str(actual)), f"{step['object']} {path} is {actual!r}"
        else:
            assert actual == expected, f"{step['object']} {path} is {actual!r}"


def _ref(ref: str) -> tuple[str, str, str]:
    """`Kind/name` (default namespace), `Kind/namespace/name`, or `Kind//name` (cluster)."""
    parts = ref.split("/")
    return (parts[0], "default", parts[1]) if len(parts) == 2 else tuple(parts)


def _event(runner: ScriptRunner, step: dict) -> None:
    _, namespace, name = _ref(step["event"])
    wanted = {key: step[key] for key in ("reason", "type", "message", "count") if key in step}
    events = [
        e
        for e in runner.cluster.store.list("Event", namespace)
        if e["involvedObject"]["name"] == name and e["reason"] == wanted["reason"]
    ]
    assert events, f"no {wanted['reason']} event for {name}"
    assert any(all(_matches(v, str(e.get(k))) for k, v in wanted.items()) for e in events), (
        f"{wanted} not in {[(e['type'], e['message'], e.get('count')) for e in events]}"
    )


def _container(runner: ScriptRunner, step: dict) -> None:
    """What the docs read with `kubectl exec`: the running container's environment and files."""
    namespace, pod_name, container_name = step["container"].split("/")
    pod = runner.cluster.store.get("Pod", namespace, pod_name)
    kubelet = runner.cluster.kubelets.get(pod["spec"]["nodeName"])
    runtime = kubelet.pods[pod["metadata"]["uid"]]
    container = next(c for c in runtime.containers if c.name == container_name)
    process = container.last_process
    assert process is not None, f"{step['container']} never started"
    for key, value in (step.get("env") or {}).items():
        assert process._ctx.env.get(key) == value, f"{step['container']} env {key}"
    for path, text in (step.get("files") or {}).items():
        assert process.fs.read(path) == text, f"{step['container']} {path}"
    for path, entries in (step.get("listdir") or {}).items():
        assert sorted(process.fs.listdir(path)) == entries, f"{step['container']} ls {path}"
