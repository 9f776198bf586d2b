"""diagnostics_for: the errors `kubectl apply -f -` printed, at the lines they are about.

Every output is produced by running the engine on the text, never pasted, so a change
in the engine's wording that the placer no longer reads fails here. Each placement is
checked as (line number, that line's text) so a failure shows where it went instead.
"""

import json
import logging
import re

import pytest

from cluster_sim.editor_diagnostics import Diagnostic, diagnostics_for
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.manifests import ManifestError, parse_manifests
from cluster_sim.engine.script import ScriptRunner

DEPLOYMENT = """\
apiVersion: apps/v1
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
      - name: web
        image: nginx
        ports:
        - containerPort: 80
"""
CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
SUCCESS = re.compile(r"^\S+/\S+ (created|configured|unchanged)( \(.*dry run\))?$")


def apply(text: str, *, before: tuple[str, ...] = (), flags: str = "") -> str:
    runner = ScriptRunner(Cluster(seed=1))
    for earlier in before:
        runner.run_line("kubectl apply -f -", stdin=earlier)
    return runner.run_line(f"kubectl apply {flags}-f -", stdin=text)


def shown(text: str, output: str) -> list[Diagnostic]:
    """The diagnostics, checked for what holds for any text and output."""
    diagnostics = diagnostics_for(text, output)
    last_line = text.count("\n") + 1 if isinstance(text, str) else 1
    assert all(1 <= d.line <= last_line for d in diagnostics)
    messages = "\n".join(d.message for d in diagnostics)
    for line in output.splitlines():
        if line.strip() and not SUCCESS.match(line):  # every word of every error is shown
            words = re.findall(r"[^\s,\[\]]+", line.removeprefix("* "))
            assert [word for word in words if word not in messages] == []
    return diagnostics


def places(text: str, **kwargs) -> list[tuple[int, str]]:
    """(line, that line's text) of each diagnostic of applying `text`."""
    lines = text.split("\n")
    return [(d.line, lines[d.line - 1].strip()) for d in shown(text, apply(text, **kwargs))]


def edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.fixture(autouse=True)
def placed_without_the_safety_net(caplog):
    """The catch-all in diagnostics_for logs when it had to fall back to line 1."""
    caplog.set_level(logging.ERROR, logger="cluster_sim.editor_diagnostics")
    yield
    assert [record.getMessage() for record in caplog.records] == []


# --- nothing to show ---


def test_a_successful_apply_has_no_diagnostics():
    assert apply(DEPLOYMENT) == "deployment.apps/web created"
    assert diagnostics_for(DEPLOYMENT, apply(DEPLOYMENT)) == []


def test_a_diagnostic_is_plain_data_for_the_page():
    diagnostic = Diagnostic(3, "spec.replicas: Required value")
    assert diagnostic.as_dict() == {
        "line": 3,
        "message": "spec.replicas: Required value",
        "severity": "error",
    }


# --- syntax errors: the engine's position, not go-yaml's ---


def test_wrong_indentation_goes_where_the_parser_stops():
    text = edit(DEPLOYMENT, "  replicas: 2", "   replicas: 2")
    output = apply(text)
    assert "yaml: line 6: did not find expected key" in output
    with pytest.raises(ManifestError) as caught:
        parse_manifests(text, "STDIN")
    assert places(text) == [(caught.value.line, "selector:")] == [(7, "selector:")]


def test_a_syntax_error_in_a_later_document_counts_lines_from_the_top():
    text = CONFIG_MAP.format(name="a") + "---\napiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n"
    output = apply(text)
    assert "yaml: line 4: found character that cannot start any token" in output
    assert places(text) == [(9, "containers: []")]


# --- strict decoding (BadRequest): unknown fields at their key ---


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  replicas: 2", "  replica: 2", [(6, "replica: 2")]),
        ("  name: web\nspec", "  name: web\n  labelz: {}\nspec", [(5, "labelz: {}")]),
        ("        image: nginx", "        image: nginx\n        imag: x", [(18, "imag: x")]),
        (
            "        - containerPort: 80",
            "        - containerPort: 80\n          hostPorts: 8080",
            [(20, "hostPorts: 8080")],
        ),
    ],
    ids=["spec", "metadata", "container", "container-port"],
)
def test_an_unknown_field_is_shown_at_its_key(old, new, expected):
    text = edit(DEPLOYMENT, old, new)
    assert "strict decoding error: unknown field" in apply(text)
    assert places(text) == expected


