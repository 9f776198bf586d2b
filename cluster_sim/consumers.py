"""The playground's WebSocket: live updates out, learners' commands in.

A socket belongs to one sandbox and one visitor (their session must own it). It first
receives the whole view, then every change. Messages in are JSON objects (what
htmx-ext-ws's `ws-send` sends: the form's fields plus `HEADERS`) with an `action`. Bad
input of any kind gets an answer in the page and the socket stays open.
"""

import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from . import actions, sandboxes
from .editor_diagnostics import diagnostics_for
from .live.commands import MAX_STDIN_BYTES, CommandRejected
from .live.hub import hub
from .live.ratelimit import TokenBucket

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = MAX_STDIN_BYTES + 16 * 1024  # a full manifest plus its JSON envelope
CLOSE_NOT_YOURS = 4403
HELP_TEXT = """Type kubectl commands as you would in a terminal, for example:
  kubectl get pods -o wide          kubectl describe pod NAME
  kubectl create deployment web --image=nginx --replicas=3
  kubectl scale deployment web --replicas=5
  kubectl delete pod NAME           kubectl get events
ClusterLab's own verbs act on the simulation itself:
  sim node add NAME [--cpu 4] [--memory 8Gi] [--gpus 1]    sim node kill NAME | restore NAME
  sim advance 30s                   sim traffic SERVICE --rps 100
  sim profile fast                  sim help (all of them)
Keys: Up and Down walk the history; `clear` empties this console."""


class PlaygroundConsumer(AsyncWebsocketConsumer):
    live = None
    baseline = -1  # the view version of the full view this socket got (fanout.py)

    async def connect(self):
        sandbox_id = self.scope["url_route"]["kwargs"]["sandbox_id"]
        session_key = self.scope.get("session_key")  # cluster_sim.session_scope
        record = await database_sync_to_async(sandboxes.socket_sandbox)(sandbox_id, session_key)
        if record is None:
            # Accept, then close with our code: a refused handshake reaches the browser as
            # 1006, which htmx-ext-ws retries forever; 4403 it does not, and the page says why.
            await self.accept()
            await self.close(code=CLOSE_NOT_YOURS)
            return
        self.sandbox_id = sandbox_id
        self.live = await hub.live(sandbox_id)
        self.bucket = TokenBucket()
        await self.accept()
        await actions.attach(self.live, self)

    async def disconnect(self, code):
        if self.live is not None:
            await actions.detach(self.live, self)

    async def deliver(self, text: str) -> None:
        try:
            await self.send(text_data=text)
        except Exception:  # the socket went away mid-broadcast; disconnect() cleans up
            log.debug("dropped an update for a closed socket", exc_info=True)

    # --- messages in ---------------------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            await self._notice("The playground understands text messages only.")
            return
        if len(text_data) > MAX_MESSAGE_CHARS:
            await self._notice(
                f"That message is {len(text_data) // 1024:,} KiB; the playground accepts at "
                f"most {MAX_MESSAGE_CHARS // 1024:,} KiB at once. Apply large manifests in parts."
            )
            return
        if not self.bucket.take():
            await self._notice("Too many commands at once: wait a second and try again.")
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("action"), str):
            await self._notice("The playground could not read that message (not a JSON command).")
            return
        handler = getattr(self, "do_" + message["action"].replace("-", "_"), None)
        if handler is None:
            await self._notice(f"Unknown action {message['action'][:40]!r}.")
            return
        # Ownership can end while the socket is open (sign-out parks the sandbox, the
        # session expires): checked again before each action, not only at connect.
        session_key = self.scope.get("session_key")
        if (
            await database_sync_to_async(sandboxes.socket_sandbox)(self.sandbox_id, session_key)
            is None
        ):
            await self.close(code=CLOSE_NOT_YOURS)
            return
        try:
            await handler(message)
        except CommandRejected as error:
            await self._notice(str(error))
        except Exception:
            log.exception("playground action %r failed", message.get("action"))
            await self._notice("Something went wrong on our side; your cluster is unchanged.")

    async def do_run(self, message):
        line = message.get("line")
        # the page's own tag for this command, echoed so a lesson step finds its answer
        ref = str(message.get("ref", ""))[:40]
        if isinstance(line, str) and line.strip() == "help":
            await self._console("help", HELP_TEXT, None, ref=ref)
            return
        try:
            result = await actions.run_command(self.live, line)
        except CommandRejected as error:
            line = line if isinstance(line, str) else ""
            await self._console(line, str(error), None, True, ref=ref)
            return
        await self._console(result.line, result.output, result.seq, ref=ref)

    async def do_apply(self, message):
        text = message.get("yaml")
        try:
            result = await actions.apply_manifest(self.live, text)
        except CommandRejected as error:
            await self._editor_result(str(error), [], None, failed=True, refused=True)
            return
        found = await actions.in_engine_thread(diagnostics_for, text, result.output)
        diagnostics = [d.as_dict() for d in found]
        await self._editor_result(result.output, diagnostics, result.seq, failed=bool(diagnostics))

    async def do_add_node(self, message):
        result = await actions.add_node(self.live, str(message.get("size", ""))[:20])
        await self._console(result.line, result.output, result.seq)

    async def do_time(self, message):
        op = message.get("op")
        if op == "play":
            await actions.set_controls(self.live, paused=False)
        elif op == "pause":
            await actions.set_controls(self.live, paused=True)
        elif op == "step":
            await actions.step(self.live)
        elif op == "next":
            note = await actions.advance_to_next_event(self.live)
            if note:
                await self._notice(note)
        elif op == "speed":
            speed = message.get("speed")
            if isinstance(speed, str) and speed.isdigit():
                speed = int(speed)
            if type(speed) is not int or speed not in actions.SPEEDS:
                await self._notice(f"Speed must be one of {', '.join(map(str, actions.SPEEDS))}.")
            else:
                await actions.set_controls(self.live, speed=speed)
        else:
            await self._notice(f"Unknown time control {str(op)[:20]!r}.")

    async def do_reset(self, message):
        await actions.reset(self.live)
        await self._notice("The cluster is back to its preset at 0s.")

    # --- messages out (to this socket only) -----------------------------------------------------
    async def _console(self, line: str, output: str, seq, failed: bool = False, ref: str = ""):
        html = render_to_string(
            "playground/partials/console_entry.html",
            {"line": line, "output": output, "seq": seq, "failed": failed, "ref": ref},
        )
        await self.deliver(html)

    async def _editor_result(
        self, output: str, diagnostics: list, seq, failed: bool, refused: bool = False
    ):
        html = render_to_string(
            "playground/partials/editor_result.html",
            {
                "output": output,
                "diagnostics": diagnostics,
                "diagnostics_json": json.dumps(diagnostics),
                "seq": seq,
                "failed": failed,
                "refused": refused,
            },
        )
        await self.deliver(html)

    async def _notice(self, text: str):
        html = render_to_string("playground/partials/notice.html", {"text": text})
        await self.deliver(html)
