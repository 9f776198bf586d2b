"""kube-scheduler: a queue of pending pods, filter and score plugins, binding."""

from .scheduler import Scheduler

__all__ = ["Scheduler"]
