"""Ingress and NetworkPolicy: stored, not simulated, but validated as upstream validates them.

Source: pkg/apis/networking/validation/validation.go (validateHTTPIngressPath: "pathType must
be specified", NotSupported with supportedPathTypes.List(), sorted; ValidateNetworkPolicySpec:
NotSupported with "Ingress", "Egress" in that order; ValidateNetworkPolicyPort/Peer,
ValidateIPBlock). Examples follow kubernetes.io/docs/concepts/services-networking/ingress/ and
kubernetes.io/docs/concepts/services-networking/network-policies/.
"""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.manifests import check_object, parse_manifests
from cluster_sim.engine.script import ScriptRunner

INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: minimal-ingress
spec:
  ingressClassName: nginx-example
  rules:
  - http:
      paths:
      - path: /testpath
{path_type}        backend:
          service:
            name: test
            port:
              number: 80
"""
NETWORK_POLICY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - {policy_type}
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
"""


def check(text: str):
    (obj,) = parse_manifests(text)
    return check_object(obj)


def test_the_documented_examples_are_valid():
    assert check(INGRESS.format(path_type="        pathType: Prefix\n")) is None
    assert check(NETWORK_POLICY.format(policy_type="Ingress")) is None


def test_ingress_path_type_is_required():
    assert check(INGRESS.format(path_type="")) == (
        'The Ingress "minimal-ingress" is invalid: spec.rules[0].http.paths[0].pathType: '
        "Required value: pathType must be specified"
    )


def test_ingress_path_type_must_be_supported():
    assert check(INGRESS.format(path_type="        pathType: Regex\n")) == (
        'The Ingress "minimal-ingress" is invalid: spec.rules[0].http.paths[0].pathType: '
        'Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'
    )


def test_network_policy_types_must_be_supported():
    assert check(NETWORK_POLICY.format(policy_type="Sideways")) == (
        'The NetworkPolicy "test-network-policy" is invalid: spec.policyTypes[0]: '
        'Unsupported value: "Sideways": supported values: "Ingress", "Egress"'
    )


@pytest.mark.parametrize(
    ("spec", "errors"),
    [
        (
            "spec: {}\n",
            ["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"],
        ),
        (
            "spec:\n  rules:\n  - host: 10.0.0.1\n    http:\n      paths:\n      - path: x\n"
            "        pathType: Exact\n        backend:\n          service:\n"
            "            name: Web\n            port: {name: http, number: 80}\n",
            [
                'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, '
                "not an IP address",
                'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path',
                'spec.rules[0].http.paths[0].backend.service.name: Invalid value: "Web": '
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                "start with an alphabetic character, and end with an alphanumeric character "
                "(e.g. 'my-name',  or 'abc-123', regex used for validation is "
                "'[a-z]([-a-z0-9]*[a-z0-9])?')",
                'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both '
                "port name & port number",
            ],
        ),
    ],
)
def test_other_ingress_rules(spec, errors):
    text = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n" + spec
    expected = errors[0] if len(errors) == 1 else "\n" + "\n".join(f"* {e}" for e in errors)
    assert check(text) == f'The Ingress "i" is invalid: {expected}'


def test_network_policy_ports_and_peers():
    text = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n"
        "spec:\n  podSelector: {}\n  egress:\n  - to:\n    - {}\n"
        "    - ipBlock: {cidr: 10.0.0.0/24, except: [10.1.0.0/24]}\n"
        "      podSelector: {}\n    ports:\n    - protocol: ICMP\n      port: http\n"
        "      endPort: 90\n"
    )
    assert check(text) == (
        'The NetworkPolicy "np" is invalid: \n'
        '* spec.egress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: '
        '"TCP", "UDP", "SCTP"\n'
        "* spec.egress[0].ports[0].endPort: Invalid value: 90: may not be specified when "
        "`port` is non-numeric\n"
        "* spec.egress[0].to[0]: Required value: must specify a peer\n"
        '* spec.egress[0].to[1].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a '
        "strict subset of `cidr`\n"
        "* spec.egress[0].to[1]: Forbidden: may not specify both ipBlock and another peer"
    )


def test_kubectl_apply_refuses_a_bad_path_type_and_keeps_nothing():
    runner = ScriptRunner(Cluster(seed=0))
    output = runner.run_line("kubectl apply -f -", INGRESS.format(path_type=""))
    assert output == (
        'The Ingress "minimal-ingress" is invalid: spec.rules[0].http.paths[0].pathType: '
        "Required value: pathType must be specified"
    )
    assert runner.cluster.api.find("Ingress", "default", "minimal-ingress") is None