def test_several_unknown_fields_on_one_line_are_shown_each_at_its_own_key():
    text = edit(DEPLOYMENT, "  replicas: 2", "  replica: 2\n  foo: 1")
    output = apply(text)
    assert output.endswith('unknown field "spec.foo", unknown field "spec.replica"')
    diagnostics = shown(text, output)
    assert [(d.line, d.message.rpartition(": ")[2]) for d in diagnostics] == [
        (7, 'unknown field "spec.foo"'),
        (6, 'unknown field "spec.replica"'),
    ]
    assert diagnostics[0].message.startswith("Error from server (BadRequest): error when creating")


# --- decode errors (BadRequest): wrong types and bad values ---


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("replicas: 2", "replicas: two", (6, "replicas: two")),
        ("image: nginx", "image: 5", (17, "image: 5")),
        ("containerPort: 80", "containerPort: http", (19, "- containerPort: http")),
        ("      app: web\n  template", "      app: yes\n  template", (9, "app: yes")),
    ],
    ids=["int", "string-in-a-list", "port", "map-of-strings"],
)
def test_a_value_of_the_wrong_type_is_shown_at_its_line(old, new, expected):
    text = edit(DEPLOYMENT, old, new)
    assert "json: cannot unmarshal" in apply(text)
    assert places(text) == [expected]


def test_a_bad_quantity_is_found_although_the_message_names_no_field():
    container = "        image: nginx"
    resources = (
        "\n        resources:\n          limits:\n            memory: 1Gi\n            cpu: 1x"
    )
    text = edit(DEPLOYMENT, container, container + resources)
    assert "quantities must match the regular expression" in apply(text)
    assert places(text) == [(21, "cpu: 1x")]


def test_a_bad_quantity_in_the_second_container_is_found_there():
    second = (
        "\n      - name: side\n        image: busybox\n        resources:\n"
        "          requests:\n            memory: lots"
    )
    text = edit(DEPLOYMENT, "        - containerPort: 80", "        - containerPort: 80" + second)
    assert "quantities must match" in apply(text)
    assert places(text) == [(24, "memory: lots")]


def test_bad_base64_and_a_bad_time_are_found_by_value():
    secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  good: aGk=\n  bad: no!\n"
    assert "illegal base64 data" in apply(secret)
    assert places(secret) == [(7, "bad: no!")]
    stamped = edit(
        CONFIG_MAP.format(name="c"), "  name: c\n", "  name: c\n  creationTimestamp: now\n"
    )
    assert "parsing time" in apply(stamped)
    assert places(stamped) == [(5, "creationTimestamp: now")]


# --- validation (Invalid): the field, or the parent of a missing one ---


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("replicas: 2", "replicas: -1", [(6, "replicas: -1")]),
        ("        image: nginx\n", "", [(16, "- name: web")]),  # missing: its container
        ("      app: web\n  template", "      app: api\n  template", [(12, "labels:")]),
        (
            "      app: web\n    spec",
            "      app: 'web!'\n    spec",
            [(12, "labels:"), (13, "app: 'web!'")],
        ),
    ],
    ids=["negative-replicas", "missing-image", "selector-mismatch", "bad-label-value"],
)
def test_a_field_error_is_shown_at_its_field(old, new, expected):
    text = edit(DEPLOYMENT, old, new)
    assert "is invalid" in apply(text)
    assert places(text) == expected


def test_a_list_item_path_goes_to_that_item():
    second = "\n      - name: side\n        image: busybox\n        ports:\n        - containerPort: 99999"
    text = edit(DEPLOYMENT, "        - containerPort: 80", "        - containerPort: 80" + second)
    assert "spec.template.spec.containers[1].ports[0].containerPort: Invalid value: 99999" in apply(
        text
    )
    assert places(text) == [(23, "- containerPort: 99999")]


def test_a_bullet_list_gives_one_diagnostic_per_bullet():
    text = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n"
        "  selector: {app: x}\n  ports:\n  - port: 80\n    nodePort: 80\n  - port: 80\n"
    )
    output = apply(text)
    assert output.startswith('The Service "s" is invalid: \n* spec.ports[0].name: Required value')
    diagnostics = shown(text, output)
    assert [(d.line, d.message.partition(": ")[2].partition(":")[0]) for d in diagnostics] == [
        (9, "spec.ports[0].name"),
        (11, "spec.ports[1].name"),
        (10, "spec.ports[0].nodePort"),
        (11, "spec.ports[1]"),
    ]
    assert (
        diagnostics[0].message == 'The Service "s" is invalid: spec.ports[0].name: Required value'
    )


