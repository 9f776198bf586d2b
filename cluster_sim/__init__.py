"""The simulated Kubernetes cluster.

`engine/` is the pure-Python simulator (no Django); the rest of this package is
the Django glue that persists sandboxes and streams them to browsers.
"""
