import random

import pytest

from cluster_sim.engine.labels import (
    SelectorError,
    matches_expressions,
    matches_map,
    matches_selector,
    parse_selector,
)
from cluster_sim.engine.names import (
    ALPHANUMS,
    generate_name,
    new_uid,
    pod_template_hash,
    random_suffix,
)


def test_label_selector_semantics():
    labels = {"app": "web", "tier": "front"}
    assert matches_selector(labels, {"matchLabels": {"app": "web"}})
    assert not matches_selector(labels, {"matchLabels": {"app": "db"}})
    expr = {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}
    assert matches_selector(labels, expr)
    assert matches_selector(
        labels, {"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]}
    )


def test_service_map_selector_selects_nothing_when_empty():
    assert not matches_map({"app": "web"}, {})
    assert matches_map({"app": "web", "x": "y"}, {"app": "web"})


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("app=web", {"app": "web"}, True),
        ("app==web", {"app": "db"}, False),
        ("app!=web", {"app": "db"}, True),
        ("tier in (front,back)", {"tier": "back"}, True),
        ("tier notin (front)", {"tier": "front"}, False),
        ("app,!canary", {"app": "x"}, True),
        ("app,!canary", {"app": "x", "canary": "1"}, False),
    ],
)
def test_kubectl_selector_syntax(text, labels, expected):
    assert matches_expressions(labels, parse_selector(text)) is expected


def test_bad_selector_is_an_error():
    with pytest.raises(SelectorError):
        parse_selector("app in (a")


# What apimachinery pkg/labels/selector.go (labels.Parse) makes of kubectl's -l text:
# values are a sorted, deduplicated set, requirements sorted by key.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("app", [{"key": "app", "operator": "Exists"}]),
        ("!app", [{"key": "app", "operator": "DoesNotExist"}]),
        ("! app", [{"key": "app", "operator": "DoesNotExist"}]),
        ("app=web", [{"key": "app", "operator": "In", "values": ["web"]}]),
        ("app==web", [{"key": "app", "operator": "In", "values": ["web"]}]),
        ("app!=web", [{"key": "app", "operator": "NotIn", "values": ["web"]}]),
        ("app = web", [{"key": "app", "operator": "In", "values": ["web"]}]),
        ("app=", [{"key": "app", "operator": "In", "values": [""]}]),
        ("x>1", [{"key": "x", "operator": "Gt", "values": ["1"]}]),
        ("x<10", [{"key": "x", "operator": "Lt", "values": ["10"]}]),
        ("tier in (b,a,b)", [{"key": "tier", "operator": "In", "values": ["a", "b"]}]),
        ("tier notin (a)", [{"key": "tier", "operator": "NotIn", "values": ["a"]}]),
        ("tier in ()", [{"key": "tier", "operator": "In", "values": [""]}]),
        ("tier in (a,)", [{"key": "tier", "operator": "In", "values": ["", "a"]}]),
        ("x in (in,notin)", [{"key": "x", "operator": "In", "values": ["in", "notin"]}]),
        ("in=notin", [{"key": "in", "operator": "In", "values": ["notin"]}]),
        ("x  notin\t(abc,def)", [{"key": "x", "operator": "NotIn", "values": ["abc", "def"]}]),
        (
            "example.com/role=db",
            [{"key": "example.com/role", "operator": "In", "values": ["db"]}],
        ),
        (
            "z=1,!y,a in (x)",
            [
                {"key": "a", "operator": "In", "values": ["x"]},
                {"key": "y", "operator": "DoesNotExist"},
                {"key": "z", "operator": "In", "values": ["1"]},
            ],
        ),
    ],
)
def test_selector_parses_as_upstream(text, expected):
    assert parse_selector(text) == expected


_NAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
_LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
    "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
