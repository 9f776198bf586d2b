"""Versions the simulated cluster reports, in one place."""

KUBERNETES_VERSION = "v1.34.2"
CONTAINER_RUNTIME = "containerd://2.1.4"
OS_IMAGE = "Ubuntu 24.04.3 LTS"
KERNEL_VERSION = "6.8.0-87-generic"
