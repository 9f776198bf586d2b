from django.urls import path

from . import views

urlpatterns = [
    path("", views.playground_entry, name="playground_entry"),
    path("new/", views.playground_new, name="playground_new"),
    path("templates/", views.manifest_template, {"key": ""}, name="manifest_template_base"),
    path("templates/<slug:key>/", views.manifest_template, name="manifest_template"),
    path("<str:sandbox_id>/", views.playground, name="playground"),
    path("<str:sandbox_id>/topology/", views.topology_view, name="playground_topology"),
    path("<str:sandbox_id>/charts/", views.charts_view, name="playground_charts"),
    path("<str:sandbox_id>/export.yaml", views.export_view, name="playground_export"),
    path(
        "<str:sandbox_id>/why/<slug:kind>/<str:namespace>/<str:name>/",
        views.why,
        name="playground_why",
    ),
]
