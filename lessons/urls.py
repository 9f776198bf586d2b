from django.urls import path

from . import predict_views, progress, quiz_views, scenario_views, task_views, views

urlpatterns = [
    path("", views.course_map, name="course_map"),
    path("<slug:slug>/", views.lesson_page, name="lesson"),
    path("<slug:slug>/quiz/<slug:question_id>/", quiz_views.answer, name="quiz_answer"),
    path(
        "<slug:slug>/quiz/<slug:question_id>/scenario/",
        scenario_views.verify,
        name="quiz_scenario",
    ),
    path("<slug:slug>/progress/", progress.record_step, name="lesson_progress"),
    path("<slug:slug>/predict/<slug:block_id>/", predict_views.commit, name="predict_commit"),
    path("<slug:slug>/task/<slug:question_id>/", task_views.task_page, name="task"),
    path("<slug:slug>/task/<slug:question_id>/check/", task_views.check_task, name="task_check"),
    path("<slug:slug>/<str:name>", views.diagram, name="lesson_diagram"),
]
