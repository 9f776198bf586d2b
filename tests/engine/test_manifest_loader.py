"""parse_manifests: documents, JSON, guards, go-yaml's value rules and error texts."""

import contextlib
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cluster_sim.engine.manifests import ManifestError, parse_manifests
from cluster_sim.engine.manifests.goyaml import load_document

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n"


def error_of(text, source="web.yaml"):
    with pytest.raises(ManifestError) as caught:
        parse_manifests(text, source)
    return caught.value.message


# --- documents ---------------------------------------------------------------------------


def test_multi_document_stream_skips_empty_documents():
    text = (
        "---\n"
        + POD.format(name="a")
        + "---\n# only a comment\n---\n\n---\n"
        + POD.format(name="b")
    )
    assert [doc["metadata"]["name"] for doc in parse_manifests(text)] == ["a", "b"]


def test_list_kind_is_expanded_into_its_items():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n"
        "- {apiVersion: v1, kind: Service, metadata: {name: b}}\n"
    )
    assert [doc["kind"] for doc in parse_manifests(text)] == ["Pod", "Service"]


def test_json_stream_is_accepted():
    text = (
        '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}\n'
        '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}'
    )
    assert [doc["kind"] for doc in parse_manifests(text)] == ["Pod", "Namespace"]


def test_flow_style_yaml_is_accepted():
    text = "{apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c}]}}"
    assert parse_manifests(text)[0]["spec"]["containers"] == [{"name": "c"}]


def test_crlf_line_endings_are_accepted():
    assert parse_manifests(POD.format(name="a").replace("\n", "\r\n"))[0]["kind"] == "Pod"


def test_objects_before_a_failing_document_are_kept_on_the_error():
    with pytest.raises(ManifestError) as caught:
        parse_manifests(POD.format(name="a") + "---\nkind: [\n", "web.yaml")
    assert [doc["metadata"]["name"] for doc in caught.value.documents] == ["a"]


# --- kubectl's refusals of whole documents ----------------------------------------------


def test_missing_apiversion_and_kind_worded_as_kubectl():
    assert error_of("metadata:\n  name: x\n") == (
        'error: error validating "web.yaml": error validating data: '
        "[apiVersion not set, kind not set]; if you choose to ignore these errors, "
        "turn validation off with --validate=false"
    )


def test_missing_kind_alone_is_not_bracketed():
    assert error_of("apiVersion: v1\n") == (
        'error: error validating "web.yaml": error validating data: kind not set; '
        "if you choose to ignore these errors, turn validation off with --validate=false"
    )


def test_a_document_that_is_not_a_mapping():
    assert error_of("- a\n- b\n").startswith(
        'error: error validating "web.yaml": error validating data: invalid object to validate;'
    )


def test_stdin_is_named_as_kubectl_names_it():
    assert error_of("kind: Pod\n", source="-").startswith('error: error validating "STDIN"')


def test_bad_document_separator():
    assert error_of(POD.format(name="a") + "--- {a: 1}\n") == (
        "error: error parsing web.yaml: invalid Yaml document separator: {a: 1}"
    )


# --- syntax errors: go-yaml's words and line numbers --------------------------------------


def test_mapping_values_error_has_the_line_of_the_problem():
    text = "apiVersion: v1\nkind: Pod\nmetadata: name: x\n"
    assert error_of(text) == (
        "error: error parsing web.yaml: error converting YAML to JSON: "
        "yaml: line 3: mapping values are not allowed in this context"
    )


def test_line_numbers_count_from_the_start_of_the_document():
    text = POD.format(name="a") + "---\napiVersion: v1\nkind: Pod\nmetadata: name: x\n"
    assert "yaml: line 3: mapping values" in error_of(text)


def test_parser_errors_report_go_yamls_line():
    # go-yaml reports a parser error's 0-based problem line: one less than the line.
    text = "spec:\n  containers:\n  - name: a\n image: b\n"
    assert error_of(text) == (
        "error: error parsing web.yaml: error converting YAML to JSON: "
        "yaml: line 3: did not find expected key"
    )


def test_tab_indentation():
    assert error_of("a: 1\n\tb: 2\n").endswith(
        "yaml: line 2: found character that cannot start any token"
    )


def test_unknown_anchor():
    assert error_of("a: *missing\n").endswith("yaml: unknown anchor 'missing' referenced")


