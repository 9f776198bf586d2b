"""Playground pages over HTTP: creating and reopening sandboxes, ownership, the why panels,
the export and the editor templates."""

import re

import pytest
import yaml

from cluster_sim.live.charts import EXAMPLE
from cluster_sim.live.hub import hub
from cluster_sim.models import Sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def open_playground(client):
    response = client.get("/playground/")
    assert response.status_code == 302
    return response.url.rstrip("/").rsplit("/", 1)[1]


def test_the_first_visit_makes_a_sandbox_and_the_next_reopens_it(client):
    first = open_playground(client)
    assert Sandbox.objects.get(id=first).preset == "empty-3"
    assert open_playground(client) == first
    assert len(first) >= 22  # 128 random bits, URL-safe


def test_the_page_shows_the_cluster(client):
    sandbox_id = open_playground(client)
    page = client.get(f"/playground/{sandbox_id}/").content.decode()
    assert page.count('<article id="node-') == 3
    assert f'ws-connect="/ws/playground/{sandbox_id}/"' in page
    assert "3 nodes (3 Ready)" in page
    assert "realistic (Kubernetes defaults)" in page


def test_another_visitor_gets_404_everywhere(client, django_user_model):
    from django.test import Client

    sandbox_id = open_playground(client)
    stranger = Client()
    open_playground(stranger)
    for path in (
        f"/playground/{sandbox_id}/",
        f"/playground/{sandbox_id}/topology/",
        f"/playground/{sandbox_id}/charts/",
        f"/playground/{sandbox_id}/export.yaml",
        f"/playground/{sandbox_id}/why/node/-/worker-1/",
    ):
        assert stranger.get(path).status_code == 404, path
    assert stranger.get("/playground/doesnotexist/").status_code == 404


def test_a_new_sandbox_from_a_preset(client):
    first = open_playground(client)
    response = client.post("/playground/new/", {"preset": "mixed"})
    assert response.status_code == 302
    second = response.url.rstrip("/").rsplit("/", 1)[1]
    assert second != first and Sandbox.objects.get(id=second).preset == "mixed"
    assert open_playground(client) == second  # the latest is reopened
    page = client.get(f"/playground/{second}/").content.decode()
    assert "mixed nodes" in page and "gpu-1" in page


def test_an_unknown_preset_is_a_clear_400(client):
    open_playground(client)
    response = client.post("/playground/new/", {"preset": "nope"})
    assert response.status_code == 400
    assert b"nope" in response.content and b"3 empty worker nodes" in response.content


async def _run(sandbox_id, line):
    from cluster_sim import actions

    live = await hub.live(sandbox_id)
    await actions.run_command(live, line)
    await actions.step(live, 60_000)


def test_why_panels_for_a_pod_a_node_a_service_and_a_deployment(client):
    from asgiref.sync import async_to_sync

    sandbox_id = open_playground(client)
    run = async_to_sync(_run)
    run(sandbox_id, "kubectl create deployment web --image=nginx --replicas=2")
    run(sandbox_id, "kubectl expose deployment web --port=80")
    live = async_to_sync(hub.live)(sandbox_id)
    pod = live.cluster.store.list("Pod", "default")[0]["metadata"]["name"]
    base = f"/playground/{sandbox_id}/why"

    pod_panel = client.get(f"{base}/pod/default/{pod}/").content.decode()
    assert pod in pod_panel and "Running" in pod_panel and "ReplicaSet" in pod_panel
    node_panel = client.get(f"{base}/node/-/worker-1/").content.decode()
    assert "sim node kill worker-1" in node_panel and "kubectl describe node worker-1" in node_panel
    service_panel = client.get(f"{base}/service/default/web/").content.decode()
    assert "ClusterIP" in service_panel and pod in service_panel
    deployment_panel = client.get(f"{base}/deployment/default/web/").content.decode()
    assert "Replicas:" in deployment_panel and "RollingUpdate" in deployment_panel
    gone = client.get(f"{base}/pod/default/nope/")
    assert gone.status_code == 200 and b"any more" in gone.content
    assert client.get(f"{base}/secret/default/x/").status_code == 404


def test_topology_and_export(client):
    from asgiref.sync import async_to_sync

    sandbox_id = open_playground(client)
    async_to_sync(_run)(sandbox_id, "kubectl create deployment web --image=nginx --replicas=2")
    topology = client.get(f"/playground/{sandbox_id}/topology/").content.decode()
    assert "<svg" in topology and "web" in topology
    export = client.get(f"/playground/{sandbox_id}/export.yaml")
    assert export["Content-Disposition"].startswith("attachment;")
    documents = [d for d in yaml.safe_load_all(export.content) if d]
    assert [(d["kind"], d["metadata"]["name"]) for d in documents] == [("Deployment", "web")]


