"""Fidelity of kubectl verbs: node maintenance, labels and annotations, apply and delete -f,
the output formats of `get`, `create deployment`, and kubectl's own error wording.

Strings marked "kubectl v1.32.4" were captured from the real client (`/usr/bin/kubectl`,
client-side only: `--dry-run=client`, flag and parse errors), so they are exactly what a
learner's kubectl prints. Each test names the kubernetes.io page it follows.
"""

import json

import pytest
import yaml

from cluster_sim.engine import podutil
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

WEB_APP = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: {image}
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
"""

BARE_POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\nspec:\n  nodeName: node-1\n"
    "  containers:\n  - name: app\n    image: nginx:1.25\n"
)


def session(nodes=2, seed=0):
    runner = ScriptRunner(Cluster(seed=seed))
    for index in range(1, nodes + 1):
        runner.run_line(f"sim node add node-{index}")
    return runner


def live_pods(runner, namespace="default"):
    return [p for p in runner.cluster.store.list("Pod", namespace) if podutil.is_active(p)]


# --- node maintenance ---------------------------------------------------------------------


def test_drain_refuses_bare_pods_without_force():
    """kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/ and
    reference/kubectl/generated/kubectl_drain: drain cordons, then refuses to delete a pod no
    controller would recreate unless --force; --ignore-daemonsets is accepted."""
    runner = session()
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    runner.run_line("kubectl apply -f -", BARE_POD)
    runner.run_line("sim advance 20s")
    refused = runner.run_line("kubectl drain node-1 --ignore-daemonsets")
    assert refused.splitlines() == [
        "node/node-1 cordoned",
        'error: unable to drain node "node-1" due to error: cannot delete Pods that declare no '
        "controller (use --force to override): default/bare, continuing command...",
        "There are pending nodes to be drained:",
        " node-1",
        "cannot delete Pods that declare no controller (use --force to override): default/bare",
    ]
    cluster = runner.cluster
    assert cluster.api.get("Node", "", "node-1")["spec"]["unschedulable"] is True
    assert cluster.api.find("Pod", "default", "bare") is not None  # nothing was evicted

    on_node_1 = [
        p["metadata"]["name"] for p in live_pods(runner) if p["spec"]["nodeName"] == "node-1"
    ]
    drained = runner.run_line("kubectl drain node-1 --ignore-daemonsets --force").splitlines()
    assert drained[0] == "node/node-1 already cordoned"
    assert drained[1] == "Warning: deleting Pods that declare no controller: default/bare"
    assert drained[-1] == "node/node-1 drained"
    for name in on_node_1:
        assert f"evicting pod default/{name}" in drained
        assert f"pod/{name} evicted" in drained
        assert cluster.api.find("Pod", "default", name) is None  # drain waits until they are gone
    runner.run_line("sim advance 20s")
    survivors = live_pods(runner)
    assert len(survivors) == 2 and all(p["spec"]["nodeName"] == "node-2" for p in survivors)
    assert "node-1   Ready,SchedulingDisabled" in runner.run_line("kubectl get nodes")


def test_cordon_and_uncordon_are_idempotent():
    """kubernetes.io/docs/reference/kubectl/generated/kubectl_cordon/ (and _uncordon):
    a second call says `already cordoned` / `already uncordoned` and changes nothing."""
    runner = session(nodes=1)
    assert runner.run_line("kubectl cordon node-1") == "node/node-1 cordoned"
    node = runner.cluster.api.get("Node", "", "node-1")
    assert {"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable"}.items() <= (
        node["spec"]["taints"][0].items()
    )
    assert runner.run_line("kubectl cordon node-1") == "node/node-1 already cordoned"
    assert runner.run_line("kubectl uncordon node-1") == "node/node-1 uncordoned"
    assert runner.run_line("kubectl uncordon node-1") == "node/node-1 already uncordoned"
    node = runner.cluster.api.get("Node", "", "node-1")
    assert "unschedulable" not in node["spec"] and "taints" not in node["spec"]
    assert (
        runner.run_line("kubectl cordon ghost")
        == 'Error from server (NotFound): nodes "ghost" not found'
    )


# --- labels and annotations ---------------------------------------------------------------


def test_label_add_overwrite_and_remove():
    """kubernetes.io/docs/concepts/overview/working-with-objects/labels/ and
    reference/kubectl/generated/kubectl_label: an existing key is refused without
    --overwrite (even with the same value); `key-` removes; wording from label.go."""
    runner = session(nodes=1)
    label = runner.run_line
    assert label("kubectl label node node-1 disktype=ssd") == "node/node-1 labeled"
    assert label("kubectl label node node-1 disktype=ssd") == (
        "error: 'disktype' already has a value (ssd), and --overwrite is false"
    )
    assert label("kubectl label node node-1 disktype=hdd") == (
        "error: 'disktype' already has a value (ssd), and --overwrite is false"
    )
    assert label("kubectl label node node-1 disktype=hdd --overwrite") == "node/node-1 labeled"
    assert label("kubectl label node node-1 disktype=hdd --overwrite") == "node/node-1 not labeled"
    assert "node-1" in label("kubectl get nodes -l disktype=hdd")
    assert label("kubectl label node node-1 disktype-") == "node/node-1 unlabeled"
    assert label("kubectl label node node-1 disktype-") == (
        'label "disktype" not found.\nnode/node-1 not labeled'
    )
    assert "disktype" not in runner.cluster.api.get("Node", "", "node-1")["metadata"]["labels"]
    assert label("kubectl label node node-1") == "error: at least one label update is required"
    assert label("kubectl label node node-1 a=b c-") == 'label "c" not found.\nnode/node-1 labeled'
    assert label("kubectl label node node-1 'x=a b'").startswith(
        'error: invalid label value: "x=a b": a valid label must be an empty string'
    )


def test_label_by_selector():
    """kubernetes.io/docs/reference/kubectl/generated/kubectl_label: `-l` picks the objects."""
    runner = session(nodes=1)
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    runner.run_line("kubectl create deployment api --image=nginx:1.25")
    out = runner.run_line("kubectl label pods -l app=web tier=frontend")
    web = sorted(
        p["metadata"]["name"] for p in live_pods(runner) if p["metadata"]["labels"]["app"] == "web"
    )
    assert out.splitlines() == [f"pod/{name} labeled" for name in web]
    assert runner.run_line("kubectl get pods -l tier=frontend -o name").splitlines() == [
        f"pod/{name}" for name in web
    ]
    assert runner.run_line("kubectl label pods tier=x") == (
        "error: resource(s) were provided, but no name was specified"
    )


def test_annotate_and_change_cause():
    """kubernetes.io/docs/reference/kubectl/generated/kubectl_annotate/: annotate.go refuses
    to overwrite without --overwrite, except kubernetes.io/change-cause."""
    runner = session(nodes=1)
    runner.run_line("kubectl create deployment web --image=nginx:1.25")
    run = runner.run_line
    assert run("kubectl annotate deployment web owner=team-a") == "deployment.apps/web annotated"
    assert run("kubectl annotate deployment web owner=team-b") == (
        "error: --overwrite is false but found the following declared annotation(s): "
        "'owner' already has a value (team-a)"
    )
    assert run("kubectl annotate deployment web owner=team-b --overwrite") == (
        "deployment.apps/web annotated"
    )
    run("kubectl annotate deployment web kubernetes.io/change-cause=one")
    assert run("kubectl annotate deployment web kubernetes.io/change-cause=two") == (
        "deployment.apps/web annotated"
    )
    annotations = runner.cluster.api.get("Deployment", "default", "web")["metadata"]["annotations"]
    assert annotations["owner"] == "team-b"
    assert annotations["kubernetes.io/change-cause"] == "two"
    assert run("kubectl annotate deployment web owner-") == "deployment.apps/web annotated"
    assert (
        "owner"
        not in runner.cluster.api.get("Deployment", "default", "web")["metadata"]["annotations"]
    )


# --- apply and delete -f ------------------------------------------------------------------


def test_apply_multi_document_three_way_merge_and_delete():
    """kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/: apply creates,
    then says unchanged or configured; a field the manifest never set (replicas changed by
    `kubectl scale`) survives; `kubectl delete -f` removes what the file lists."""
    runner = session()
    first = WEB_APP.format(image="nginx:1.25")
    assert runner.run_line("kubectl apply -f -", first) == (
        "deployment.apps/web created\nservice/web created"
    )
    assert runner.run_line("kubectl apply -f -", first) == (
        "deployment.apps/web unchanged\nservice/web unchanged"
    )
    assert (
        runner.run_line("kubectl scale deployment web --replicas=3") == "deployment.apps/web scaled"
    )
    assert runner.run_line("kubectl apply -f -", first) == (
        "deployment.apps/web unchanged\nservice/web unchanged"
    )
    second = WEB_APP.format(image="nginx:1.26")
    assert runner.run_line("kubectl apply -f -", second) == (
        "deployment.apps/web configured\nservice/web unchanged"
    )
    deployment = runner.cluster.api.get("Deployment", "default", "web")
    assert deployment["spec"]["replicas"] == 3
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    runner.run_line("kubectl rollout status deployment/web")
    assert len(live_pods(runner)) == 3

    assert runner.run_line("kubectl delete -f -", second) == (
        'deployment.apps "web" deleted from default namespace\nservice "web" deleted from default namespace'
    )
    assert runner.cluster.api.find("Deployment", "default", "web") is None
    assert runner.cluster.api.find("Service", "default", "web") is None
    runner.run_line("sim advance 40s")
    assert runner.cluster.store.list("Pod", "default") == []
    # cmdutil.AddSourceToErr names where the object came from
    assert runner.run_line("kubectl delete -f -", second) == (
        'Error from server (NotFound): error when deleting "STDIN": deployments.apps "web" not found\n'
        'Error from server (NotFound): error when deleting "STDIN": services "web" not found'
    )


def test_reapplying_a_pod_keeps_what_the_server_added():
    """kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/#merging-changes-to-primitive-fields
    and #merge-patch-merging-lists-of-primitives: containers merge by name (a strategic merge
    patch), so the service-account token mount the API server added is kept and an identical
    manifest is `unchanged`."""
    runner = session(nodes=1)
    manifest = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n"
        "    image: nginx:1.25\n    ports:\n    - containerPort: 80\n"
    )
    assert runner.run_line("kubectl apply -f -", manifest) == "pod/p created"
    assert runner.run_line("kubectl apply -f -", manifest) == "pod/p unchanged"
    container = runner.cluster.api.get("Pod", "default", "p")["spec"]["containers"][0]
    assert (
        container["volumeMounts"][0]["mountPath"] == "/var/run/secrets/kubernetes.io/serviceaccount"
    )
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_dry_run_changes_nothing():
    """kubernetes.io/docs/reference/kubectl/conventions/ (--dry-run=client): the object is only
    printed, with `(dry run)` after the operation; apply still tells created from configured."""
    runner = session(nodes=1)
    version = runner.cluster.resource_version
    assert runner.run_line(
        "kubectl apply -f - --dry-run=client", WEB_APP.format(image="nginx")
    ) == ("deployment.apps/web created (dry run)\nservice/web created (dry run)")
    assert runner.run_line("kubectl create deployment api --image=nginx --dry-run=client") == (
        "deployment.apps/api created (dry run)"
    )
    assert runner.run_line("kubectl create namespace team-a --dry-run=server") == (
        "namespace/team-a created (server dry run)"
    )
    assert runner.cluster.resource_version == version
    runner.run_line("kubectl apply -f -", WEB_APP.format(image="nginx"))
    assert runner.run_line(
        "kubectl apply -f - --dry-run=client", WEB_APP.format(image="redis")
    ) == ("deployment.apps/web configured (dry run)\nservice/web unchanged (dry run)")
    image = runner.cluster.api.get("Deployment", "default", "web")["spec"]["template"]["spec"][
        "containers"
    ][0]["image"]
    assert image == "nginx"
    assert runner.run_line("kubectl label deployment web a=b --dry-run=client") == (
        "deployment.apps/web labeled (dry run)"
    )
    assert "a" not in runner.cluster.api.get("Deployment", "default", "web")["metadata"]["labels"]
    runner.run_line("sim advance 20s")
    version = runner.cluster.resource_version
    [pod] = live_pods(runner)
    name = pod["metadata"]["name"]
    for command, expected in [
        (
            "kubectl delete deployment web --dry-run=client",
            'deployment.apps "web" deleted from default namespace (dry run)',
        ),
        (
            f"kubectl delete pod {name} --dry-run=server",
            f'pod "{name}" deleted from default namespace (server dry run)',
        ),
        (
            "kubectl scale deployment web --replicas=3 --dry-run=client",
            "deployment.apps/web scaled (dry run)",
        ),
        (
            "kubectl set image deployment/web nginx=redis --dry-run=client",
            "deployment.apps/web image updated (dry run)",
        ),
        (  # kubectl v1.32.4: rollout restart and pause have no --dry-run flag
            "kubectl rollout restart deployment/web --dry-run=client",
            "error: unknown flag: --dry-run\nSee 'kubectl rollout restart --help' for usage.",
        ),
        (
            "kubectl rollout pause deployment/web --dry-run=client",
            "error: unknown flag: --dry-run\nSee 'kubectl rollout pause --help' for usage.",
        ),
        ("kubectl cordon node-1 --dry-run=client", "node/node-1 cordoned (dry run)"),
        (
            "kubectl drain node-1 --dry-run=client",
            f"node/node-1 cordoned (dry run)\nevicting pod default/{name} (dry run)\n"
            "node/node-1 drained (dry run)",
        ),
    ]:
        assert runner.run_line(command) == expected, command
    assert runner.cluster.resource_version == version
    assert live_pods(runner)[0]["metadata"]["name"] == name


# --- get ------------------------------------------------------------------------------------


def test_get_output_formats_selectors_and_namespaces():
    """kubernetes.io/docs/reference/kubectl/#output-options and
    concepts/overview/working-with-objects/labels/#label-selectors: one object prints as
    itself, several as a v1 List; -o name prints kind.group/name; -l, -A, --show-labels,
    --field-selector; `get all` lists pods, services, deployments and replica sets."""
    runner = session(nodes=1)
    runner.run_line("kubectl create namespace team-a")
    runner.run_line("kubectl apply -f -", WEB_APP.format(image="nginx:1.25"))
    runner.run_line("kubectl create deployment api --image=nginx:1.25 -n team-a")
    runner.run_line("sim advance 20s")
    get = runner.run_line

    single = yaml.safe_load(get("kubectl get deployment web -o yaml"))
    assert (single["kind"], single["metadata"]["name"]) == ("Deployment", "web")
    listed = json.loads(get("kubectl get deployments -A -o json"))
    assert (listed["apiVersion"], listed["kind"], listed["metadata"]) == (
        "v1",
        "List",
        {"resourceVersion": ""},
    )
    assert [item["metadata"]["name"] for item in listed["items"]] == ["web", "api"]
    assert get("kubectl get deployment,service -o name") == (
        "deployment.apps/web\nservice/kubernetes\nservice/web"
    )
    pod_names = get("kubectl get pods -o name").splitlines()
    assert len(pod_names) == 1 and pod_names[0].startswith("pod/web-")
    assert get("kubectl get pods -l app=api") == "No resources found in default namespace."
    everywhere = get("kubectl get pods -A -l 'app in (web,api)'").splitlines()
    assert everywhere[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [line.split()[0] for line in everywhere[1:]] == ["default", "team-a"]
    labels = get("kubectl get pods --show-labels").splitlines()
    assert labels[0].split()[-1] == "LABELS"
    assert labels[1].split()[-1].startswith("app=web,pod-template-hash=")
    assert get("kubectl get pods -l app!=web") == "No resources found in default namespace."
    assert get("kubectl get pods -A --field-selector metadata.namespace=team-a -o name").startswith(
        "pod/api-"
    )
    assert get("kubectl get pods --field-selector status.phase=Failed") == (
        "No resources found in default namespace."
    )
    assert get("kubectl get pods --field-selector spec.image=nginx") == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label '
        'selector "", field selector "spec.image=nginx": field label not supported: spec.image'
    )
    everything = get("kubectl get all")
    for heading in ("pod/web-", "service/web ", "deployment.apps/web ", "replicaset.apps/web-"):
        assert heading in everything
    assert "api" not in everything
    names = get("kubectl get all -o name").splitlines()
    assert names[0].startswith("pod/web-") and "deployment.apps/web" in names
    assert (
        get("kubectl get pod ghost -o yaml")
        == 'Error from server (NotFound): pods "ghost" not found'
    )


# --- create deployment against the real client ------------------------------------------

CLIENT_DEPLOYMENT_YAML = """apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.25
        name: nginx
        ports:
        - containerPort: 80
        resources: {}
