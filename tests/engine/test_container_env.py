"""A container's environment from env, envFrom, ConfigMaps, Secrets and the downward API.

Checked against kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
(`$(VAR)` in values and in command/args), .../configure-pod-container/configure-pod-configmap/
(configMapKeyRef, envFrom with prefix; a missing ConfigMap keeps the pod from starting),
.../inject-data-application/distribute-credentials-secure/ (secretKeyRef; stringData is
stored base64-encoded under data) and .../environment-variable-expose-pod-information/
(fieldRef, resourceFieldRef). The waiting reason and messages are the kubelet's
(makeEnvironmentVariables in pkg/kubelet/kubelet_pods.go).
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

POD = """apiVersion: v1
kind: Pod
metadata:
  name: envdemo
  labels: {app: demo}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ['sh', '-c', 'echo "$LOG_LEVEL $DB_USER $POD_NAME $POD_NS $POD_IP $(GREETING) $APP_MODE $CPU"; sleep 3600']
    envFrom:
    - configMapRef: {name: app-config}
      prefix: APP_
    env:
    - name: LOG_LEVEL
      valueFrom: {configMapKeyRef: {name: app-config, key: log-level}}
    - name: DB_USER
      valueFrom: {secretKeyRef: {name: db, key: user}}
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: POD_NS
      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: GREETING
      value: hello-$(POD_NAME)
    - name: CPU
      valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}
    resources:
      limits: {cpu: 500m, memory: 64Mi}
"""
CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config}\ndata: {log-level: debug, MODE: fast}\n"
SECRET = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {user: admin}\n"


def session():
    runner = ScriptRunner(Cluster(seed=5, profile="fast"))
    runner.run_line("sim node add node-1")
    return runner


def waiting(runner) -> dict:
    pod = runner.cluster.api.get("Pod", "default", "envdemo")
    return pod["status"]["containerStatuses"][0]["state"].get("waiting") or {}


def test_the_environment_is_built_from_every_source():
    runner = session()
    runner.run_line("kubectl apply -f -", CONFIG)
    runner.run_line("kubectl apply -f -", SECRET)
    runner.run_line("kubectl apply -f -", POD)
    runner.run_line("sim advance 20s")
    pod = runner.cluster.api.get("Pod", "default", "envdemo")
    assert runner.run_line("kubectl logs envdemo") == (
        f"debug admin envdemo default {pod['status']['podIP']} hello-envdemo fast 500"
    )


def test_missing_sources_hold_the_container_until_they_exist():
    runner = session()
    runner.run_line("kubectl apply -f -", POD)
    runner.run_line("sim advance 10s")
    assert waiting(runner) == {
        "reason": "CreateContainerConfigError",
        "message": 'configmap "app-config" not found',
    }
    assert runner.run_line("kubectl get pod envdemo").split()[6:9] == [
        "0/1",
        "CreateContainerConfigError",
        "0",
    ]
    events = runner.run_line("kubectl get events --field-selector involvedObject.name=envdemo")
    assert 'Error: configmap "app-config" not found' in events
    runner.run_line("kubectl apply -f -", CONFIG)
    runner.run_line("sim advance 10s")  # the kubelet's next sync finds it
    assert waiting(runner)["message"] == 'secret "db" not found'
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: x}\n",
    )
    runner.run_line("sim advance 10s")
    assert waiting(runner)["message"] == "couldn't find key user in Secret default/db"
    runner.run_line("kubectl apply -f -", SECRET)
    runner.run_line("sim advance 20s")
    assert runner.cluster.api.get("Pod", "default", "envdemo")["status"]["phase"] == "Running"


def test_optional_sources_may_be_missing():
    runner = session()
    optional = (
        POD.replace("{name: app-config}", "{name: app-config, optional: true}")
        .replace(
            "{name: app-config, key: log-level}",
            "{name: app-config, key: log-level, optional: true}",
        )
        .replace("{name: db, key: user}", "{name: db, key: user, optional: true}")
    )
    runner.run_line("kubectl apply -f -", optional)
    runner.run_line("sim advance 20s")
    assert runner.run_line("kubectl logs envdemo").split()[:3] == [
        "envdemo",
        "default",
        "10.244.0.2",
    ]


def test_secrets_store_string_data_base64_encoded_under_data():
    runner = session()
    runner.run_line("kubectl apply -f -", SECRET)
    secret = runner.cluster.api.get("Secret", "default", "db")
    assert secret["data"] == {"user": "YWRtaW4="}
    assert "stringData" not in secret
    assert secret["type"] == "Opaque"
    assert runner.run_line("kubectl apply -f -", SECRET) == "secret/db unchanged"
