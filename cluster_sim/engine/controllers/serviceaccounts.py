"""Per-namespace defaults that real clusters create: the `default` ServiceAccount
(serviceaccounts-controller) and the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher)."""

from .base import Controller

# A stand-in certificate: the simulated cluster has no real CA, and says so.
SIMULATED_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "ClusterLab simulated cluster: no real certificate authority.\n"
    "-----END CERTIFICATE-----\n"
)


class ServiceAccountsController(Controller):
    name = "serviceaccounts-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("Namespace", self._on_namespace)

    def _on_namespace(self, event_type: str, namespace: dict) -> None:
        if event_type == "ADDED":
            self.enqueue(namespace["metadata"]["name"])

    def reconcile(self, name) -> None:
        namespace = self.ctx.store.get("Namespace", "", name)
        if namespace is None or namespace["metadata"].get("deletionTimestamp"):
            return
        if self.ctx.store.get("ServiceAccount", name, "default") is None:
            self.ctx.api.create(
                {
                    "apiVersion": "v1",
                    "kind": "ServiceAccount",
                    "metadata": {"name": "default", "namespace": name},
                }
            )
        if self.ctx.store.get("ConfigMap", name, "kube-root-ca.crt") is None:
            self.ctx.api.create(
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {
                        "name": "kube-root-ca.crt",
                        "namespace": name,
                        "annotations": {
                            "kubernetes.io/description": (
                                "Contains a CA bundle that can be used to verify the kube-apiserver "
                                "when using internal endpoints such as the internal service IP or "
                                "kubernetes.default.svc. No other usage is guaranteed across "
                                "distributions of Kubernetes clusters."
                            )
                        },
                    },
                    "data": {"ca.crt": SIMULATED_CA},
                }
            )