status: {}"""

CLIENT_DEPLOYMENT_JSON = """{
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {
        "name": "web",
        "creationTimestamp": null,
        "labels": {
            "app": "web"
        }
    },
    "spec": {
        "replicas": 1,
        "selector": {
            "matchLabels": {
                "app": "web"
            }
        },
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "app": "web"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "busybox",
                        "image": "busybox:1.36",
                        "command": [
                            "sleep",
                            "3600"
                        ],
                        "resources": {}
                    }
                ]
            }
        },
        "strategy": {}
    },
    "status": {}
}"""

CLIENT_NAMESPACE_YAML = """apiVersion: v1
kind: Namespace
metadata:
  creationTimestamp: null
  name: team-a
spec: {}
status: {}"""


def _leaves(value, path=()):
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def test_create_deployment_builds_what_the_real_client_builds():
    """kubernetes.io/docs/reference/kubectl/generated/kubectl_create/kubectl_create_deployment/:
    the object (--dry-run=client -o yaml|json, kubectl v1.32.4 output) and, once created,
    every field the client set, as `kubectl get deployment web -o yaml` shows it."""
    runner = session(nodes=1)
    command = "kubectl create deployment web --image=nginx:1.25 --replicas=2 --port=80"
    assert runner.run_line(command + " --dry-run=client -o yaml") == CLIENT_DEPLOYMENT_YAML
    assert (
        runner.run_line(
            "kubectl create deployment web --image=busybox:1.36 --dry-run=client -o json -- sleep 3600"
        )
        == CLIENT_DEPLOYMENT_JSON
    )
    assert runner.run_line("kubectl create namespace team-a --dry-run=client -o yaml") == (
        CLIENT_NAMESPACE_YAML
    )
    assert runner.run_line(command) == "deployment.apps/web created"
    stored = yaml.safe_load(runner.run_line("kubectl get deployment web -o yaml"))
    client = yaml.safe_load(CLIENT_DEPLOYMENT_YAML)
    for path, value in _leaves(client):
        if path[-1] == "creationTimestamp" or path[0] == "status" or value == {}:
            continue
        stored_value = stored
        for part in path:
            stored_value = stored_value[part]
        assert stored_value == value, path
    containers = stored["spec"]["template"]["spec"]["containers"]
    assert containers[0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]

    runner.run_line("kubectl create deployment multi --image=nginx --image=redis:7")
    names = [
        c["name"]
        for c in runner.cluster.api.get("Deployment", "default", "multi")["spec"]["template"][
            "spec"
        ]["containers"]
    ]
    assert names == ["nginx", "redis"]
    runner.run_line("kubectl create deployment sleeper --image=busybox:1.36 -- sleep 3600")
    sleeper = runner.cluster.api.get("Deployment", "default", "sleeper")
    assert sleeper["spec"]["template"]["spec"]["containers"][0]["command"] == ["sleep", "3600"]


def test_create_deployment_wraps_server_errors():
    """create_deployment.go returns fmt.Errorf("failed to create deployment: %v", err) (kubectl
    v1.32.4 prints it so when the POST fails); a 422's text is the StatusError's own,
    `Deployment.apps "<name>" is invalid: ...`. `create namespace` returns the error as is."""
    runner = session(nodes=1)
    assert runner.run_line("kubectl create deployment web --image=nginx") == (
        "deployment.apps/web created"
    )
    assert runner.run_line("kubectl create deployment web --image=nginx") == (
        'error: failed to create deployment: deployments.apps "web" already exists'
    )
    assert runner.run_line("kubectl create deployment Bad_Name --image=nginx").startswith(
        'error: failed to create deployment: Deployment.apps "Bad_Name" is invalid: '
        'metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain'
    )
    assert runner.run_line("kubectl create namespace team-a") == "namespace/team-a created"
    assert runner.run_line("kubectl create namespace team-a") == (
        'Error from server (AlreadyExists): namespaces "team-a" already exists'
    )
    assert runner.cluster.api.find("Deployment", "default", "Bad_Name") is None


NO_RESOURCES = (
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n   '<resource>'"
)
# Captured from kubectl v1.32.4 (client-side errors: no server involved). Errors that cobra
# returns (flag parsing, unknown commands, required flags) reach kubectl's main(), which prints
# them through cmdutil.CheckErr with an `error: ` prefix (cmd/kubectl/kubectl.go,
# kubernetes PR #107044); the local client is a `-dispatcher` build whose own main() prints
# `Error: ` instead, so those lines were adjusted to upstream's.
REAL_CLIENT_ERRORS = {
    "kubectl get pods --bogus": "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.",
    "kubectl get pods -z": "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage.",
    "kubectl get pods -o": "error: flag needs an argument: 'o' in -o\nSee 'kubectl get --help' for usage.",
    "kubectl get pods --show-labels=maybe": (
        'error: invalid argument "maybe" for "--show-labels" flag: strconv.ParseBool: parsing '
        "\"maybe\": invalid syntax\nSee 'kubectl get --help' for usage."
    ),
    "kubectl get pods -o jsonx": (
        'error: unable to match a printer suitable for the output format "jsonx", allowed formats '
        "are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
        "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
    ),
    "kubectl scale deployment web --replicas=abc": (
        'error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": '
        "invalid syntax\nSee 'kubectl scale --help' for usage."
    ),
    "kubectl create deployment web --image=nginx -r abc": (
        'error: invalid argument "abc" for "-r, --replicas" flag: strconv.ParseInt: parsing '
        "\"abc\": invalid syntax\nSee 'kubectl create deployment --help' for usage."
    ),
    "kubectl create deployment web --image=nginx --port=abc": (
        'error: invalid argument "abc" for "--port" flag: strconv.ParseInt: parsing "abc": '
        "invalid syntax\nSee 'kubectl create deployment --help' for usage."
    ),
    "kubectl rollout undo deployment/web --to-revision=abc": (
        'error: invalid argument "abc" for "--to-revision" flag: strconv.ParseInt: parsing '
        "\"abc\": invalid syntax\nSee 'kubectl rollout undo --help' for usage."
    ),
    "kubectl rollout status deployment/web --timeout=bad": (
        'error: invalid argument "bad" for "--timeout" flag: time: invalid duration "bad"\n'
        "See 'kubectl rollout status --help' for usage."
    ),
    "kubectl logs web --tail=abc": (
        'error: invalid argument "abc" for "--tail" flag: strconv.ParseInt: parsing "abc": '
        "invalid syntax\nSee 'kubectl logs --help' for usage."
    ),
    "kubectl delete pod web --grace-period=abc": (
        'error: invalid argument "abc" for "--grace-period" flag: strconv.ParseInt: parsing '
        "\"abc\": invalid syntax\nSee 'kubectl delete --help' for usage."
    ),
    "kubectl create deployment --image=nginx": (
        "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help "
        "and examples"
    ),
    "kubectl create deployment a b --image=nginx": (
        "error: exactly one NAME is required, got 2\nSee 'kubectl create deployment -h' for help "
        "and examples"
    ),
    "kubectl create deployment web --image=nginx --image=redis -- sleep 1": (
        "error: cannot specify multiple --image options and command"
    ),
    "kubectl create deployment web --image=nginx --dry-run=bogus": (
        'error: Invalid dry-run value (bogus). Must be "none", "server", or "client".'
    ),
    "kubectl create deployment web --image=nginx --dry-run=client": (
        "deployment.apps/web created (dry run)"
    ),
    "kubectl create deployment web --image=nginx --dry-run=client -o name": "deployment.apps/web",
    "kubectl create namespace team-a --dry-run=client": "namespace/team-a created (dry run)",
    "kubectl apply": "error: must specify one of -f and -k",
    "kubectl get": (
        'You must specify the type of resource to get. Use "kubectl api-resources" for a '
        "complete list of supported resources.\n\nerror: Required resource not specified.\n"
        'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. '
        "kubectl explain pods).\nSee 'kubectl get -h' for help and examples"
    ),
    "kubectl delete": NO_RESOURCES,
    "kubectl scale --replicas=2": NO_RESOURCES,
    "kubectl set image": NO_RESOURCES,
    "kubectl describe": (
        'error: You must specify the type of resource to describe. Use "kubectl api-resources" '
        "for a complete list of supported resources."
    ),
    "kubectl rollout status": "error: required resource not specified",
    "kubectl rollout undo": "error: required resource not specified",
    "kubectl cordon": "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples",
    "kubectl drain": "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples",
    "kubectl logs": (
        "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is "
        "a required argument for the logs command\nSee 'kubectl logs -h' for help and examples"
    ),
    "kubectl apply -f nothere.yaml": 'error: the path "nothere.yaml" does not exist',
    "kubectl create --validate=bogus": (
        'error: invalid - validate option "bogus"; must be one of: strict (or true), warn, ignore '
        "(or false)"
    ),
    "kubectl apply --validate=bogus": "error: must specify one of -f and -k",
    # kubectl's plugin handler sees a line cobra cannot place first, and prints its own error
    "kubectl --show-labels get pods": (
        "Error: flags cannot be placed before plugin name: --show-labels"
    ),
    "kubectl help --foo": "error: unknown flag: --foo\nSee 'kubectl help --help' for usage.",
    "kubectl create deployment web --image='\"a\"b' --dry-run=client": (
        'error: invalid argument "\\"a\\"b" for "--image" flag: parse error on line 1, column 3: '
        "extraneous or missing \" in quoted-field\nSee 'kubectl create deployment --help' for usage."
    ),
    # cobra's suggestions, subcommand errors of parent commands, cli-runtime builder errors
    # and each command's own checks; all before any request (kubectl v1.32.4)
    "kubectl get pods -Az": "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage.",
    "kubectl get ---x": "error: bad flag syntax: ---x\nSee 'kubectl get --help' for usage.",
    "kubectl foo": 'error: unknown command "foo" for "kubectl"\n\nDid you mean this?\n\ttop',
    "kubectl list": 'error: unknown command "list" for "kubectl"\n\nDid you mean this?\n\tget\n\twait',
    "kubectl rollout foo deployment/web": "error: unknown command \"foo deployment/web\"\nSee 'kubectl rollout -h' for help and examples",
    "kubectl set foo": "error: unknown command \"foo\"\nSee 'kubectl set -h' for help and examples",
    "kubectl top foo": "error: unknown command \"foo\"\nSee 'kubectl top -h' for help and examples",
    "kubectl top pod a b": "error: pod [NAME | -l label]\nSee 'kubectl top pod -h' for help and examples",
    "kubectl create foo": "error: Unexpected args: [foo]\nSee 'kubectl create -h' for help and examples",
    "kubectl create foo -f dir2": "error: Unexpected args: [foo]\nSee 'kubectl create -h' for help and examples",
    "kubectl apply foo": "error: Unexpected args: [foo]\nSee 'kubectl apply -h' for help and examples",
    "kubectl create deployment web --image=nginx --dry-run=client -o wide": 'error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml',
    "kubectl create deployment web --image='a,\"b' --dry-run=client": 'error: invalid argument "a,\\"b" for "--image" flag: parse error on line 1, column 5: extraneous or missing " in quoted-field\nSee \'kubectl create deployment --help\' for usage.',
    "kubectl create deployment web --image=nginx --replicas=2147483648 --dry-run=client": 'error: invalid argument "2147483648" for "-r, --replicas" flag: strconv.ParseInt: parsing "2147483648": value out of range\nSee \'kubectl create deployment --help\' for usage.',
    "kubectl create deployment web --image=nginx --record --dry-run=client": "error: unknown flag: --record\nSee 'kubectl create deployment --help' for usage.",
    "kubectl delete --cascade=bogus": 'error: invalid cascade value (bogus). Must be "background", "foreground", or "orphan"',
    "kubectl delete pods x --now --grace-period=3": "error: --now and --grace-period cannot be specified together",
    "kubectl delete pods --all -l a=b": "error: setting 'all' parameter but found a non empty selector. ",
    "kubectl delete pods -l a=b x": "error: name cannot be provided when a selector is specified",
    "kubectl delete pods/x -l a=b": "error: selectors and the all flag cannot be used when passing resource/name arguments",
    "kubectl delete -l a=b": "error: at least one resource must be specified to use a selector",
    "kubectl delete pod/x/y": "error: arguments in resource/name form may not have more than one slash",
    "kubectl delete pods, x": "error: arguments in resource/name form must have a single resource and name",
    "kubectl delete pod x -f dir2": "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well",
    "kubectl delete pod/x -f dir2": "error: resource/name arguments cannot be provided when a path is specified",
    "kubectl get pods x -f dir2": "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well",
    "kubectl scale --replicas=2 deployment web -l a=b": "error: name cannot be provided when a selector is specified",
    "kubectl logs a b c": "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples",
    "kubectl logs --since=5": 'error: invalid argument "5" for "--since" flag: time: missing unit in duration "5"\nSee \'kubectl logs --help\' for usage.',
    "kubectl logs --since=5x": 'error: invalid argument "5x" for "--since" flag: time: unknown unit "x" in duration "5x"\nSee \'kubectl logs --help\' for usage.',
    "kubectl cordon a -l x=y": "error: cannot specify both a node name and a --selector option\nSee 'kubectl cordon -h' for help and examples",
    "kubectl label pods x y a=b -l c=d": "error: name cannot be provided when a selector is specified",
    "kubectl label pods --all a=b -l c=d": "error: cannot set --all and --selector at the same time",
    "kubectl label --record=maybe": 'error: invalid argument "maybe" for "--record" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee \'kubectl label --help\' for usage.',
    "kubectl set image deployment/web nginx": "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
    "kubectl rollout restart deployment/web --dry-run=client": "error: unknown flag: --dry-run\nSee 'kubectl rollout restart --help' for usage.",
}


@pytest.mark.parametrize("command", sorted(REAL_CLIENT_ERRORS))
def test_flag_errors_match_the_real_client(command):
    """kubectl v1.32.4's own wording (pflag and cobra errors, printed before any request)."""
    assert ScriptRunner().run_line(command) == REAL_CLIENT_ERRORS[command]


