"""A deterministic, pure-Python simulation of a Kubernetes cluster.

Start from `cluster.Cluster`, the one facade the rest of ClusterLab talks to.
This package must never import Django (see ruff.toml beside this file).
"""
