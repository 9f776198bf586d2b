from django.urls import path

from . import views

urlpatterns = [
    path("", views.course_map, name="course_map"),
    path("<slug:slug>/", views.lesson_page, name="lesson"),
    path("<slug:slug>/<str:name>", views.diagram, name="lesson_diagram"),
]