# Captured from kubectl v1.32.4: `printf '<manifest>' | kubectl apply -f - --dry-run=client`.
REAL_CLIENT_PARSE_ERRORS = {
    "a: [\n": (
        "error: error parsing STDIN: error converting YAML to JSON: yaml: line 1: did not find "
        "expected node content"
    ),
    "": "error: no objects passed to apply",
    "---\n---\n": "error: no objects passed to apply",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: 1\n": (
        "error: error parsing STDIN: error converting YAML to JSON: yaml: line 5: mapping values "
        "are not allowed in this context"
    ),
    "kind: Pod\nmetadata:\n  name: x\n": (
        'error: error validating "STDIN": error validating data: apiVersion not set; if you '
        "choose to ignore these errors, turn validation off with --validate=false"
    ),
    "apiVersion: v1\nmetadata:\n  name: x\n": (
        'error: error validating "STDIN": error validating data: kind not set; if you choose to '
        "ignore these errors, turn validation off with --validate=false"
    ),
}


@pytest.mark.parametrize("manifest", sorted(REAL_CLIENT_PARSE_ERRORS))
def test_manifest_parse_errors_match_the_real_client(manifest):
    """kubectl v1.32.4's wording for manifests it cannot decode or that lack apiVersion/kind."""
    runner = ScriptRunner()
    for command in ("kubectl apply -f -", "kubectl apply -f - --dry-run=client"):
        assert runner.run_line(command, manifest) == REAL_CLIENT_PARSE_ERRORS[manifest]