def test_missing_required_fields_go_to_the_deepest_parent_there_is():
    text = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  maxReplicas: 0\n"
    assert places(text) == [(6, "maxReplicas: 0"), (5, "spec:"), (5, "spec:")]


def test_a_quoted_value_inside_a_map_goes_to_its_entry():
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
        "    image: x\n    resources:\n      requests:\n        memory: 1Gi\n        cpu: 2\n"
        "      limits:\n        cpu: 1\n"
    )
    assert 'resources.requests: Invalid value: "2"' in apply(pod)
    assert places(pod) == [(12, "cpu: 2")]
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  ok: x\n  'a b': x\n"
    assert places(config) == [(7, "'a b': x")]


def test_an_update_is_placed_like_a_create():
    text = edit(
        edit(DEPLOYMENT, "replicas: 2", "replicas: -3"), "      app: web", "      app: other"
    )
    output = apply(text, before=(DEPLOYMENT,))
    assert "spec.selector: Invalid value" in output and "field is immutable" in output
    assert places(text, before=(DEPLOYMENT,)) == [
        (6, "replicas: -3"),
        (12, "labels:"),  # the template's labels no longer match the new selector
        (7, "selector:"),
    ]


# --- kinds, versions, names: kubectl's own checks ---


def test_a_kind_typo_is_shown_at_kind_and_a_wrong_version_at_apiversion():
    typo = edit(DEPLOYMENT, "kind: Deployment", "kind: Deploymnt")
    assert 'no matches for kind "Deploymnt" in version "apps/v1"' in apply(typo)
    assert places(typo) == [(2, "kind: Deploymnt")]
    old = edit(DEPLOYMENT, "apps/v1", "apps/v1beta1")
    assert 'no matches for kind "Deployment" in version "apps/v1beta1"' in apply(old)
    assert places(old) == [(1, "apiVersion: apps/v1beta1")]


def test_missing_kind_or_apiversion_goes_to_the_document_start_after_comments():
    no_kind = "# my app\n\n" + edit(DEPLOYMENT, "kind: Deployment\n", "")
    assert "kind not set" in apply(no_kind)
    assert places(no_kind) == [(3, "apiVersion: apps/v1")]
    no_version = (
        CONFIG_MAP.format(name="a") + "---\n" + edit(DEPLOYMENT, "apiVersion: apps/v1\n", "")
    )
    assert "apiVersion not set" in apply(no_version)
    assert places(no_version) == [(6, "kind: Deployment")]


def test_a_missing_name_goes_to_metadata_or_the_document_start():
    unnamed = edit(DEPLOYMENT, "  name: web\n", "  labels: {}\n")
    assert "resource name may not be empty" in apply(unnamed)
    assert places(unnamed) == [(3, "metadata:")]
    bare = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n"
    assert places(bare) == [(1, "apiVersion: v1")]
    generated = edit(DEPLOYMENT, "  name: web\n", "  generateName: web-\n")
    assert "cannot use generate name with apply" in apply(generated)
    assert places(generated) == [(4, "generateName: web-")]


def test_kubectl_decode_errors_of_metadata():
    numbered = edit(DEPLOYMENT, "  name: web\n", "  name: 5\n")
    assert "Go struct field ObjectMeta.metadata.name of type string" in apply(numbered)
    assert places(numbered) == [(4, "name: 5")]
    scalar = CONFIG_MAP.format(name="a") + "---\napiVersion: v1\nkind: Pod\nmetadata: hello\n"
    assert places(scalar) == [(8, "metadata: hello")]


def test_a_document_that_is_not_an_object():
    assert "invalid object to validate" in apply("# note\nhello\n")
    assert places("# note\nhello\n") == [(2, "hello")]
    assert places("") == [(1, "")]  # error: no objects passed to apply


# --- whole objects: admission, namespaces ---


def test_a_quota_refusal_goes_to_the_refused_object():
    quota = (
        "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard:\n    pods: '1'\n"
    )
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: c\n    image: x\n"
    text = "---\n".join([quota, pod.format(name="p1"), pod.format(name="p2")])
    assert 'pods "p2" is forbidden: exceeded quota' in apply(text)
    assert places(text) == [(18, "apiVersion: v1")]


