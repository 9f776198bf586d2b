"""Fan-out order and baselines, the ticker's clock-only updates, and expired sessions."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.utils import timezone

from cluster_sim import actions
from cluster_sim.live import fanout as fanout_module
from cluster_sim.live.fanout import LocalFanout
from cluster_sim.live.hub import hub

from .conftest import assert_refused, async_make_sandbox, socket_for


class Recorder:
    def __init__(self, baseline=-1):
        self.baseline = baseline
        self.got: list[str] = []

    async def deliver(self, text):
        self.got.append(text)
        await asyncio.sleep(0)  # a real socket write may let other tasks run


async def test_a_viewer_skips_updates_its_full_view_already_shows():
    fanout = LocalFanout()
    old, new = Recorder(baseline=3), Recorder(baseline=5)
    fanout.subscribe("s", old)
    fanout.subscribe("s", new)
    await fanout.publish("s", "v4", 4)
    await fanout.publish("s", "v6", 6)
    assert old.got == ["v4", "v6"] and new.got == ["v6"]


async def test_concurrent_publishes_reach_every_viewer_in_order(monkeypatch):
    monkeypatch.setattr(fanout_module, "YIELD_EVERY", 3)  # yield often, mid-fan-out
    fanout = LocalFanout()
    viewers = [Recorder() for _ in range(20)]
    for viewer in viewers:
        fanout.subscribe("s", viewer)
    await asyncio.gather(*(fanout.publish("s", f"v{n}", n) for n in range(1, 6)))
    assert all(v.got == ["v1", "v2", "v3", "v4", "v5"] for v in viewers)


@pytest.mark.django_db(transaction=True)
async def test_the_ticker_sends_a_moving_clock_at_most_once_a_second(monkeypatch):
    _, sandbox = await async_make_sandbox()
    live = await hub.live(sandbox.id)
    viewer = Recorder()
    await actions.attach(live, viewer)
    await actions.set_controls(live, speed=20)
    viewer.got.clear()
    now = [1000.0]
    monkeypatch.setattr(actions, "_loop_time", lambda: now[0])
    for _ in range(4):  # one wall second of ticks at 20x: 20 simulated seconds
        await actions.advance_wall_clock(live, 0.25)
        now[0] += 0.25
    assert len(viewer.got) == 1 and "sim-clock" in viewer.got[0]
    now[0] += 1.0
    await actions.advance_wall_clock(live, 0.25)
    assert len(viewer.got) == 2 and '<span class="clock-time">25s</span>' in viewer.got[1]
    await actions.run_command(live, "kubectl run solo --image=nginx")
    await actions.advance_wall_clock(live, 0.25)  # more than the clock: sent at once
    assert len(viewer.got) == 4 and "solo" in viewer.got[2]


@pytest.mark.django_db(transaction=True)
async def test_an_expired_session_cannot_open_its_old_sandbox():
    key, sandbox = await async_make_sandbox()
    await database_sync_to_async(
        lambda: Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
    )()
    await assert_refused(socket_for(sandbox.id, key))


@pytest.mark.django_db(transaction=True)
async def test_the_ticker_advances_watched_sandboxes_only(settings):
    settings.CLUSTERLAB_TICKER = True
    _, watched_record = await async_make_sandbox()
    _, unwatched_record = await async_make_sandbox()
    watched, unwatched = await hub.live(watched_record.id), await hub.live(unwatched_record.id)
    viewer = Recorder()
    await actions.attach(watched, viewer)
    await asyncio.sleep(0.8)
    assert watched.cluster.now_ms >= 500 and unwatched.cluster.now_ms == 0
    await actions.detach(watched, viewer)
    stopped_at = watched.cluster.now_ms
    await asyncio.sleep(0.6)
    assert watched.cluster.now_ms == stopped_at  # nobody watches: no ticks


@pytest.mark.django_db(transaction=True)
async def test_a_long_command_in_one_sandbox_does_not_hold_up_another(monkeypatch):
    import time

    _, slow_record = await async_make_sandbox()
    _, quick_record = await async_make_sandbox()
    slow, quick = await hub.live(slow_record.id), await hub.live(quick_record.id)
    original = slow.runner.run_line

    def run_line_slowly(line, stdin=None):
        time.sleep(1.0)  # an engine busy for a second (scaling to thousands of pods, say)
        return original(line, stdin)

    monkeypatch.setattr(slow.runner, "run_line", run_line_slowly)
    loop = asyncio.get_running_loop()
    started = loop.time()
    slow_task = asyncio.create_task(actions.run_command(slow, "kubectl get nodes"))
    await asyncio.sleep(0.05)
    answer = await actions.run_command(quick, "kubectl get nodes")
    assert "worker-1" in answer.output and loop.time() - started < 0.6
    assert not slow_task.done()
    assert "worker-1" in (await slow_task).output