def test_bad_flag_values_never_stop_a_script():
    """README: the runner carries on after a failing command. Integer flags that do not parse
    used to raise inside the engine and end the whole script."""
    script = (
        "sim node add node-1\n"
        "kubectl create deployment web --image=nginx --replicas=abc\n"
        "kubectl create deployment web --image=nginx --replicas=2\n"
        "kubectl rollout undo deployment/web --to-revision=x\n"
        "kubectl logs deploy/web --tail=many\n"
        "kubectl delete pod web --grace-period=soon\n"
        "kubectl rollout history deployment/web --revision=two\n"
        "sim node add node-2 --gpus many\n"
        "sim node add node-2 --memory lots\n"
        "sim request web --count x\n"
        "sim advance 20s\n"
        "kubectl get deployment web\n"
    )
    out = ScriptRunner(Cluster(seed=0)).run(script)
    assert out.count("error: invalid argument") == 5
    assert 'error: invalid value "many" for --gpus: must be a whole number' in out
    assert 'error: invalid value "lots" for --memory: quantities must match' in out
    assert 'error: invalid value "x" for --count: must be a whole number' in out
    assert "web    2/2     2            2           20s" in out
    assert out.rstrip().endswith("20s")


def test_parent_commands_and_help_print_the_real_help_text():
    """kubectl v1.32.4: a bare `kubectl rollout` (DefaultSubCommandRun), `--help` and `-h`
    print the command's help; unknown commands get cobra's suggestions (SuggestionsFor)."""
    runner = ScriptRunner()
    rollout = runner.run_line("kubectl rollout")
    assert rollout.startswith("Manage the rollout of one or many resources.\n")
    assert "  undo          Undo a previous rollout\n" in rollout
    assert rollout.endswith(
        'Use "kubectl options" for a list of global command-line options (applies to all commands).'
    )
    get_help = runner.run_line("kubectl get --help")
    assert get_help.startswith("Display one or many resources.\n")
    assert "    --field-selector='':\n" in get_help
    assert runner.run_line("kubectl get pods -h") == get_help
    assert runner.run_line("kubectl help get") == get_help
    assert runner.run_line("kubectl de") == (
        'error: unknown command "de" for "kubectl"\n\nDid you mean this?\n'
        "\tset\n\tget\n\tdelete\n\tdescribe\n\tcp\n\tdebug"
    )
    # kubectl commands the simulation does not have, and flags it does not act on, say so
    assert runner.run_line("kubectl attach web") == (
        'error: ClusterLab does not simulate "kubectl attach" yet'
    )
    assert runner.run_line("kubectl get pods -L app") == (
        'error: ClusterLab does not simulate "kubectl get --label-columns" yet'
    )
    assert (
        runner.run_line("kubectl get pods -w=false") == "No resources found in default namespace."
    )
    assert runner.run_line("kubectl label pods web a=b --record") == (
        "Flag --record has been deprecated, --record will be removed in the future\n"
        'Error from server (NotFound): pods "web" not found'
    )


