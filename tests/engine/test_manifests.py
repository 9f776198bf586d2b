"""check_object: the API server's verdict on an object, worded as kubectl prints it."""

import copy
import time

import pytest

from cluster_sim.engine.manifests import (
    KIND_NOT_FOUND,
    check_object,
    kind_not_found,
    parse_manifests,
)

# Examples from the Kubernetes documentation (kubernetes.io/examples).
NGINX_DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""
SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - protocol: TCP
      port: 80
      targetPort: 9376
"""
POD = """
apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports:
    - containerPort: 80
"""
JOB_PI = """
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
"""
BUSYBOX = """
apiVersion: v1
kind: Pod
metadata:
  name: busybox-sleep
spec:
  containers:
  - name: busybox
    image: busybox:1.28
    args:
    - sleep
    - "1000000"
"""
CRONJOB = """
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
"""
FRONTEND = """
apiVersion: v1
kind: Pod
metadata:
  name: frontend
spec:
  containers:
  - name: app
    image: images.my-company.example/app:v4
    resources:
      requests:
        memory: "64Mi"
        cpu: "250m"
      limits:
        memory: "128Mi"
        cpu: "500m"
  - name: log-aggregator
    image: images.my-company.example/log-aggregator:v6
    resources:
      requests:
        memory: "64Mi"
        cpu: "250m"
      limits:
        memory: "128Mi"
        cpu: "500m"
"""
HPA = """
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
"""
DAEMONSET = """
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
"""
STATEFULSET = """
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 3
  minReadySeconds: 10
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
"""
CONFIGMAP = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: game-demo
data:
  player_initial_lives: "3"
  ui_properties_file_name: "user-interface.properties"
  game.properties: |
    enemy.types=aliens,monsters
    player.maximum-lives=5
"""
ROLE = """
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  namespace: default
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
"""
INVALID_TAIL = "if you choose to ignore these errors, turn validation off with --validate=false"


def load(text):
    (obj,) = parse_manifests(text, "web.yaml")
    return obj


def check(obj, **kwargs):
    return check_object(obj, source="web.yaml", **kwargs)


@pytest.mark.parametrize(
    "text",
    [
        NGINX_DEPLOYMENT,
        SERVICE,
        POD,
        JOB_PI,
        BUSYBOX,
        CRONJOB,
        FRONTEND,
        HPA,
        DAEMONSET,
        STATEFULSET,
        CONFIGMAP,
        ROLE,
    ],
)
def test_documentation_examples_are_accepted(text):
    assert check(load(text)) is None


def deployment(**changes):
    obj = load(NGINX_DEPLOYMENT)
    for path, value in changes.items():
        target = obj
        *parents, leaf = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is DELETE:
            del target[leaf]
        else:
            target[int(leaf) if leaf.isdigit() else leaf] = value
    return obj


DELETE = object()
CONTAINER = "spec__template__spec__containers__0"


# --- decoding: unknown fields and wrong types --------------------------------------------


def test_unknown_field_is_a_strict_decoding_error():
    obj = load(NGINX_DEPLOYMENT.replace("replicas:", "replica:"))
    assert check(obj) == (
        'Error from server (BadRequest): error when creating "web.yaml": Deployment in version '
        '"v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"'
    )


def test_several_unknown_fields_are_listed_in_request_order_with_indices():
    obj = load(NGINX_DEPLOYMENT.replace("replicas:", "replica:").replace("image:", "imag:"))
    obj["metadata"]["labelz"] = {}
    assert check(obj).endswith(
        'strict decoding error: unknown field "metadata.labelz", '
        'unknown field "spec.replica", '
        'unknown field "spec.template.spec.containers[0].imag"'
    )


def test_wrong_type_is_an_unmarshal_error():
    obj = load(NGINX_DEPLOYMENT.replace("replicas: 3", 'replicas: "3"'))
    assert check(obj) == (
        'Error from server (BadRequest): error when creating "web.yaml": Deployment in version '
        '"v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct '
        "field DeploymentSpec.spec.replicas of type int32"
    )


def test_type_error_path_has_no_indices_and_wins_over_unknown_fields():
    obj = load(NGINX_DEPLOYMENT.replace("containerPort: 80", 'containerPort: "80"'))
    obj["spec"]["bogus"] = 1
    assert check(obj).endswith(
        "json: cannot unmarshal string into Go struct field ContainerPort"
        ".spec.template.spec.containers.ports.containerPort of type int32"
    )


