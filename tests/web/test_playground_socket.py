"""The playground's WebSocket, through Channels' WebsocketCommunicator and the real ASGI app
(origin check, session middleware, routing, consumer, live hub, database)."""

import json

import pytest
from channels.db import database_sync_to_async

from cluster_sim import actions
from cluster_sim.live.commands import MAX_STDIN_BYTES
from cluster_sim.live.hub import hub
from cluster_sim.models import SandboxCommand

from .conftest import assert_refused, async_make_sandbox, drain, receive_until, socket_for

pytestmark = pytest.mark.django_db(transaction=True)


def command(line: str) -> str:
    return json.dumps({"action": "run", "line": line, "HEADERS": {"HX-Request": "true"}})


async def connected(sandbox_id, key):
    socket = socket_for(sandbox_id, key)
    ok, _ = await socket.connect()
    assert ok
    first = await socket.receive_from(timeout=3)
    return socket, first


@database_sync_to_async
def logged(sandbox_id):
    return list(
        SandboxCommand.objects.filter(sandbox_id=sandbox_id).values_list("seq", "line", "stdin")
    )


async def test_the_owner_gets_the_whole_view_first():
    key, sandbox = await async_make_sandbox()
    socket, first = await connected(sandbox.id, key)
    for region in ('id="nodes"', 'id="pods-unscheduled"', 'id="events-list"', 'id="sim-clock"'):
        assert region in first
    assert first.count('<article id="node-') == 3 and "worker-1" in first
    await socket.disconnect()


async def test_another_visitor_cannot_open_the_socket():
    _, sandbox = await async_make_sandbox()
    stranger, _ = await async_make_sandbox()
    for key in (stranger, None, "not-a-session"):
        await assert_refused(socket_for(sandbox.id, key))


async def test_a_foreign_origin_is_refused():
    key, sandbox = await async_make_sandbox()
    socket = socket_for(sandbox.id, key, origin=(b"origin", b"http://evil.example"))
    ok, _ = await socket.connect()
    assert not ok
    await socket.disconnect()


async def test_a_command_is_in_the_log_before_it_runs_and_before_the_answer(monkeypatch):
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    live = await hub.live(sandbox.id)
    seen_in_db = []
    original = live.runner.run_line
    # the engine runs on the event loop; let this spy query the database from there
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    def run_line(line, stdin=None):
        seen_in_db.append(SandboxCommand.objects.filter(sandbox_id=sandbox.id, line=line).exists())
        return original(line, stdin)

    monkeypatch.setattr(live.runner, "run_line", run_line)
    await socket.send_to(
        text_data=command("kubectl create deployment web --image=nginx --replicas=2")
    )
    answer = await receive_until(socket, r"console-entry")
    assert 'data-seq="0"' in answer and "deployment.apps/web created" in answer
    assert (
        await database_sync_to_async(
            lambda: SandboxCommand.objects.filter(sandbox_id=sandbox.id).count()
        )()
        == 1
    )
    assert seen_in_db == [True]
    await socket.disconnect()


async def test_reads_are_answered_but_not_logged():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    await socket.send_to(text_data=command("kubectl get nodes"))
    answer = await receive_until(socket, r"console-entry")
    assert "worker-1" in answer and "Ready" in answer and "data-seq" not in answer
    assert await logged(sandbox.id) == []
    await socket.disconnect()


async def test_both_tabs_see_a_change_made_in_one():
    key, sandbox = await async_make_sandbox()
    first, _ = await connected(sandbox.id, key)
    second, _ = await connected(sandbox.id, key)
    await first.send_to(text_data=command("kubectl run solo --image=nginx"))
    await receive_until(first, r"console-entry")
    update = await receive_until(second, r'class="pod ')
    assert "solo" in update and "console-entry" not in update  # output stays in its own tab
    await first.disconnect()
    await second.disconnect()


