from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("playground/", include("cluster_sim.urls")),
    path("learn/", include("lessons.urls")),
    path("accounts/", include("accounts.urls")),
]