def test_label_value_must_be_a_string():
    obj = load(NGINX_DEPLOYMENT.replace("app: nginx\nspec", "version: 1.0\nspec"))
    obj["metadata"]["labels"] = {"version": 1.5}
    assert check(obj).endswith(
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels "
        "of type string"
    )


def test_a_float_where_an_int_belongs_shows_the_literal():
    assert check(deployment(spec__replicas=2.5)).endswith(
        "json: cannot unmarshal number 2.5 into Go struct field DeploymentSpec.spec.replicas "
        "of type int32"
    )


def test_a_list_where_a_struct_belongs():
    assert check(deployment(spec__template__spec=[])).endswith(
        "json: cannot unmarshal array into Go struct field PodTemplateSpec.spec.template.spec "
        "of type v1.PodSpec"
    )


def test_bad_quantity_is_a_decode_error():
    obj = load(FRONTEND.replace('cpu: "500m"', 'cpu: "500 millicores"', 1))
    assert check(obj) == (
        'Error from server (BadRequest): error when creating "web.yaml": Pod in version "v1" '
        "cannot be handled as a Pod: quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


def test_yes_is_a_boolean_in_kubectls_yaml():
    obj = load(
        POD.replace("    ports:", "    env:\n    - name: DEBUG\n      value: yes\n    ports:")
    )
    assert check(obj).endswith(
        "json: cannot unmarshal bool into Go struct field EnvVar.spec.containers.env.value "
        "of type string"
    )


def test_secret_data_must_be_base64():
    obj = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"password": "not base64!"},
    }
    assert check(obj).endswith(
        'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3'
    )


# --- unknown kinds -----------------------------------------------------------------------


def test_unknown_kind():
    obj = {"apiVersion": "v1", "kind": "Foo", "metadata": {"name": "x"}}
    assert check(obj) == (
        'error: resource mapping not found for name: "x" namespace: "" from "web.yaml": '
        'no matches for kind "Foo" in version "v1"\nensure CRDs are installed first'
    )
    assert check(obj) == kind_not_found("x", "", "web.yaml", "Foo", "v1")
    assert KIND_NOT_FOUND.startswith("error: resource mapping not found for name: ")


def test_kind_in_the_wrong_version():
    obj = load(NGINX_DEPLOYMENT.replace("apps/v1", "apps/v1beta1"))
    assert 'no matches for kind "Deployment" in version "apps/v1beta1"' in check(obj)


def test_kind_is_case_sensitive():
    assert "no matches for kind" in check(deployment(kind="deployment"))


# --- semantic rules ----------------------------------------------------------------------


def invalid(kind, name, *causes):
    head = f'The {kind} "{name}" is invalid: '
    if len(causes) == 1:
        return head + causes[0]
    return head + "\n" + "\n".join(f"* {cause}" for cause in causes)


def test_selector_must_match_template_labels():
    obj = deployment(spec__template__metadata__labels={"app": "web2"})
    assert check(obj) == invalid(
        "Deployment",
        "nginx-deployment",
        'spec.template.metadata.labels: Invalid value: {"app":"web2"}: '
        "`selector` does not match template `labels`",
    )


def test_missing_selector_reports_both_errors():
    obj = deployment(spec__selector=DELETE)
    assert check(obj) == invalid(
        "Deployment",
        "nginx-deployment",
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: {"app":"nginx"}: '
        "`selector` does not match template `labels`",
    )


def test_empty_selector():
    obj = deployment(spec__selector={})
    assert check(obj) == invalid(
        "Deployment",
        "nginx-deployment",
        "spec.selector: Invalid value: {}: empty selector is invalid for deployment",
    )


def test_negative_replicas():
    assert check(deployment(spec__replicas=-1)) == invalid(
        "Deployment",
        "nginx-deployment",
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
    )


