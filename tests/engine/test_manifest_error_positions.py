"""ManifestError.line / .column: where a YAML or JSON syntax error is, for the web editor.

kubectl's printed message is unchanged (go-yaml numbers lines within the document after a
`---`, and parser errors one too low; encoding/json gives a byte offset): the structured
position is the real one, counted from 1 in the text given, the column in characters.
PyYAML's problem_mark (libyaml's, the parser go-yaml is a port of) supplies the position.
"""

import pytest

from cluster_sim.engine.manifests import ManifestError, parse_manifests


def failure(text: str) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        parse_manifests(text, "app.yaml")
    return caught.value


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        (  # a key indented under a scalar: the colon is the problem
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: app\n    tier: x\n",
            "yaml: line 6: mapping values are not allowed in this context",
            6,
            9,
        ),
        (  # an unclosed flow sequence, in the second document: lines count from the file
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\n"
            "kind: Pod\nmetadata:\n  name: b\n  labels: [x, y\n",
            "yaml: line 5: did not find expected ',' or ']'",
            11,
            1,
        ),
        (  # a tab where indentation is expected
            "apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n",
            "yaml: line 4: found character that cannot start any token",
            4,
            1,
        ),
        (  # an alias with no anchor: placed at the alias
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: *missing\n",
            "yaml: unknown anchor 'missing' referenced",
            4,
            9,
        ),
    ],
)
def test_yaml_errors_carry_their_line_and_column(text, message, line, column):
    error = failure(text)
    assert error.message == (
        f"error: error parsing app.yaml: error converting YAML to JSON: {message}"
    )
    assert (error.line, error.column) == (line, column)


def test_an_unterminated_string_ends_at_the_end_of_the_text():
    error = failure('apiVersion: v1\nkind: Pod\nmetadata:\n  name: "web\n')
    assert "found unexpected end of stream" in error.message
    assert (error.line, error.column) == (5, 1)


def test_a_bad_document_separator_is_placed_on_its_line():
    error = failure("apiVersion: v1\nkind: Pod\n--- oops\nkind: Pod\n")
    assert error.message == "error: error parsing app.yaml: invalid Yaml document separator: oops"
    assert (error.line, error.column) == (3, 5)


def test_json_errors_turn_the_byte_offset_into_line_and_column():
    text = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "é",}\n}\n'
    error = failure(text)
    # encoding/json counts bytes (é is two), the editor counts characters
    assert error.message == (
        "error: error parsing app.yaml: json: offset 70: invalid character '}' "
        "looking for beginning of object key string"
    )
    assert (error.line, error.column) == (4, 28)
    assert text.splitlines()[3][27] == "}"


def test_errors_that_are_not_syntax_errors_have_no_position():
    error = failure("apiVersion: v1\nmetadata:\n  name: a\n")
    assert "kind not set" in error.message
    assert (error.line, error.column) == (None, None)
    assert str(error) == error.message
