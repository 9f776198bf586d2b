"""kube-controller-manager's controllers: level-based, driven by watches, one key at a time."""
