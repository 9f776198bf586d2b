"""kubectl create configmap and kubectl create secret generic.

kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#create-a-configmap
(literal values, files keyed by their base name or an explicit key, env files) and
kubernetes.io/docs/tasks/configmap-secret/managing-secret-using-kubectl/ (the same
sources, stored base64-encoded), with create_configmap.go's and create_secret.go's errors
(parseLiteralSource, IsConfigMapKey, duplicate keys).
"""

import base64

import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner


def session(tmp_path):
    (tmp_path / "game.properties").write_text("enemies=aliens\nlives=3\n")
    return ScriptRunner(Cluster(seed=6), base_dir=tmp_path)


def test_literals_and_files_become_data(tmp_path):
    runner = session(tmp_path)
    out = runner.run_line(
        "kubectl create configmap game --from-file=game.properties "
        "--from-literal=special.how=very --dry-run=client -o yaml"
    )
    assert yaml.safe_load(out) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"creationTimestamp": None, "name": "game"},
        "data": {"game.properties": "enemies=aliens\nlives=3\n", "special.how": "very"},
    }
    assert runner.cluster.api.find("ConfigMap", "default", "game") is None
    assert (
        runner.run_line(
            "kubectl create configmap game --from-file=ui=game.properties --from-literal=lives=3"
        )
        == "configmap/game created"
    )
    stored = runner.cluster.api.get("ConfigMap", "default", "game")
    assert stored["data"] == {"ui": "enemies=aliens\nlives=3\n", "lives": "3"}
    assert runner.run_line("kubectl create configmap game") == (
        'Error from server (AlreadyExists): configmaps "game" already exists'
    )


def test_the_errors_kubectl_reports(tmp_path):
    runner = session(tmp_path)
    cases = {
        "kubectl create configmap bad --from-literal=nokey": (
            "error: invalid literal source nokey, expected key=value"
        ),
        "kubectl create configmap bad --from-literal=a@b=1": (
            'error: "a@b" is not a valid key name for a ConfigMap: a valid config key must '
            "consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
            "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
        ),
        "kubectl create configmap bad --from-literal=a=1 --from-literal=a=2": (
            'error: cannot add key "a", another key by that name already exists in Data for '
            'ConfigMap "bad"'
        ),
        "kubectl create configmap bad --from-file=missing.txt": (
            "error: error reading missing.txt: no such file or directory"
        ),
        "kubectl create configmap": (
            "error: exactly one NAME is required, got 0\n"
            "See 'kubectl create configmap -h' for help and examples"
        ),
    }
    for line, expected in cases.items():
        assert runner.run_line(line) == expected, line
    assert runner.cluster.api.find("ConfigMap", "default", "bad") is None


def test_a_literal_value_keeps_its_commas(tmp_path):
    runner = session(tmp_path)
    runner.run_line("kubectl create configmap c --from-literal=list=a,b,c")
    assert runner.cluster.api.get("ConfigMap", "default", "c")["data"] == {"list": "a,b,c"}


def test_env_files_give_one_key_per_line(tmp_path):
    runner = session(tmp_path)
    (tmp_path / "game.env").write_text(
        "\ufeff# settings\r\nlives=3\r\n  enemies=aliens\n\nempty=\nPASS\n"
    )
    (tmp_path / "bad.env").write_text("1bad=x\n")
    runner.run_line("kubectl create configmap env --from-env-file=game.env")
    assert runner.cluster.api.get("ConfigMap", "default", "env")["data"] == {
        "lives": "3",
        "enemies": "aliens",
        "empty": "",
        "PASS": "",  # no `=`: from kubectl's own environment, empty here
    }
    assert runner.run_line(
        "kubectl create configmap x --from-env-file=game.env --from-literal=a=b"
    ) == ("error: from-env-file cannot be combined with from-file or from-literal")
    assert runner.run_line("kubectl create configmap x --from-env-file=bad.env").startswith(
        'error: "1bad" is not a valid key name: a valid environment variable name must consist'
    )


def test_secrets_from_literals_and_files(tmp_path):
    runner = session(tmp_path)
    out = runner.run_line(
        "kubectl create secret generic db --from-literal=user=admin "
        "--from-literal=password='s3cr3t!' --dry-run=client -o yaml"
    )
    assert yaml.safe_load(out) == {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"creationTimestamp": None, "name": "db"},
        "data": {"user": "YWRtaW4=", "password": "czNjcjN0IQ=="},
    }
    assert (
        runner.run_line(
            "kubectl create secret generic db --from-literal=user=admin --from-file=game.properties"
        )
        == "secret/db created"
    )
    stored = runner.cluster.api.get("Secret", "default", "db")
    assert stored["type"] == "Opaque"
    decoded = {k: base64.b64decode(v).decode() for k, v in stored["data"].items()}
    assert decoded == {"user": "admin", "game.properties": "enemies=aliens\nlives=3\n"}
    runner.run_line(
        "kubectl create secret generic auth --type=kubernetes.io/basic-auth "
        "--from-literal=username=u --from-literal=password=p"
    )
    assert runner.cluster.api.get("Secret", "default", "auth")["type"] == "kubernetes.io/basic-auth"


def test_secret_errors_are_create_secret_go_s(tmp_path):
    runner = session(tmp_path)
    assert runner.run_line("kubectl create secret generic bad --from-literal=a@b=1") == (
        'error: "a@b" is not valid key name for a Secret a valid config key must consist of '
        "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or "
        "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
    )
    assert runner.run_line(
        "kubectl create secret generic bad --from-literal=a=1 --from-literal=a=2"
    ) == ("error: cannot add key a, another key by that name already exists")
    assert runner.run_line("kubectl create secret generic") == (
        "error: exactly one NAME is required, got 0\n"
        "See 'kubectl create secret generic -h' for help and examples"
    )
    assert runner.run_line("kubectl create secret").startswith(
        "Create a secret with specified type."
    )
    assert "does not simulate" in runner.run_line("kubectl create secret tls x --cert=a --key=b")