async def test_replay_after_a_restart_equals_the_live_cluster():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    live = await hub.live(sandbox.id)
    script = [
        "kubectl create deployment web --image=nginx --replicas=3",
        "kubectl get pods",  # a read between writes
        "kubectl expose deployment web --port=80",
        "sim profile fast",
        "sim node kill worker-2",
        "kubectl scale deployment web --replicas=5",
        "sim traffic web --rps 40",
    ]
    for index, line in enumerate(script):
        await socket.send_to(text_data=command(line))
        await receive_until(socket, r"console-entry")
        for _ in range(index + 1):  # uneven steps of the clock between commands
            await actions.step(live, 700)
    await actions.advance_wall_clock(live, 0)  # nothing owed: a no-op tick
    await actions.step(live, 90_000)
    await socket.disconnect()  # saves the clock
    before = _state(live)

    hub.forget()  # what a restart leaves: the database only
    replayed = await hub.live(sandbox.id)
    assert replayed is not live
    assert _state(replayed) == before
    assert "worker-2" in before["nodes"] and "NotReady" in before["nodes"]


def _state(live):
    run = live.runner.run_line
    return {
        "clock": live.cluster.now_ms,
        "all": run("kubectl get all -A -o yaml"),
        "nodes": run("kubectl get nodes"),
        "events": run("kubectl get events -A"),
        "traffic": run("sim traffic"),
        "rng": live.cluster.ctx.rng.getstate(),
    }


async def test_bad_yaml_gets_its_error_at_its_line():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: app\n    tier: x\n"
    await socket.send_to(text_data=json.dumps({"action": "apply", "yaml": text}))
    answer = await receive_until(socket, r'id="editor-result"')
    diagnostics = json.loads(_attribute(answer, "data-diagnostics"))
    assert diagnostics and diagnostics[0]["line"] == 6
    assert "mapping values are not allowed" in diagnostics[0]["message"]
    await socket.disconnect()


async def test_a_good_manifest_applies_and_shows_no_diagnostics():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: nginx\n"
    await socket.send_to(text_data=json.dumps({"action": "apply", "yaml": text}))
    answer = await receive_until(socket, r'id="editor-result"')
    assert "pod/web created" in answer and _attribute(answer, "data-diagnostics") == "[]"
    assert await logged(sandbox.id) == [(0, "kubectl apply -f -", text)]
    await socket.disconnect()


def _attribute(html: str, name: str) -> str:
    import html as html_lib
    import re

    match = re.search(rf'{name}="([^"]*)"', html)
    assert match, f"no {name} in {html[:500]}"
    return html_lib.unescape(match.group(1))


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("x" * (MAX_STDIN_BYTES + 20_000), "the playground accepts at most"),
        ("{not json", "could not read that message"),
        ("[1, 2]", "could not read that message"),
        (json.dumps({"action": "explode"}), "Unknown action"),
        (json.dumps({"action": "run", "line": 42}), "a command must be text"),
        (json.dumps({"action": "run", "line": "a\nb"}), "one command per line"),
        (json.dumps({"action": "time", "op": "speed", "speed": 7}), "Speed must be one of"),
        (json.dumps({"action": "apply", "yaml": ["not", "text"]}), "must be text"),
        (json.dumps({"action": "add-node", "size": "huge"}), "unknown node size"),
        (json.dumps({"action": "run", "line": "sim advance 100000h"}), "at most 24h per command"),
        (
            json.dumps({"action": "run", "line": "sim node add --count 10000000 --prefix x-"}),
            "holds at most 500 nodes",
        ),
        (json.dumps({"action": "run", "line": "kubectl get pods \ud800"}), "not valid Unicode"),
        (json.dumps({"action": "time", "op": "speed", "speed": 1.5}), "Speed must be one of"),
        (json.dumps({"action": "apply", "yaml": None}), "must be text"),
    ],
)
async def test_bad_input_gets_a_clear_answer_and_the_socket_stays_open(message, expected):
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    await socket.send_to(text_data=message)
    answer = await drain(socket)
    assert expected in answer
    await socket.send_to(text_data=command("kubectl get nodes"))
    assert "worker-3" in await receive_until(socket, r"console-entry")
    assert await logged(sandbox.id) == []  # nothing refused reached the log
    await socket.disconnect()