ALL_KINDS_ERRORS = [
    ("/v1", "replicationcontrollers", "field label not supported: spec.nodeName"),
    ("/v1", "services", "field label not supported: spec.nodeName"),
    *(
        (
            "apps/v1",
            plural,
            '"spec.nodeName" is not a known field selector: only "metadata.name", '
            '"metadata.namespace"',
        )
        for plural in ("daemonsets", "deployments", "replicasets", "statefulsets")
    ),
    (
        "autoscaling/v2",
        "horizontalpodautoscalers",
        '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ),
    (
        "batch/v1",
        "cronjobs",
        '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ),
    ("batch/v1", "jobs", 'field label "spec.nodeName" not supported for Job'),
]


def test_get_all_applies_the_field_selector():
    """kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/: `get all`
    lists every kind of the `all` category with the same field selector. Kinds whose API does
    not know the field answer BadRequest (pkg/apis/core/v1 and batch/v1 conversion.go; other
    kinds runtime.DefaultMetaV1FieldSelectorConversion); the other kinds still print, and the
    errors follow, one per kind, as CheckErr prints an aggregate."""
    runner = session(nodes=2)
    runner.run_line("kubectl apply -f -", WEB_APP.format(image="nginx:1.25"))
    runner.run_line("kubectl scale deployment web --replicas=4")
    runner.run_line("sim advance 20s")
    on_node_1 = sorted(
        p["metadata"]["name"] for p in live_pods(runner) if p["spec"]["nodeName"] == "node-1"
    )
    assert on_node_1 and len(on_node_1) < 4
    out = runner.run_line("kubectl get all --field-selector spec.nodeName=node-1").splitlines()
    assert out[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [line.split()[0] for line in out[1 : 1 + len(on_node_1)]] == [
        f"pod/{name}" for name in on_node_1
    ]
    assert out[1 + len(on_node_1) :] == [
        f'Error from server (BadRequest): Unable to find "{group}, Resource={plural}" that match '
        f'label selector "", field selector "spec.nodeName=node-1": {reason}'
        for group, plural, reason in ALL_KINDS_ERRORS
    ]
    # a field every kind knows: only the objects with that name, of every kind
    named = runner.run_line("kubectl get all --field-selector metadata.name=web -o name")
    assert named.splitlines() == ["service/web", "deployment.apps/web"]
    assert (
        runner.run_line("kubectl get all --field-selector metadata.name!=web -o name").count(
            "pod/web-"
        )
        == 4
    )
    assert runner.run_line("kubectl get all --field-selector metadata.name=nothing") == (
        "No resources found in default namespace."
    )
    mixed = runner.run_line("kubectl get pods,deployments --field-selector status.phase=Running")
    assert mixed.splitlines()[-1] == (
        'Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that '
        'match label selector "", field selector "status.phase=Running": "status.phase" is not '
        'a known field selector: only "metadata.name", "metadata.namespace"'
    )
    assert mixed.count("pod/web-") == 4


def test_field_selectors_each_kind_supports():
    """The field labels each kind's API accepts: Nodes and Namespaces do not take
    metadata.namespace; Services take spec.type and spec.clusterIP (Kubernetes 1.30);
    apps/v1 ReplicaSets refuse status.replicas (kubernetes/kubernetes#135136); terms are
    parsed with fields.ParseSelector's escapes."""
    runner = session(nodes=1)
    get = runner.run_line
    assert get("kubectl get nodes --field-selector metadata.namespace=default") == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=nodes" that match label '
        'selector "", field selector "metadata.namespace=default": field label not supported: '
        "metadata.namespace"
    )
    assert get("kubectl get nodes --field-selector spec.unschedulable=false -o name") == (
        "node/node-1"
    )
    assert get("kubectl get svc --field-selector spec.type=ClusterIP -o name") == (
        "service/kubernetes"
    )
    assert get("kubectl get rs --field-selector status.replicas=0").endswith(
        '"status.replicas" is not a known field selector: only "metadata.name", '
        '"metadata.namespace"'
    )
    assert get("kubectl get pods --field-selector a=b=c").endswith(
        "invalid field selector: unescaped character in value: 61"
    )
    assert get("kubectl get pods --field-selector 'status.phase=Run\\,ning'") == (
        "No resources found in default namespace."
    )
    assert get("kubectl get pods web --field-selector status.phase=Running") == (
        "error: name cannot be provided when a selector is specified"
    )
    assert get("kubectl get pods web -A") == (
        "error: a resource cannot be retrieved by name across all namespaces"
    )


MANIFESTS = {
    "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    "b.yaml": "a: [\n",
    "c.yaml": "kind: Pod\nmetadata:\n  name: x\n",
    "d.yml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n---\napiVersion: v1\n"
        "kind: Widget\nmetadata:\n  name: w\n---\napiVersion: v1\nkind: ConfigMap\n"
        "metadata:\n  name: d2\n"
    ),
    "e.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "e"}}',
    "notes.txt": "not a manifest\n",
    "sub/s.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n",
}
DIR_ERRORS = [
    "error parsing dir/b.yaml: error converting YAML to JSON: yaml: line 1: did not find "
    "expected node content",
    'error validating "dir/c.yaml": error validating data: apiVersion not set; if you choose to '
    "ignore these errors, turn validation off with --validate=false",
    'resource mapping not found for name: "w" namespace: "" from "dir/d.yml": no matches for kind '
    '"Widget" in version "v1"',
    "ensure CRDs are installed first",
]


def test_apply_directory_names_each_file(tmp_path):
    """kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/ (kubectl apply -f
    DIR): each .json, .yaml and .yml file is read in name order and reported under its own
    name (`dir/b.yaml`); a file's error ends that file only and every other object is applied.
    Captured from kubectl v1.32.4: one error is printed `error: ...`, several one per line
    without the prefix (cmdutil.CheckErr, MultipleErrors); an empty directory is refused."""
    for name, text in MANIFESTS.items():
        (tmp_path / "dir" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "dir" / name).write_text(text)
    (tmp_path / "empty").mkdir()
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "bad.yaml").write_text("a: [\n")
    runner = ScriptRunner(Cluster(seed=0), base_dir=tmp_path)
    assert runner.run_line("kubectl apply -f dir").splitlines() == [
        "configmap/a created",
        "configmap/d created",
        "configmap/d2 created",
        "configmap/e created",
        *DIR_ERRORS,
    ]
    assert runner.run_line("kubectl apply -f dir/ -R").splitlines()[4] == "configmap/s created"
    assert runner.run_line("kubectl apply -f one") == (
        "error: error parsing one/bad.yaml: error converting YAML to JSON: yaml: line 1: did not "
        "find expected node content"
    )
    assert runner.run_line("kubectl apply -f empty") == (
        "error: error reading [empty]: recognized file extensions are [.json .yaml .yml]"
    )
    assert runner.run_line("kubectl apply -f dir/a.yaml -f missing.yaml") == (
        'error: the path "missing.yaml" does not exist'
    )
    # create visits and creates object by object; its own failures come first, then the
    # files' errors as one aggregate (ContinueOnErrorVisitor), printed as Go joins it
    created = runner.run_line("kubectl create -f dir").splitlines()
    assert created[0] == (
        'Error from server (AlreadyExists): error when creating "dir/a.yaml": configmaps "a" '
        "already exists"
    )
    assert created[4].startswith("[error parsing dir/b.yaml: ")
    deleted = runner.run_line("kubectl delete -f dir").splitlines()
    assert deleted == [
        'configmap "a" deleted from default namespace',
        'configmap "d" deleted from default namespace',
        'configmap "d2" deleted from default namespace',
        'configmap "e" deleted from default namespace',
        *DIR_ERRORS,
    ]
    assert runner.cluster.api.find("ConfigMap", "default", "s") is not None  # not without -R


def test_manifests_kubectl_cannot_decode_never_stop_a_script():
    """kubectl v1.32.4 (`printf ... | kubectl apply -f - --validate=false`): a metadata that
    is not an object, or a name that is not a string, is `unable to decode "STDIN"`; these
    used to raise inside the runner (KeyError/TypeError), as did a Node without a spec."""
    runner = session(nodes=1)
    for manifest, expected in [
        (
            "apiVersion: v1\nkind: Pod\nmetadata: 5\n",
            'error: unable to decode "STDIN": json: cannot unmarshal number into Go struct field '
            "metadataOnlyObject.metadata of type v1.ObjectMeta",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [1]\n",
            'error: unable to decode "STDIN": json: cannot unmarshal array into Go struct field '
            "ObjectMeta.metadata.name of type string",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: {a: 1}\n",
            'error: unable to decode "STDIN": json: cannot unmarshal number into Go struct field '
            "ObjectMeta.metadata.labels of type string",
        ),
    ]:
        for command in ("kubectl apply -f -", "kubectl apply -f - --dry-run=client"):
            assert runner.run_line(command, manifest) == expected, (command, manifest)
        assert runner.run_line("kubectl delete -f -", manifest) == expected
    assert runner.run_line(
        "kubectl apply -f - --dry-run=client", "apiVersion: v1\nkind: Pod\n"
    ) == (
        'error: error when retrieving current configuration of:\nResource: "/v1, Resource=pods", '
        'GroupVersionKind: "/v1, Kind=Pod"\nName: "", Namespace: "default"\nfrom server for: '
        '"STDIN": resource name may not be empty'
    )
    node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-x\n"  # no spec, no status
    assert runner.run_line("kubectl apply -f -", node) == "node/node-x created"
    assert runner.run_line("kubectl get node node-x -o name") == "node/node-x"


MULTI_CONTAINER_POD = """apiVersion: v1
kind: Pod
metadata:
  name: multi
spec:
  nodeName: node-1
  initContainers:
  - name: setup
    image: busybox:1.36
    command: ["sh", "-c", "echo init done"]
  containers:
  - name: app
    image: nginx:1.25
  - name: sidecar
    image: busybox:1.36
    command: ["sh", "-c", "echo sidecar up; sleep 3600"]
  volumes:
  - name: scratch
    emptyDir: {}
"""


def test_logs_choose_a_container_and_a_pod_as_kubectl_does():
    """kubernetes.io/docs/reference/kubectl/generated/kubectl_logs/: without -c kubectl takes
    the first container and says so on stderr (logsforobject.go, podcmd.AllContainerNames
    marks init containers); a container the pod lacks is the API server's BadRequest; for a
    deployment it picks one pod and says how many it found (GetFirstPod)."""
    runner = session(nodes=1)
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    runner.run_line("kubectl apply -f -", MULTI_CONTAINER_POD)
    runner.run_line("sim advance 30s")
    first = runner.run_line("kubectl logs multi").splitlines()
    assert first[0] == 'Defaulted container "app" out of: app, sidecar, setup (init)'
    assert runner.run_line("kubectl logs multi sidecar") == "sidecar up"
    assert runner.run_line("kubectl logs multi -c sidecar") == "sidecar up"
    assert runner.run_line("kubectl logs -f multi -c sidecar") == "sidecar up"
    assert runner.run_line("kubectl logs multi -c bogus") == (
        "Error from server (BadRequest): container bogus is not valid for pod multi"
    )
    assert runner.run_line("kubectl logs multi sidecar -c app") == (
        "error: only one of -c or an inline [CONTAINER] arg is allowed"
    )
    assert runner.run_line("kubectl logs multi --tail=-2") == (
        "error: --tail must be greater than or equal to -1"
    )
    found = runner.run_line("kubectl logs deploy/web --tail=1").splitlines()
    assert found[0].startswith("Found 2 pods, using pod/web-") and len(found) == 2


def test_drain_filters_daemonset_local_storage_and_unmanaged_pods():
    """k8s.io/kubectl/pkg/drain/filters.go: DaemonSet pods stop a drain unless
    --ignore-daemonsets (then they stay, with a warning); emptyDir pods unless
    --delete-emptydir-data; pods without a controller unless --force. The first filter that
    keeps a pod decides, so --force does not get past local storage."""
    runner = session(nodes=1)
    runner.run_line("kubectl apply -f -", MULTI_CONTAINER_POD)
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n"
        "    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n"
        "        app: agent\n    spec:\n      containers:\n      - name: agent\n"
        "        image: busybox:1.36\n",
    )
    runner.run_line("sim advance 20s")
    # the DaemonSet controller runs its pod on the node
    (agent_x,) = [
        p["metadata"]["name"]
        for p in runner.cluster.store.list("Pod", "default")
        if p["metadata"]["name"].startswith("agent-")
    ]
    refused = runner.run_line("kubectl drain node-1").splitlines()
    assert refused[1] == (
        'error: unable to drain node "node-1" due to error: [cannot delete DaemonSet-managed Pods '
        f"(use --ignore-daemonsets to ignore): default/{agent_x}, cannot delete Pods with local "
        "storage (use --delete-emptydir-data to override): default/multi], continuing command..."
    )
    assert refused[-2:] == [
        f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/{agent_x}",
        "cannot delete Pods with local storage (use --delete-emptydir-data to override): "
        "default/multi",
    ]
    forced = runner.run_line("kubectl drain node-1 --ignore-daemonsets --force").splitlines()
    assert forced[-1] == (
        "cannot delete Pods with local storage (use --delete-emptydir-data to override): "
        "default/multi"
    )
    drained = runner.run_line(
        "kubectl drain node-1 --ignore-daemonsets --force --delete-emptydir-data"
    ).splitlines()
    assert drained[:3] == [
        "node/node-1 already cordoned",
        f"Warning: ignoring DaemonSet-managed Pods: default/{agent_x}; deleting Pods that declare "
        "no controller: default/multi",
        "evicting pod default/multi",
    ]
    assert drained[-1] == "node/node-1 drained"
    assert runner.cluster.api.find("Pod", "default", agent_x) is not None  # left in place


