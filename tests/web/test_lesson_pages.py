"""Course pages: the course map, a lesson with its blocks, and the lesson's own live cluster."""

import json
import re

import pytest
from asgiref.sync import async_to_sync

from cluster_sim.live.hub import hub
from cluster_sim.models import Sandbox
from lessons.course_cache import course

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_course_map_links_every_lesson(client):
    page = client.get("/learn/").content.decode()
    for lesson in course().lessons:
        assert f'href="/learn/{lesson.slug}/"' in page and lesson.title in page


def test_a_lesson_embeds_its_own_cluster_built_from_its_setup(client):
    lesson = next(lesson for lesson in course().lessons if lesson.cluster.setup)
    page = client.get(f"/learn/{lesson.slug}/").content.decode()
    assert lesson.title in page
    record = Sandbox.objects.get(lesson=lesson.slug)
    assert f'ws-connect="/ws/playground/{record.id}/"' in page
    assert record.preset == lesson.cluster.preset and record.setup == list(lesson.cluster.setup)
    assert record.paused  # the steps move the clock: the text matches however long one reads
    live = async_to_sync(hub.live)(record.id)
    assert live.paused and 'data-paused="true"' in page
    assert client.get(f"/learn/{lesson.slug}/").status_code == 200
    assert Sandbox.objects.filter(lesson=lesson.slug).count() == 1
    assert live.cluster.profile.name == lesson.cluster.profile
    # the playground does not reopen a lesson's cluster
    entry = client.get("/playground/")
    assert record.id not in entry.url


def test_try_and_predict_blocks_carry_their_commands(client):
    lesson = next(lesson for lesson in course().lessons if lesson.predicts)
    page = client.get(f"/learn/{lesson.slug}/").content.decode()
    commands = [
        json.loads(m.replace("&quot;", '"')) for m in re.findall(r'data-commands="([^"]*)"', page)
    ]
    assert commands and all(isinstance(c, list) and c for c in commands)
    assert page.count("data-predict-commit") == len(lesson.predicts)
    assert "Run in your cluster" in page


def test_diagrams_are_served_as_inert_svg(client):
    lesson = next(lesson for lesson in course().lessons if lesson.diagrams)
    diagram = lesson.diagrams[0]
    response = client.get(f"/learn/{lesson.slug}/{diagram.name}")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert b"<svg" in b"".join(response.streaming_content)
    assert client.get(f"/learn/{lesson.slug}/nope.svg").status_code == 404
    assert client.get("/learn/99-nothing/").status_code == 404


def test_another_visitor_gets_their_own_lesson_cluster(client):
    from django.test import Client

    lesson = course().lessons[0]
    client.get(f"/learn/{lesson.slug}/")
    Client().get(f"/learn/{lesson.slug}/")
    owners = set(Sandbox.objects.filter(lesson=lesson.slug).values_list("owner_session", flat=True))
    assert len(owners) == 2


def test_the_course_map_numbers_lessons_by_their_order(client):
    page = client.get("/learn/").content.decode()
    for lesson in course().lessons:
        assert f'<li value="{lesson.order}"><a href="/learn/{lesson.slug}/">' in page