def test_object_name_must_be_a_dns_subdomain():
    assert check(deployment(metadata__name="Web_App")) == invalid(
        "Deployment",
        "Web_App",
        'metadata.name: Invalid value: "Web_App": a lowercase RFC 1123 subdomain must consist '
        "of lower case alphanumeric characters, '-' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    )


def test_missing_name():
    assert check(deployment(metadata__name=DELETE)) == invalid(
        "Deployment", "", "metadata.name: Required value: name or generateName is required"
    )


def test_service_name_must_be_a_dns1035_label():
    obj = load(SERVICE.replace("my-service", "1-service"))
    assert check(obj) == invalid(
        "Service",
        "1-service",
        'metadata.name: Invalid value: "1-service": a DNS-1035 label must consist of lower case '
        "alphanumeric characters or '-', start with an alphabetic character, and end with an "
        "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
        "'[a-z]([-a-z0-9]*[a-z0-9])?')",
    )


def test_namespace_name_may_not_contain_dots():
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team.a"}}
    assert check(obj) == invalid(
        "Namespace", "team.a", 'metadata.name: Invalid value: "team.a": must not contain dots'
    )


def test_bad_label_key_and_value():
    obj = deployment(metadata__labels={"app": "-bad", "a/b/c": "x"})
    message = check(obj)
    assert '* metadata.labels: Invalid value: "a/b/c": a qualified name must consist of' in message
    assert (
        '* metadata.labels: Invalid value: "-bad": a valid label must be an empty string or '
        "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
        "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    ) in message


def test_container_names_are_labels_and_unique():
    obj = load(NGINX_DEPLOYMENT)
    containers = obj["spec"]["template"]["spec"]["containers"]
    containers.append(copy.deepcopy(containers[0]))
    containers[0]["name"] = "Nginx"
    containers[1]["name"] = "nginx"
    containers.append(copy.deepcopy(containers[1]))
    assert check(obj) == invalid(
        "Deployment",
        "nginx-deployment",
        'spec.template.spec.containers[0].name: Invalid value: "Nginx": a lowercase RFC 1123 '
        "label must consist of lower case alphanumeric characters or '-', and must start and "
        "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        'spec.template.spec.containers[2].name: Duplicate value: "nginx"',
    )


def test_container_needs_an_image_and_pod_needs_a_container():
    obj = load(POD)
    del obj["spec"]["containers"][0]["image"]
    assert check(obj) == invalid("Pod", "nginx", "spec.containers[0].image: Required value")
    obj["spec"]["containers"] = []
    assert check(obj) == invalid("Pod", "nginx", "spec.containers: Required value")


def test_port_range():
    obj = load(POD.replace("containerPort: 80", "containerPort: 70000"))
    assert check(obj) == invalid(
        "Pod",
        "nginx",
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: "
        "must be between 1 and 65535, inclusive",
    )


def test_protocol_must_be_supported():
    obj = load(POD.replace("containerPort: 80", "containerPort: 80\n      protocol: HTTP"))
    assert check(obj) == invalid(
        "Pod",
        "nginx",
        'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": '
        'supported values: "SCTP", "TCP", "UDP"',
    )


def test_requests_may_not_exceed_limits():
    obj = load(FRONTEND.replace('cpu: "250m"', 'cpu: "1"', 1))
    assert check(obj) == invalid(
        "Pod",
        "frontend",
        'spec.containers[0].resources.requests: Invalid value: "1": '
        "must be less than or equal to cpu limit of 500m",
    )


def test_quantities_are_shown_in_canonical_form():
    obj = load(FRONTEND.replace('memory: "64Mi"', 'memory: "0.25Gi"', 1))
    assert check(obj) == invalid(
        "Pod",
        "frontend",
        'spec.containers[0].resources.requests: Invalid value: "256Mi": '
        "must be less than or equal to memory limit of 128Mi",
    )


def test_unknown_resource_name():
    obj = load(FRONTEND.replace('cpu: "500m"', 'cpus: "500m"', 1))
    assert 'resources.limits[cpus]: Invalid value: "cpus": must be a standard resource' in check(
        obj
    )


def test_deployment_pods_must_restart_always():
    obj = deployment(spec__template__spec__restartPolicy="Never")
    assert check(obj) == invalid(
        "Deployment",
        "nginx-deployment",
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    )


def test_job_pods_may_not_restart_always():
    obj = load(JOB_PI)
    del obj["spec"]["template"]["spec"]["restartPolicy"]
    assert check(obj) == invalid(
        "Job",
        "pi",
        'spec.template.spec.restartPolicy: Unsupported value: "Always": '
        'supported values: "OnFailure", "Never"',
    )


def test_cron_schedule():
    obj = load(CRONJOB.replace('"* * * * *"', '"every minute"'))
    assert check(obj) == invalid(
        "CronJob",
        "hello",
        'spec.schedule: Invalid value: "every minute": '
        "expected exactly 5 fields, found 2: [every minute]",
    )


def test_service_rules():
    obj = load(SERVICE)
    obj["spec"]["type"] = "Internal"
    obj["spec"]["ports"].append({"port": 0, "targetPort": "http_port"})
    assert check(obj) == invalid(
        "Service",
        "my-service",
        "spec.ports[0].name: Required value",
        "spec.ports[1].name: Required value",
        "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        'spec.ports[1].targetPort: Invalid value: "http_port": must contain only '
        "alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", '
        '"ExternalName", "LoadBalancer", "NodePort"',
    )


def test_service_node_port_range_and_cluster_ip_type():
    obj = load(SERVICE)
    obj["spec"]["ports"][0]["nodePort"] = 80
    assert check(obj) == invalid(
        "Service",
        "my-service",
        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    )
    obj["spec"]["type"] = "NodePort"
    assert check(obj) == invalid(
        "Service",
        "my-service",
        "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. "
        "The range of valid ports is 30000-32767",
    )


def test_node_taint_effect():
    obj = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "node-1"},
        "spec": {"taints": [{"key": "gpu", "effect": "NoRun"}]},
    }
    assert check(obj) == invalid(
        "Node",
        "node-1",
        'spec.taints[0].effect: Unsupported value: "NoRun": '
        'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    )


def test_generic_kinds_get_required_fields_from_the_schema():
    obj = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "pdb"},
        "spec": {"selector": {"matchExpressions": [{"key": "app"}]}},
    }
    assert check(obj) == invalid(
        "PodDisruptionBudget", "pdb", "spec.selector.matchExpressions[0].operator: Required value"
    )