def test_delete_grace_period_force_and_nothing_found():
    """delete.go: --grace-period=0 needs --force (else it becomes 1); --force alone means 0,
    printed `force deleted` after a warning; a selector that matches nothing prints `No
    resources found`; names that are not there are reported after the others are deleted."""
    runner = session(nodes=1)
    runner.run_line("kubectl apply -f -", BARE_POD)
    runner.run_line("sim advance 10s")
    assert runner.run_line("kubectl delete pod bare --force --grace-period=5") == (
        "error: --force and --grace-period greater than 0 cannot be specified together"
    )
    assert runner.run_line("kubectl delete pod ghost bare --force") == (
        "Warning: Immediate deletion does not wait for confirmation that the running resource "
        "has been terminated. The resource may continue to run on the cluster indefinitely.\n"
        'pod "bare" force deleted from default namespace\nError from server (NotFound): pods "ghost" not found'
    )
    assert runner.run_line("kubectl delete pods -l app=nothing") == "No resources found"
    assert runner.run_line("kubectl delete pods --all --ignore-not-found") == "No resources found"
    assert (
        runner.run_line("kubectl delete pod ghost --dry-run=client")
        == (
            'pod "ghost" deleted from default namespace (dry run)'  # RequireObject(false): nothing is fetched
        )
    )
    assert runner.run_line("kubectl delete node node-1 -n default --dry-run=client") == (
        "Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n"
        'node "node-1" deleted (dry run)'
    )
    assert runner.run_line("kubectl delete pod bare --cascade=false --dry-run=client") == (
        "warning: --cascade=false is deprecated (boolean value) and can be replaced with "
        '--cascade=orphan.\npod "bare" deleted from default namespace (dry run)'
    )


