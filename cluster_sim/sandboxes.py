"""Sandboxes in the database: create, find a visitor's own, append to the log, save the clock.

Synchronous ORM code: the async layers call it through `database_sync_to_async`.
"""

import secrets

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from .models import Sandbox, SandboxCommand
from .presets import DEFAULT_PRESET, PRESETS

SEED_BITS = 31


MAX_SANDBOXES_PER_SESSION = 50


class TooManySandboxes(Exception):
    pass


def create_sandbox(owner_session: str, preset: str = DEFAULT_PRESET) -> Sandbox:
    if preset not in PRESETS:
        raise KeyError(preset)
    if Sandbox.objects.filter(owner_session=owner_session).count() >= MAX_SANDBOXES_PER_SESSION:
        raise TooManySandboxes(MAX_SANDBOXES_PER_SESSION)
    return Sandbox.objects.create(
        owner_session=owner_session, preset=preset, seed=secrets.randbits(SEED_BITS)
    )


def owned_sandbox(sandbox_id: str, owner_session: str | None) -> Sandbox | None:
    """The sandbox if this session owns it; None otherwise (never say which)."""
    if not owner_session or not sandbox_id:
        return None
    return Sandbox.objects.filter(id=sandbox_id, owner_session=owner_session).first()


def socket_sandbox(sandbox_id: str, session_key: str | None) -> Sandbox | None:
    """As owned_sandbox, for a WebSocket holding only the cookie's value: the session must
    also exist and not have expired (HTTP requests get that from SessionMiddleware)."""
    if (
        not session_key
        or not Session.objects.filter(
            session_key=session_key, expire_date__gt=timezone.now()
        ).exists()
    ):
        return None
    return owned_sandbox(sandbox_id, session_key)


def latest_sandbox(owner_session: str | None) -> Sandbox | None:
    """The visitor's latest playground (lessons' embedded clusters are not playgrounds)."""
    if not owner_session:
        return None
    return Sandbox.objects.filter(owner_session=owner_session, lesson="").first()


def sandboxes_of(owner_session: str | None) -> list[Sandbox]:
    if not owner_session:
        return []
    return list(Sandbox.objects.filter(owner_session=owner_session, lesson="")[:20])


def find_lesson_sandbox(owner_session: str, lesson: str) -> Sandbox | None:
    return Sandbox.objects.filter(owner_session=owner_session, lesson=lesson).first()


def lesson_sandbox(
    owner_session: str, lesson: str, preset: str, profile: str, setup, paused: bool = False
) -> Sandbox:
    """The visitor's embedded cluster for a lesson, made on first visit: the preset plus the
    lesson's setup lines (part of how the cluster is built, so a reset keeps them). A
    lesson's cluster starts `paused`: its steps move the clock (`sim advance`), so what the
    learner sees matches the text however long they read."""
    with transaction.atomic():
        record = Sandbox.objects.filter(owner_session=owner_session, lesson=lesson).first()
        if record is not None:
            return record
        record = Sandbox.objects.create(
            owner_session=owner_session,
            lesson=lesson,
            preset=preset,
            initial_profile=profile,
            setup=list(setup),
            seed=secrets.randbits(SEED_BITS),
            paused=paused,
        )
        return record


def log_of(sandbox_id: str, epoch: int, before_seq: int) -> list[SandboxCommand]:
    """The commands of one epoch logged before `before_seq`, in order."""
    return list(
        SandboxCommand.objects.filter(
            sandbox_id=sandbox_id, epoch=epoch, seq__lt=before_seq
        ).order_by("seq")
    )


def load_sandbox(sandbox_id: str) -> tuple[Sandbox, list[SandboxCommand]] | None:
    record = Sandbox.objects.filter(id=sandbox_id).first()
    if record is None:
        return None
    commands = list(record.commands.filter(epoch=record.epoch).order_by("seq"))
    return record, commands


def append_command(
    sandbox_id: str, epoch: int, seq: int, at_ms: int, line: str, stdin: str | None
) -> None:
    """Durable before the command runs: the caller applies it only after this returns."""
    with transaction.atomic():
        SandboxCommand.objects.create(
            sandbox_id=sandbox_id, epoch=epoch, seq=seq, at_ms=at_ms, line=line, stdin=stdin
        )
        Sandbox.objects.filter(id=sandbox_id).update(clock_ms=at_ms, updated_at=timezone.now())


def save_runner_state(sandbox_id: str, epoch: int, clock_ms: int, speed: int, paused: bool) -> None:
    """The clock of `epoch` only: a save racing a reset must not move the new epoch's clock."""
    Sandbox.objects.filter(id=sandbox_id, epoch=epoch).update(
        clock_ms=clock_ms, speed=speed, paused=paused, updated_at=timezone.now()
    )


def start_new_epoch(sandbox_id: str) -> int:
    """Reset to the preset: later replays start from an empty log; the old one is kept."""
    with transaction.atomic():
        record = Sandbox.objects.select_for_update().get(id=sandbox_id)
        record.epoch += 1
        record.clock_ms = 0
        record.save(update_fields=["epoch", "clock_ms", "updated_at"])
        return record.epoch