async def test_binary_frames_are_answered_not_fatal():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    await socket.send_to(bytes_data=b"\x00\x01")
    assert "text messages only" in await drain(socket)
    await socket.disconnect()


async def test_a_flood_is_slowed_down_not_dropped_silently():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    for _ in range(45):
        await socket.send_to(text_data=command("kubectl get nodes"))
    answer = await drain(socket, quiet=0.5)
    assert answer.count("console-entry") >= 30
    assert "Too many commands at once" in answer
    await socket.disconnect()


async def test_time_controls_pause_step_and_change_speed():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    await socket.send_to(text_data=json.dumps({"action": "time", "op": "pause"}))
    assert 'data-paused="true"' in await receive_until(socket, r'id="sim-clock"')
    await socket.send_to(text_data=json.dumps({"action": "time", "op": "step"}))
    assert '<span class="clock-time">1s</span>' in await receive_until(socket, r'id="sim-clock"')
    await socket.send_to(text_data=json.dumps({"action": "time", "op": "speed", "speed": 20}))
    assert 'data-speed="20"' in await receive_until(socket, r'id="sim-clock"')
    live = await hub.live(sandbox.id)
    assert live.paused and live.speed == 20
    await socket.disconnect()


async def test_next_event_jumps_to_the_next_timer():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    await socket.send_to(text_data=command("kubectl run solo --image=nginx"))
    await receive_until(socket, r"console-entry")
    live = await hub.live(sandbox.id)
    due = live.cluster.next_event_ms()
    assert due is not None and due > live.cluster.now_ms
    await socket.send_to(text_data=json.dumps({"action": "time", "op": "next"}))
    await drain(socket)
    assert live.cluster.now_ms == due
    await socket.disconnect()


async def test_add_node_names_it_and_logs_the_command():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    await socket.send_to(text_data=json.dumps({"action": "add-node", "size": "gpu"}))
    answer = await receive_until(socket, r"console-entry")
    assert "$ sim node add node-1 --cpu 8 --memory 32Gi --gpus 1" in answer
    assert await logged(sandbox.id) == [
        (0, "sim node add node-1 --cpu 8 --memory 32Gi --gpus 1", None)
    ]
    await socket.disconnect()


async def test_reset_goes_back_to_the_preset_and_keeps_the_old_log():
    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    await socket.send_to(text_data=command("kubectl run solo --image=nginx"))
    await receive_until(socket, r"console-entry")
    await socket.send_to(text_data=json.dumps({"action": "reset"}))
    answer = await receive_until(socket, r"back to its preset")
    assert 'id="nodes"' in answer
    live = await hub.live(sandbox.id)
    assert live.cluster.store.get("Pod", "default", "solo") is None and live.epoch == 1
    assert len(await logged(sandbox.id)) == 1  # kept, under epoch 0
    hub.forget()
    assert (await hub.live(sandbox.id)).cluster.store.get("Pod", "default", "solo") is None
    await socket.disconnect()


async def test_a_socket_whose_sandbox_is_parked_or_whose_session_ended_is_closed():
    """Ownership is checked before each action, not only at connect: a tab left open after
    sign-out (the sandbox parked for the account) cannot drive the cluster any more."""
    from cluster_sim.models import Sandbox

    key, sandbox = await async_make_sandbox()
    socket, _ = await connected(sandbox.id, key)
    await socket.send_to(text_data=command("kubectl create deployment mine --image=nginx"))
    await receive_until(socket, "deployment.apps/mine created")
    await database_sync_to_async(Sandbox.objects.filter(id=sandbox.id).update)(
        owner_session="", parked_for="user:1"
    )
    await socket.send_to(text_data=command("kubectl create deployment intruder --image=nginx"))
    while True:  # updates may still be on their way; the close comes after them
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 4403
    assert all("intruder" not in line for _, line, _ in await logged(sandbox.id))
