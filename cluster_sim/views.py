"""Playground pages. Thin: find the visitor's sandbox, ask the live layer, render.

A visitor reaches only sandboxes their session owns; any other id is a 404, the same
answer as for an id that does not exist.
"""

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from . import actions, sandboxes
from .explain import topology, why_pod, why_service
from .export import export_yaml
from .live.charts import EXAMPLE, charts
from .live.hub import hub
from .live.node_details import node_details
from .manifest_templates import TEMPLATES
from .presets import DEFAULT_PRESET, PRESETS

WHY_KINDS = {"pod", "service", "node"}
CREATION_WINDOW = 10 * 60  # seconds; settings.CLUSTERLAB_CREATIONS_PER_ADDRESS per window
DESCRIBE_KINDS = {"deployment", "statefulset", "daemonset", "job", "cronjob", "hpa"}


def creation_allowed(request, kind: str = "playground") -> bool:
    """Sessions are free, so the per-session cap alone does not bound a client: at most so
    many new sandboxes per address per window (settings.CLUSTERLAB_CREATIONS_PER_ADDRESS,
    by kind: a class behind one address opens many lessons at once, few playgrounds)."""
    key = f"sandbox-creations:{kind}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, CREATION_WINDOW)
    try:
        return cache.incr(key) <= settings.CLUSTERLAB_CREATIONS_PER_ADDRESS[kind]
    except ValueError:  # expired between add and incr
        return True


def _session_key(request) -> str:
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key


@require_GET
def playground_entry(request):
    """Reopen the visitor's latest sandbox, or make one from the default preset."""
    key = _session_key(request)
    record = sandboxes.latest_sandbox(key)
    if record is None:
        if not creation_allowed(request):
            return too_many(request)
        record = sandboxes.create_sandbox(key, DEFAULT_PRESET)
    return redirect("playground", sandbox_id=record.id)


def too_many(request, limit: int | None = None):
    return render(
        request,
        "playground/new_failed.html",
        {"limit": limit, "busy": limit is None, "presets": PRESETS.values()},
        status=429,
    )


@require_POST
def playground_new(request):
    preset = request.POST.get("preset", DEFAULT_PRESET)
    if preset not in PRESETS:
        return render(
            request,
            "playground/new_failed.html",
            {"preset": preset, "presets": PRESETS.values()},
            status=400,
        )
    if not creation_allowed(request):
        return too_many(request)
    try:
        record = sandboxes.create_sandbox(_session_key(request), preset)
    except sandboxes.TooManySandboxes as limit:
        return too_many(request, limit.args[0])
    return redirect("playground", sandbox_id=record.id)


async def _owned_live(request, sandbox_id: str):
    record = await database_sync_to_async(sandboxes.owned_sandbox)(
        sandbox_id, request.session.session_key
    )
    if record is None:
        raise Http404("No such playground")
    live = await hub.live(sandbox_id)
    if live is None:
        raise Http404("No such playground")
    return record, live


async def cluster_context(live, record) -> dict:
    """What templates/playground/partials/cluster.html needs (the playground and lessons)."""
    return {
        "sandbox": record,
        "regions": await actions.snapshot(live),
        "profile": live.cluster.profile,
        "speeds": actions.SPEEDS,
        "speed": live.speed,
        "paused": live.paused,
        "templates": TEMPLATES.values(),
    }


@require_GET
async def playground(request, sandbox_id: str):
    record, live = await _owned_live(request, sandbox_id)
    mine = await database_sync_to_async(sandboxes.sandboxes_of)(request.session.session_key)
    context = await cluster_context(live, record)
    context.update(
        preset=PRESETS[record.preset],
        presets=PRESETS.values(),
        my_sandboxes=mine,
        reset_to=f"“{PRESETS[record.preset].title}”",
    )
    return render(request, "playground/page.html", context)


@require_GET
async def why(request, sandbox_id: str, kind: str, namespace: str, name: str):
    _, live = await _owned_live(request, sandbox_id)
    if kind == "pod":
        context = await actions.read(live, why_pod, live.cluster, namespace, name)
        template = "why_pod"
    elif kind == "service":
        context = await actions.read(live, why_service, live.cluster, namespace, name)
        template = "why_service"
    elif kind == "node":
        context = await actions.read(live, node_details, live.runner, live.cluster, name)
        template = "why_node"
    elif kind in DESCRIBE_KINDS:
        output = await actions.read(live, actions.describe, live, kind, namespace, name)
        context = {"kind": kind, "name": name, "namespace": namespace, "output": output}
        template = "why_describe"
    else:
        raise Http404("Nothing to explain for that kind")
    if context is None:
        return render(
            request,
            "playground/partials/why_gone.html",
            {"kind": kind, "name": name, "namespace": namespace},
        )
    return render(request, f"playground/partials/{template}.html", {"why": context})


@require_GET
async def topology_view(request, sandbox_id: str):
    _, live = await _owned_live(request, sandbox_id)
    topo = await actions.read(live, topology, live.cluster)
    return render(request, "playground/partials/topology.html", {"topo": topo})


@require_GET
async def charts_view(request, sandbox_id: str):
    _, live = await _owned_live(request, sandbox_id)
    found = await actions.read(live, charts, live.cluster.traffic.history)
    context = {"charts": found, "example": "\n".join(EXAMPLE)}
    # drawn off the event loop: a long history is many SVG paths, and sockets wait meanwhile
    html = await sync_to_async(render_to_string, thread_sensitive=False)(
        "playground/partials/charts.html", context, request
    )
    return HttpResponse(html)


@require_GET
async def export_view(request, sandbox_id: str):
    _, live = await _owned_live(request, sandbox_id)
    text = await actions.read(live, export_yaml, live.cluster)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="clusterlab-{sandbox_id[:8]}.yaml"'
    return response


@require_GET
def manifest_template(request, key: str):
    template = TEMPLATES.get(key)
    if template is None:
        raise Http404("No such template")
    return HttpResponse(template.yaml, content_type="text/plain; charset=utf-8")