def test_role_binding_rules():
    obj = load(ROLE)
    obj["kind"] = "RoleBinding"
    del obj["rules"]
    obj["subjects"] = [{"name": "jane", "kind": "Person"}]
    obj["roleRef"] = {"kind": "Role", "name": "pod-reader", "apiGroup": "rbac.authorization.k8s.io"}
    assert check(obj) == invalid(
        "RoleBinding",
        "pod-reader",
        'subjects[0].kind: Unsupported value: "Person": supported values: '
        '"ServiceAccount", "User", "Group"',
    )


def test_several_errors_are_reported_together():
    obj = deployment(
        metadata__name="Web",
        spec__replicas=-2,
        spec__template__metadata__labels={"app": "other"},
        **{f"{CONTAINER}__name": "web server", f"{CONTAINER}__image": DELETE},
    )
    message = check(obj)
    assert message.startswith('The Deployment "Web" is invalid: \n* metadata.name: Invalid value')
    assert message.count("\n* ") == 5
    assert "* spec.replicas: Invalid value: -2: must be greater than or equal to 0" in message
    assert "* spec.template.spec.containers[0].image: Required value" in message


# --- updates -----------------------------------------------------------------------------


def test_selector_is_immutable_on_update():
    old = load(NGINX_DEPLOYMENT)
    new = deployment(
        spec__selector={"matchLabels": {"app": "web2"}},
        spec__template__metadata__labels={"app": "web2"},
    )
    assert check(new, old=old) == invalid(
        "Deployment",
        "nginx-deployment",
        'spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable',
    )
    assert check(deployment(spec__replicas=5), old=old) is None


def test_pod_spec_is_mostly_immutable():
    old = load(POD)
    new = load(POD.replace("nginx:1.14.2", "nginx:1.16.1"))
    assert check(new, old=old) is None
    new["spec"]["restartPolicy"] = "Never"
    message = check(new, old=old)
    assert message.startswith(
        'The Pod "nginx" is invalid: spec: Forbidden: pod updates may not change fields other '
        "than `spec.containers[*].image`,`spec.initContainers[*].image`,"
        "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
        "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
        "previously negative)\n"
    )
    assert '+ \tRestartPolicy: "Never",' in message


def test_service_cluster_ip_is_immutable():
    old = load(SERVICE)
    old["spec"]["clusterIP"] = "10.96.0.10"
    new = load(SERVICE)
    assert check(new, old=old) is None
    new["spec"]["clusterIP"] = "10.96.0.11"
    assert check(new, old=old) == invalid(
        "Service",
        "my-service",
        'spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set',
    )


def test_job_template_is_immutable():
    old = load(JOB_PI)
    new = load(JOB_PI.replace("perl:5.34.0", "perl:5.36"))
    assert "spec.template: Invalid value: " in check(new, old=old)
    assert check(new, old=old).endswith(": field is immutable")


def test_update_errors_say_replacing():
    old = load(NGINX_DEPLOYMENT)
    new = load(NGINX_DEPLOYMENT.replace("replicas:", "replica:"))
    assert 'error when replacing "web.yaml"' in check(new, old=old)


# --- speed -------------------------------------------------------------------------------


def test_checking_a_deployment_is_fast():
    obj = load(NGINX_DEPLOYMENT)
    check(obj)  # warm the schema cache
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        check(obj)
    per_check = (time.perf_counter() - start) / runs
    assert per_check < 0.005, f"{per_check * 1000:.2f} ms per check"