def test_a_missing_namespace_goes_to_the_namespace_line():
    text = (
        CONFIG_MAP.format(name="a")
        + "---\n"
        + edit(DEPLOYMENT, "  name: web\n", "  name: web\n  namespace: nope\n")
    )
    assert 'namespaces "nope" not found' in apply(text)
    assert places(text) == [(10, "namespace: nope")]


# --- several documents, lists, JSON ---


def test_the_second_and_fourth_of_four_documents():
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 0\n"
    text = "---\n".join(
        [
            CONFIG_MAP.format(name="a"),
            edit(DEPLOYMENT, "replicas: 2", "replicas: -1"),
            CONFIG_MAP.format(name="b"),
            service,
        ]
    )
    output = apply(text)
    assert output.splitlines()[:2] == ["configmap/a created", "configmap/b created"]
    assert places(text) == [(11, "replicas: -1"), (37, "- port: 0")]


def test_unnamed_errors_of_one_kind_go_to_their_documents_in_file_order():
    first = edit(
        edit(DEPLOYMENT, "name: web\nspec", "name: a\nspec"), "replicas: 2", "replicas: two"
    )
    second = edit(
        edit(DEPLOYMENT, "name: web\nspec", "name: b\nspec"), "replicas: 2", "replicas: three"
    )
    text = "---\n".join([CONFIG_MAP.format(name="c"), first, DEPLOYMENT, second])
    output = apply(text)
    assert (
        output.count("cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas")
        == 2
    )
    assert places(text) == [(11, "replicas: two"), (51, "replicas: three")]


def test_fifty_broken_documents_each_get_their_own_line():
    pods = [
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{n}\nspec:\n  containers:\n"
        f"  - name: c\n    image: x\n    resources:\n      limits:\n        cpu: bad{n}\n"
        for n in range(50)
    ]
    text = "---\n".join(pods)
    assert [value for _, value in places(text)] == [f"cpu: bad{n}" for n in range(50)]


def test_the_items_of_a_list():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n"
        "    name: x\n  data:\n    a: 1\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n"
        "  spec:\n    containers:\n    - name: c\n"
    )
    assert places(text) == [(9, "a: 1"), (16, "- name: c")]
    kindless = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata:\n    name: x\n"
    assert "Object 'Kind' is missing" in apply(kindless)
    assert places(kindless) == [(4, "- apiVersion: v1")]


def test_json_input():
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "j"},
        "spec": {
            "replicas": -2,
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c"}]},
            },
        },
    }
    text = json.dumps(deployment, indent=2) + "\n"
    assert places(text) == [(8, '"replicas": -2,'), (22, "{")]


def test_a_stream_of_json_documents():
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}
    pod["spec"] = {"containers": [{"name": "c", "image": "x", "imagePullPolicy": "Sometimes"}]}
    text = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}) + "\n"
    text += json.dumps(pod, indent=1) + "\n"
    assert places(text) == [(13, '"imagePullPolicy": "Sometimes"')]


def test_windows_line_endings():
    text = edit(DEPLOYMENT, "replicas: 2", "replicas: -1").replace("\n", "\r\n")
    assert places(text) == [(6, "replicas: -1")]


# --- warnings ---


def test_warnings_go_to_their_object():
    ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  rules:\n  - host: a\n"
    text = CONFIG_MAP.format(name="a") + "---\n" + ingress
    output = apply(text)
    assert output.splitlines()[1].startswith("Warning: ClusterLab stores Ingress objects")
    diagnostics = shown(text, output)
    assert [(d.line, d.severity) for d in diagnostics] == [(6, "warning")]


def test_unknown_fields_dropped_with_validate_warn_are_warnings_at_their_keys():
    text = CONFIG_MAP.format(name="a") + "---\n" + edit(DEPLOYMENT, "  replicas: 2", "  replica: 2")
    output = apply(text, flags="--validate=warn ")
    assert 'Warning: unknown field "spec.replica"' in output
    diagnostics = shown(text, output)
    assert [(d.line, d.severity) for d in diagnostics] == [(11, "warning")]


# --- every error line is shown ---