def test_charts_show_load_and_replicas_once_traffic_flows(client):
    from asgiref.sync import async_to_sync

    sandbox_id = open_playground(client)
    empty = client.get(f"/playground/{sandbox_id}/charts/").content.decode()
    assert "No charts yet" in empty and "sim traffic web" in empty
    for line in (*EXAMPLE, "sim advance 2m"):  # what the empty tab suggests, then time
        async_to_sync(_run)(sandbox_id, line)
    page = client.get(f"/playground/{sandbox_id}/charts/").content.decode()
    assert page.count('<figure class="chart">') == 3
    assert "Load on service/web" in page and "Ready endpoints of service/web" in page
    assert "Replicas of horizontalpodautoscaler/web" in page
    assert re.search(
        r'aria-label="Load on service/web, from \S+ to \S+ of simulated time: offered from 0 to 40',
        page,
    )
    assert '<th scope="col">offered</th>' in page and "offered: 40 now" in page


def test_editor_templates_are_served_as_text(client):
    response = client.get("/playground/templates/deployment/")
    assert response.status_code == 200 and b"kind: Deployment" in response.content
    assert client.get("/playground/templates/nope/").status_code == 404


def test_a_visitor_can_keep_a_bounded_number_of_sandboxes(client, monkeypatch):
    from cluster_sim import sandboxes

    monkeypatch.setattr(sandboxes, "MAX_SANDBOXES_PER_SESSION", 3)
    open_playground(client)
    for _ in range(2):
        assert client.post("/playground/new/", {"preset": "empty-3"}).status_code == 302
    refused = client.post("/playground/new/", {"preset": "empty-3"})
    assert refused.status_code == 429 and b"You have 3 sandboxes already" in refused.content
    assert Sandbox.objects.count() == 3


def test_unwatched_sandboxes_beyond_the_limit_are_dropped_from_memory(client, monkeypatch):
    from asgiref.sync import async_to_sync

    from cluster_sim.live import hub as hub_module

    monkeypatch.setattr(hub_module, "MAX_LIVE_SANDBOXES", 2)
    monkeypatch.setattr(hub_module, "RECENT_USE_SECONDS", 0)
    ids = [open_playground(client)]
    ids += [
        client.post("/playground/new/", {"preset": "empty-3"}).url.rstrip("/").rsplit("/", 1)[1]
        for _ in range(2)
    ]
    for sandbox_id in ids:
        async_to_sync(hub.live)(sandbox_id)
    assert list(hub.sandboxes) == ids[1:]  # the oldest went; its log is still in the database
    assert async_to_sync(hub.live)(ids[0]) is not None


def test_a_sandbox_just_handed_out_is_not_dropped(client, monkeypatch):
    """Between loading a sandbox and subscribing its socket, dropping it would make a
    second live copy of the same sandbox when the socket's page loads it again."""
    from asgiref.sync import async_to_sync

    from cluster_sim.live import hub as hub_module

    monkeypatch.setattr(hub_module, "MAX_LIVE_SANDBOXES", 1)
    first = open_playground(client)
    second = (
        client.post("/playground/new/", {"preset": "empty-3"}).url.rstrip("/").rsplit("/", 1)[1]
    )
    live = async_to_sync(hub.live)(first)
    async_to_sync(hub.live)(second)
    assert async_to_sync(hub.live)(first) is live  # still the same copy


def test_new_sandboxes_per_address_are_bounded(client, settings):
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    settings.CLUSTERLAB_CREATIONS_PER_ADDRESS = {"playground": 2, "lesson": 2}
    open_playground(client)
    assert client.post("/playground/new/", {"preset": "mixed"}).status_code == 302
    crawler = Client()  # a new session from the same address, as a crawler would be
    refused = crawler.get("/playground/")
    assert refused.status_code == 429 and b"Too many new sandboxes" in refused.content
    assert Sandbox.objects.count() == 2
    cache.clear()


def test_charts_draw_only_the_services_seen_most_recently():
    """A visitor sending traffic to Service after Service gets a bounded Charts tab."""
    from cluster_sim.engine.cluster import Cluster
    from cluster_sim.engine.script import ScriptRunner
    from cluster_sim.live.charts import MAX_CHARTED, charts

    runner = ScriptRunner(Cluster(seed=1))
    runner.run_line("sim node add n1")
    for n in range(MAX_CHARTED + 5):
        runner.run_line(f"kubectl create deployment s{n:02d} --image=nginx")
        runner.run_line(f"kubectl expose deployment s{n:02d} --port=80")
        runner.run_line(f"sim traffic s{n:02d} --rps 1")
        runner.run_line("sim advance 5s")
        runner.run_line(f"sim traffic s{n:02d} --rps 0")
    drawn = charts(runner.cluster.traffic.history)
    titles = [c.title for c in drawn if c.title.startswith("Load on")]
    assert len(titles) == MAX_CHARTED
    assert (
        titles[-1] == f"Load on service/s{MAX_CHARTED + 4:02d}" and "service/s00" not in titles[0]
    )
