import pytest

from cluster_sim.engine.kubectl.args import UsageError, parse


def test_flags_anywhere_and_in_both_forms():
    inv = parse(["get", "pods", "-n", "kube-system", "-o=wide", "--show-labels"])
    assert inv.verb == "get" and inv.args == ["pods"]
    assert inv.flags == {"namespace": "kube-system", "output": "wide", "show-labels": True}
    assert parse(["scale", "--replicas=3", "deploy/web"]).flag("replicas") == 3
    assert parse(["get", "pods", "-owide"]).flag("output") == "wide"


def test_unknown_flag_is_worded_as_kubectl():
    with pytest.raises(UsageError) as error:
        parse(["get", "pods", "--colour"])
    assert str(error.value) == "error: unknown flag: --colour\nSee 'kubectl get --help' for usage."


def test_unknown_shorthand_is_worded_as_kubectl():
    with pytest.raises(UsageError) as error:
        parse(["get", "pods", "-z"])
    assert str(error.value).startswith("error: unknown shorthand flag: 'z' in -z")


def test_flag_without_its_value():
    with pytest.raises(UsageError, match="flag needs an argument"):
        parse(["get", "pods", "-n"])