_REQ = "unable to parse requirement: "


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # parseOperator: strings.Join(binaryOperators, ", ")
        ("a b", _REQ + "found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("app notin", _REQ + "found '' expected: '('"),
        # Parser.parse
        ("=x", "found '=', expected: !, identifier, or 'end of string'"),
        (",a", "found ',', expected: !, identifier, or 'end of string'"),
        ("a,", "found '', expected: identifier after ','"),
        ("a,,b", "found ',', expected: identifier after ','"),
        ("app=a b", "found 'b', expected: ',' or 'end of string'"),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        # parseKeyAndInferOperator
        ("!", _REQ + "found '', expected: identifier"),
        ("!=x", "found '!=', expected: !, identifier, or 'end of string'"),
        ("!!x", _REQ + "found '!', expected: identifier"),
        # parseValues / parseIdentifiersList
        ("app in (a", _REQ + "found '', expected: ',' or ')'"),
        ("app in a", _REQ + "found 'a' expected: '('"),
        ("app in (a b)", _REQ + "found 'b', expected: ',' or ')'"),
        ("app in (=)", _REQ + "found '=', expected: ',', ')' or identifier"),
        ("app in (a,=)", _REQ + "found '=', expected: ',', or identifier"),
        # parseExactValue
        ("app=(x)", _REQ + "found '(', expected: identifier"),
        ("app==!", _REQ + "found '!', expected: identifier"),
        # validateLabelKey with the parser's nil path
        ("-x=1", _REQ + '<nil>: Invalid value: "-x": ' + _NAME_PART),
        ("app:web", _REQ + '<nil>: Invalid value: "app:web": ' + _NAME_PART),
        (
            "k" * 64 + "=1",
            _REQ + f'<nil>: Invalid value: "{"k" * 64}": name part must be no more than 63 '
            "characters",
        ),
        (
            "a/b/c",
            _REQ + '<nil>: Invalid value: "a/b/c": a qualified name must consist of '
            "alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
            "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional "
            "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        ),
        # NewRequirement: values[i][key] for label values, values[i] for Gt/Lt integers
        (
            "app=" + "v" * 64,
            _REQ + f'values[0][app]: Invalid value: "{"v" * 64}": must be no more than 63 '
            "characters",
        ),
        ("app=-web", _REQ + 'values[0][app]: Invalid value: "-web": ' + _LABEL_VALUE),
        ("app in (ok,-b)", _REQ + 'values[0][app]: Invalid value: "-b": ' + _LABEL_VALUE),
        (
            "x<a",
            _REQ + "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must "
            "be an integer",
        ),
        (
            "x>",
            _REQ + "values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must "
            "be an integer",
        ),
        (
            "x>-a",
            _REQ + "[values[0]: Invalid value: \"-a\": for 'Gt', 'Lt' operators, the value "
            'must be an integer, values[0][x]: Invalid value: "-a": ' + _LABEL_VALUE + "]",
        ),
    ],
)
def test_bad_selector_messages_are_upstreams(text, message):
    with pytest.raises(SelectorError) as caught:
        parse_selector(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("x>1", {"x": "2"}, True),
        ("x>1", {"x": "1"}, False),
        ("x<1", {"x": "0"}, True),
        ("x<1", {"x": "-5"}, True),
        ("x<1", {"x": "2"}, False),
        ("x>1", {}, False),  # absent: no match
        ("x>1", {"x": "v2"}, False),  # not an integer: no match
        ("x>1", {"x": "1.5"}, False),
        ("x>1", {"x": "99999999999999999999"}, False),  # overflows int64
        ("x<1", {"x": " 0"}, False),
    ],
)
def test_gt_lt_match_as_requirement_matches(text, labels, expected):
    assert matches_expressions(labels, parse_selector(text)) is expected


def test_generated_names_use_upstreams_alphabet_and_are_seeded():
    name = generate_name(random.Random(1), "web-6d4cf56db6-")
    assert name.startswith("web-6d4cf56db6-") and len(name) == len("web-6d4cf56db6-") + 5
    assert set(name[-5:]) <= set(ALPHANUMS)
    assert name == generate_name(random.Random(1), "web-6d4cf56db6-")


def test_random_suffix_draws_what_random_choice_draws():
    # Names of every golden scenario depend on this stream staying the same.
    fast, reference = random.Random(7), random.Random(7)
    for _ in range(2_000):
        expected = "".join(reference.choice(ALPHANUMS) for _ in range(5))
        assert random_suffix(fast) == expected
    assert fast.random() == reference.random()


def test_uid_is_a_version_4_uuid():
    uid = new_uid(random.Random(7))
    assert len(uid) == 36 and uid[14] == "4" and uid[19] in "89ab"


def test_pod_template_hash_is_stable_and_changes_with_the_template():
    template = {
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"image": "nginx"}]},
    }
    first = pod_template_hash(template)
    assert first == pod_template_hash(dict(template))
    assert set(first) <= set(ALPHANUMS)
    changed = {"metadata": template["metadata"], "spec": {"containers": [{"image": "nginx:2"}]}}
    assert pod_template_hash(changed) != first
    assert pod_template_hash(template, collision_count=1) != first
