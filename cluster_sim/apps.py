from django.apps import AppConfig


class ClusterSimConfig(AppConfig):
    name = "cluster_sim"
    verbose_name = "Simulated cluster"