BROKEN = {
    "syntax": "kind: Pod\nmetadata: [\n",
    "unknown": edit(DEPLOYMENT, "  replicas: 2", "  replica: 2\n  foo: 1"),
    "invalid": edit(DEPLOYMENT, "        image: nginx\n", "").replace(
        "replicas: 2", "replicas: -1"
    ),
    "kind": edit(DEPLOYMENT, "kind: Deployment", "kind: Deploymnt"),
    "name": edit(DEPLOYMENT, "  name: web\n", ""),
    "mixed": "---\n".join(
        [
            CONFIG_MAP.format(name="a"),
            edit(DEPLOYMENT, "kind: Deployment", "kind: Deploymnt"),
            edit(DEPLOYMENT, "replicas: 2", "replicas: x"),
            edit(DEPLOYMENT, "        image: nginx\n", "").replace("replicas: 2", "replicas: -1"),
            CONFIG_MAP.format(name="b") + "data:\n  a b: 1\n",
        ]
    ),
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_every_error_line_of_the_output_is_shown(text):
    output = apply(text)
    diagnostics = shown(text, output)  # each word of each error line is in some message
    bullets = [line for line in output.splitlines() if line.startswith("* ")]
    assert len(diagnostics) >= max(len(bullets), 1)


def test_every_error_of_a_mixed_output_is_at_its_line():
    text = BROKEN["mixed"]
    output = apply(text)
    assert len(output.splitlines()) == 6  # one success, a two-line error, three more
    lines = text.split("\n")
    assert [lines[d.line - 1].strip() for d in shown(text, output)] == [
        "kind: Deploymnt",
        "replicas: x",
        "replicas: -1",  # `[a, b]`: one diagnostic each
        "- name: web",
        "a b: 1",
    ]


# --- odd text and odd output never raise ---

HOSTILE = {
    "huge": "a: b\n" * 700_000,
    "binary": bytes(range(256)).decode("latin-1"),
    "deep-yaml": "".join("  " * depth + "a:\n" for depth in range(300)),
    "deep-json": '{"a":' * 20_000 + "1" + "}" * 20_000,
    "deep-flow": "[" * 100_000,
    "alias-bomb": "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    ).replace("*a", "x"),
    "recursive-alias": "apiVersion: v1\nkind: Pod\nmetadata: &m\n  name: p\n  x: *m\n",
    "only-separators": "---\n---\n---\n",
    "nul-in-json": '{"kind": "Pod\x00"}',
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_gives_diagnostics_not_exceptions(text):
    output = apply(text)
    diagnostics = shown(text, output)
    assert diagnostics
    assert all(isinstance(d.line, int) and d.line >= 1 for d in diagnostics)


ODD_OUTPUT = [
    "* a bullet with no head",
    'The  is invalid: \n* : Required value\n* spec.[: Invalid value: "',
    "Error from server (: nothing\nerror: \n\x00\xff",
    'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be '
    'handled as a Pod: strict decoding error: unknown field "spec.containers[99].x[.y"',
    'Error from server (Invalid): error when creating "STDIN": Pod "p" is invalid: [a, b: Invalid value: ]',
    'error: error validating "STDIN": error validating data: [ValidationError(Pod.spec): unknown '
    'field "x" in io.k8s.api.core.v1.PodSpec, ValidationError(Pod): missing required field "spec"]',
    'pod/nothing created\nWarning: about nothing\nWarning: unknown field "a.b"',
    'pods "p" is forbidden: ' + "x" * 100_000,
]


@pytest.mark.parametrize("output", ODD_OUTPUT)
def test_odd_output_gives_diagnostics_not_exceptions(output):
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n"
    assert shown(text, output)


def test_odd_arguments_give_diagnostics_not_exceptions():
    assert diagnostics_for(b"kind: Pod\n", "error: x") == [Diagnostic(1, "error: x")]
    assert diagnostics_for(None, "error: x") == [Diagnostic(1, "error: x")]
    assert diagnostics_for("kind: Pod\n", "") == []


def test_older_client_side_validation_errors_are_placed_too():
    """kubectl before 1.25 validated against OpenAPI itself and said it this way."""
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containerz: []\n"
    output = (
        'error: error validating "STDIN": error validating data: [ValidationError(Pod.spec): '
        'unknown field "containerz" in io.k8s.api.core.v1.PodSpec, ValidationError(Pod.spec): '
        'missing required field "containers" in io.k8s.api.core.v1.PodSpec]; if you choose to '
        "ignore these errors, turn validation off with --validate=false"
    )
    assert [d.line for d in shown(text, output)] == [6, 5]
