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