def test_describe_scale_set_image_and_rollout_on_other_kinds():
    """describe.go DescribeMatchingResources (`describe pods web` describes pods named web*);
    scale of a kind without a scale subresource is a 404 and --current-replicas a
    precondition; set image reports containers it cannot find after patching the others;
    rollout viewers exist only for workloads (polymorphichelpers)."""
    runner = session(nodes=1)
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    runner.run_line("sim advance 20s")
    described = runner.run_line("kubectl describe pods web")
    assert described.count("\nName:") + described.startswith("Name:") == 2
    assert runner.run_line("kubectl describe pods ghost") == (
        'Error from server (NotFound): pods "ghost" not found'
    )
    [pod] = live_pods(runner)[:1]
    name = pod["metadata"]["name"]
    assert runner.run_line(f"kubectl scale pod {name} --replicas=2") == (
        "Error from server (NotFound): the server could not find the requested resource"
    )
    assert runner.run_line("kubectl scale deployment web --replicas=3 --current-replicas=5") == (
        "error: Expected replicas to be 5, was 2"
    )
    assert runner.run_line("kubectl set image deployment/web nginx=nginx:1.26 bogus=x") == (
        'deployment.apps/web image updated\nerror: unable to find container named "bogus"'
    )
    assert runner.run_line("kubectl set image deployment/web nginx=nginx:1.26") == ""
    assert runner.run_line(f"kubectl rollout status pod/{name}") == (
        "error: no status viewer has been implemented for Pod"
    )
    assert runner.run_line(f"kubectl rollout restart pod/{name}") == (
        f'error: pods "{name}" restarting is not supported'
    )


