"""Hands-on tasks: a cluster of the learner's own, graded on its state by replaying a copy."""

import pytest
from asgiref.sync import async_to_sync

from cluster_sim import actions
from cluster_sim.live.hub import hub
from cluster_sim.models import Sandbox
from lessons.course_cache import course
from lessons.models import QuizAttempt

pytestmark = pytest.mark.django_db(transaction=True)

LESSON = "05-inside-kubernetes"


def the_task():
    lesson = course().lesson(LESSON)
    return lesson, next(q for q in lesson.quiz.questions if q.type == "task")


def test_a_task_is_checked_on_the_learners_cluster_state(client):
    lesson, task = the_task()
    base = f"/learn/{LESSON}/task/{task.id}/"
    page = client.get(base).content.decode()
    assert "Check my cluster" in page
    record = Sandbox.objects.get(lesson=f"{LESSON}#{task.id}")
    assert record.setup == list(task.cluster.setup)
    assert f'ws-connect="/ws/playground/{record.id}/"' in page

    refused = client.post(base + "check/", {"show": "solution"}).content.decode()
    assert "Check your cluster once first" in refused

    untouched = client.post(base + "check/").content.decode()
    assert "Not yet." in untouched
    live = async_to_sync(hub.live)(record.id)
    for line in task.solution:  # the learner does the work in their cluster
        async_to_sync(actions.run_command)(live, line)
    before = live.cluster.resource_version
    done = client.post(base + "check/").content.decode()
    assert "Done: your cluster passes." in done
    assert live.cluster.resource_version == before  # the grader used a copy
    assert list(QuizAttempt.objects.values_list("correct", flat=True)) == [False, True]
    shown = client.post(base + "check/", {"show": "solution"}).content.decode()
    assert all(line in shown for line in task.solution)
    lesson_page = client.get(f"/learn/{LESSON}/").content.decode()
    assert f'id="q-{task.id}" class="question task solved"' in lesson_page


def test_only_tasks_have_task_pages(client):
    lesson, task = the_task()
    other = next(q for q in lesson.quiz.questions if q.type != "task")
    assert client.get(f"/learn/{LESSON}/task/{other.id}/").status_code == 404
    assert client.post(f"/learn/{LESSON}/task/{task.id}/check/").status_code == 404  # not opened