def test_json_syntax_errors_worded_as_encoding_json():
    assert error_of('{"kind": }', "x.json") == (
        "error: error parsing x.json: json: offset 10: "
        "invalid character '}' looking for beginning of value"
    )
    assert error_of('{"a": 1,}', "x.json").endswith(
        "invalid character '}' looking for beginning of object key string"
    )
    assert error_of('{"a": 1', "x.json") == "error: error parsing x.json: unexpected EOF"


# --- safety ------------------------------------------------------------------------------


def billion_laughs() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


def timed_error(text) -> tuple[str, float]:
    start = time.perf_counter()
    message = error_of(text)
    return message, time.perf_counter() - start


def test_alias_bomb_is_refused_quickly():
    message, seconds = timed_error(billion_laughs() * 1)
    assert message.endswith("yaml: document contains excessive aliasing")
    assert seconds < 0.1


def test_deep_flow_nesting_is_refused_quickly():
    message, seconds = timed_error("[" * 100_000 + "]" * 100_000)
    assert message.endswith("yaml: line 1: exceeded max depth of 100")
    assert seconds < 0.1


def test_deep_block_nesting_is_refused():
    text = "a:\n" + "".join("  " * depth + "- \n" for depth in range(1, 150))
    message, seconds = timed_error(text)
    assert "exceeded max depth of 100" in message
    assert seconds < 0.1


def test_deep_json_is_refused_quickly():
    message, seconds = timed_error('{"a":' * 60_000 + "1" + "}" * 60_000)
    assert "exceeded max depth of 100" in message
    assert seconds < 0.1


def test_alias_expansion_counts_towards_depth():
    nested = "x: &deep " + "[" * 60 + "]" * 60 + "\ny: " + "[" * 60 + "*deep" + "]" * 60 + "\n"
    assert "exceeded max depth of 100" in error_of(nested)


def test_one_hundred_levels_are_fine():
    assert load_document("[" * 100 + "]" * 100) is not None


def test_oversized_input_is_refused_before_parsing():
    text = "a: " + "x" * (3 * 1024 * 1024) + "\n"
    assert error_of(text) == (
        'Error from server (RequestEntityTooLarge): error when creating "web.yaml": '
        "Request entity too large: limit is 3145728"
    )


def test_aliases_yield_copies_not_shared_objects():
    value = load_document("a: &x {k: 1}\nb: *x\n")
    value["a"]["k"] = 2
    assert value["b"] == {"k": 1}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="[]{}:-&*!|>'\" \n\tab1", max_size=200))
def test_arbitrary_text_never_crashes(text):
    with contextlib.suppress(ManifestError):
        parse_manifests(text)


# --- go-yaml v2 value rules --------------------------------------------------------------


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("yes", True),
        ("y", True),
        ("On", True),
        ("no", False),
        ("off", False),
        ("~", None),
        ("2024-01-01", "2024-01-01"),  # timestamps stay strings
        ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
        ("1e3", 1000.0),  # a float in go-yaml, a string in PyYAML
        ("1:30", "1:30"),  # no sexagesimal ints in go-yaml
        ("0777", 511),
        ("0x1F", 31),
        ("1_000", 1000),
        (".5", 0.5),
        ("'yes'", "yes"),
        ("!!str 12", "12"),
        ("nginx:1.14.2", "nginx:1.14.2"),
    ],
)
def test_scalars_resolve_as_go_yaml_v2(scalar, value):
    assert load_document(f"v: {scalar}\n") == {"v": value}


def test_keys_become_strings_like_sigs_yaml():
    assert load_document("1: a\ntrue: b\n1.5: c\n") == {"1": "a", "true": "b", "1.5": "c"}


def test_merge_keys():
    text = "base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\n"
    assert load_document(text)["m"] == {"a": 1, "b": 3}


def test_duplicate_keys_keep_the_last_value_like_kubectl():
    assert parse_manifests(POD.format(name="a") + "kind: Service\n")[0]["kind"] == "Service"


def test_duplicate_keys_can_be_refused():
    with pytest.raises(ManifestError) as caught:
        parse_manifests(POD.format(name="a") + "kind: Service\n", "web.yaml", strict_keys=True)
    assert caught.value.message == (
        "error: error parsing web.yaml: error converting YAML to JSON: "
        'yaml: line 5: mapping key "kind" already defined'
    )


def test_infinity_cannot_be_sent():
    assert error_of("apiVersion: v1\nkind: Pod\nx: .inf\n").endswith(
        "error converting YAML to JSON: json: unsupported value: +Inf"
    )