def test_rollout_status_times_out_after_waiting_its_timeout():
    """kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/kubectl_rollout_status/
    (--timeout: "The length of time to wait before ending watch"): the wait takes that
    long on the cluster's clock too, then kubectl reports the timeout."""
    runner = ScriptRunner(Cluster(seed=2, profile="fast"))
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl create deployment web --image=ngnix:1.25")  # never pulls
    before = runner.cluster.now_ms
    out = runner.run_line("kubectl rollout status deployment/web --timeout=30s")
    assert out.splitlines() == [
        'Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...',
        "error: timed out waiting for the condition",
    ]
    assert runner.cluster.now_ms - before == 30_000
    runner.run_line("sim node remove node-1")
    runner.run_line("kubectl scale deployment web --replicas=2")
    before = runner.cluster.now_ms
    out = runner.run_line("kubectl rollout status deployment/web --timeout=1m")  # nothing due
    assert out.endswith("error: timed out waiting for the condition")
    assert runner.cluster.now_ms - before == 60_000
    before = runner.cluster.now_ms
    out = runner.run_line("kubectl rollout status deployment/web")  # no --timeout
    assert out.endswith('error: deployment "web" exceeded its progress deadline')
    # it waited for the controller's verdict (progressDeadlineSeconds, 600 s), not more
    assert 0 < runner.cluster.now_ms - before <= 600_000


def test_record_writes_the_command_into_the_change_cause():
    """kubernetes.io/docs/concepts/workloads/controllers/deployment/#checking-rollout-history-of-a-deployment:
    CHANGE-CAUSE is copied from the Deployment's kubernetes.io/change-cause annotation to
    its revisions. --record (deprecated) writes the command there: its arguments, then
    each flag as --name=value in the order given (kubectl's parseCommandArguments)."""
    runner = ScriptRunner(Cluster(seed=2, profile="fast"))
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl create deployment web --image=nginx:1.25")
    out = runner.run_line("kubectl set image deployment/web nginx=nginx:1.26 -n default --record")
    assert out == (
        "Flag --record has been deprecated, --record will be removed in the future\n"
        "deployment.apps/web image updated"
    )
    runner.run_line("sim advance 1m")
    cause = "kubectl set image deployment/web nginx=nginx:1.26 --namespace=default --record=true"
    deployment = runner.cluster.api.get("Deployment", "default", "web")
    assert deployment["metadata"]["annotations"]["kubernetes.io/change-cause"] == cause
    history = runner.run_line("kubectl rollout history deployment/web").splitlines()
    assert history[-2:] == ["1          <none>", f"2          {cause}"]
    runner.run_line("kubectl scale deployment web --replicas=2")  # no --record: no change
    assert (
        runner.cluster.api.get("Deployment", "default", "web")["metadata"]["annotations"][
            "kubernetes.io/change-cause"
        ]
        == cause
    )
    manifest = runner.run_line("kubectl get deployment web -o yaml")
    applied = runner.run_line("kubectl apply --record=true -f -", manifest)
    assert applied.endswith("deployment.apps/web configured")
    annotations = runner.cluster.api.get("Deployment", "default", "web")["metadata"]["annotations"]
    assert annotations["kubernetes.io/change-cause"] == "kubectl apply --record=true --filename=-"


def test_label_and_annotate_record_the_command_too():
    runner = ScriptRunner(Cluster(seed=2, profile="fast"))
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl create deployment web --image=nginx:1.25")

    def cause():
        annotations = runner.cluster.api.get("Deployment", "default", "web")["metadata"]
        return (annotations.get("annotations") or {}).get("kubernetes.io/change-cause")

    runner.run_line("kubectl label deployment web tier=front --record")
    assert cause() == "kubectl label deployment web tier=front --record=true"
    # the same labels again: the recorded command alone still changes the object
    assert runner.run_line("kubectl label deployment web tier=front --overwrite --record").endswith(
        "deployment.apps/web labeled"
    )
    assert cause() == "kubectl label deployment web tier=front --overwrite=true --record=true"
    runner.run_line("kubectl annotate deployment web note=x --record")
    assert cause() == "kubectl annotate deployment web note=x --record=true"
    # annotate.go records first, so the user's own change-cause wins
    runner.run_line("kubectl annotate deployment web kubernetes.io/change-cause=bump --record")
    assert cause() == "bump"
