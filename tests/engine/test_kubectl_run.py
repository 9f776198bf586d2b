"""kubectl run: one Pod from the command line.

kubernetes.io/docs/reference/kubectl/generated/kubectl_run/ (the flags and examples);
the object is run.go's BasicPod generator's: label run=<name> unless --labels, the
container named after the pod, `-- ARGS` as the container's args (its command with
--command), restartPolicy from --restart.
"""

import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner


def session():
    runner = ScriptRunner(Cluster(seed=4, profile="fast"))
    runner.run_line("sim node add node-1")
    return runner


def test_dry_run_prints_the_pod_people_start_their_manifests_from():
    runner = session()
    out = runner.run_line("kubectl run nginx --image=nginx --dry-run=client -o yaml")
    assert out.splitlines() == [
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  creationTimestamp: null",
        "  labels:",
        "    run: nginx",
        "  name: nginx",
        "spec:",
        "  containers:",
        "  - image: nginx",
        "    name: nginx",
        "    resources: {}",
        "  dnsPolicy: ClusterFirst",
        "  restartPolicy: Always",
        "status: {}",
    ]
    assert runner.cluster.store.list("Pod", "default") == []
    # and that manifest applies as it is
    assert runner.run_line("kubectl apply -f -", out) == "pod/nginx created"


def test_run_creates_a_pod_that_runs():
    runner = session()
    assert runner.run_line("kubectl run nginx --image=nginx:1.25 --port=80") == "pod/nginx created"
    assert runner.run_line("kubectl run nginx --image=nginx") == (
        'Error from server (AlreadyExists): pods "nginx" already exists'
    )
    runner.run_line("sim advance 30s")
    pod = runner.cluster.api.get("Pod", "default", "nginx")
    assert pod["status"]["phase"] == "Running"
    assert pod["metadata"]["labels"] == {"run": "nginx"}
    assert pod["spec"]["containers"][0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_arguments_flags_and_restart_policy():
    runner = session()
    runner.run_line(
        "kubectl run once --image=busybox:1.36 --restart=Never --labels=app=batch,tier=x "
        "--env=GREETING=hi -- sh -c 'echo $GREETING; exit 0'"
    )
    runner.run_line("kubectl run cmd --image=busybox:1.36 --command -- sleep 3600")
    once = runner.cluster.api.get("Pod", "default", "once")
    assert once["metadata"]["labels"] == {"app": "batch", "tier": "x"}
    assert once["spec"]["restartPolicy"] == "Never"
    container = once["spec"]["containers"][0]
    assert container["args"] == ["sh", "-c", "echo $GREETING; exit 0"]
    assert container["env"] == [{"name": "GREETING", "value": "hi"}]
    assert runner.cluster.api.get("Pod", "default", "cmd")["spec"]["containers"][0]["command"] == [
        "sleep",
        "3600",
    ]
    runner.run_line("sim advance 30s")
    assert runner.run_line("kubectl get pod once").split()[-3:-1] == ["Completed", "0"]
    assert runner.run_line("kubectl logs once") == "hi"


def test_mistakes_are_reported_as_kubectl_reports_them():
    runner = session()
    cases = {
        "kubectl run x": 'error: required flag(s) "image" not set',
        "kubectl run --image=nginx": (
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples"
        ),
        "kubectl run x --image=NGINX": 'error: Invalid image name "NGINX": invalid reference format',
        "kubectl run x --image=nginx --restart=Sometimes": "error: invalid restart policy: Sometimes",
        "kubectl run x --image=nginx --env=1X=y": "error: invalid env: 1X=y",
        "kubectl run x --image=nginx --labels=a=b=c": "error: unexpected label spec: a=b=c",
        "kubectl run x --image=nginx --labels==b": "error: unexpected empty label key",
        "kubectl run x --image=nginx --port=http": (
            'error: strconv.Atoi: parsing "http": invalid syntax'
        ),
    }
    for line, expected in cases.items():
        assert runner.run_line(line) == expected, line
    assert runner.run_line("kubectl run Bad --image=nginx").startswith(
        'The Pod "Bad" is invalid: \n* metadata.name: Invalid value: "Bad"'
    )
    assert "does not simulate" in runner.run_line("kubectl run x --image=busybox -it")
    assert runner.cluster.store.list("Pod", "default") == []


def test_json_output_of_a_server_dry_run_is_the_defaulted_pod():
    runner = session()
    out = runner.run_line("kubectl run web --image=nginx --dry-run=server -o yaml")
    pod = yaml.safe_load(out)
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    assert pod["spec"]["terminationGracePeriodSeconds"] == 30
    assert runner.cluster.store.list("Pod", "default") == []


def test_logs_of_a_container_whose_image_cannot_be_pulled():
    """The kubelet's validateContainerLogStatus (pkg/kubelet/kubelet_pods.go) words the two
    pull failures itself; other waiting reasons are given as they are."""
    runner = session()
    runner.run_line("kubectl run typo --image=ngnix")
    assert runner.run_line("kubectl logs typo") == (
        'Error from server (BadRequest): container "typo" in pod "typo" is waiting to start: '
        "ContainerCreating"
    )
    runner.run_line("sim advance 5s")
    assert runner.run_line("kubectl logs typo").endswith(
        "is waiting to start: image can't be pulled"
    )
    runner.run_line("sim advance 1m")
    assert runner.run_line("kubectl logs typo").endswith(
        "is waiting to start: trying and failing to pull image"
    )


def test_a_server_dry_run_changes_no_later_name():
    def names(dry_run_first: bool) -> list[str]:
        runner = session()
        if dry_run_first:
            runner.run_line("kubectl run probe --image=nginx --dry-run=server")
        runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
        return sorted(p["metadata"]["name"] for p in runner.cluster.store.list("Pod", "default"))

    assert names(True) == names(False)
