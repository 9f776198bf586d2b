"""A learner's sandbox is its durable record: preset, seed, profile and command log.

The engine is deterministic, so replaying the log (each command at the simulated
time it ran) rebuilds the exact cluster; nothing else about a cluster is stored.
"""

import secrets

from django.db import models


def new_sandbox_id() -> str:
    """Unguessable: 128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


class Sandbox(models.Model):
    id = models.CharField(primary_key=True, max_length=32, default=new_sandbox_id, editable=False)
    # The visitor's session: a socket is checked against its cookie. Empty while parked.
    owner_session = models.CharField(max_length=64, db_index=True)
    # At sign-out a session's sandboxes wait here for the account's next sign-in
    # (accounts.carry_over); a parked sandbox has no owner session, so nobody reaches it.
    parked_for = models.CharField(max_length=64, blank=True, default="", db_index=True)
    preset = models.CharField(max_length=32)
    # A lesson's embedded cluster names its lesson (slug); playground sandboxes leave it empty.
    lesson = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # Lines run on the preset when the cluster is built (a lesson's setup), before the log.
    setup = models.JSONField(default=list, blank=True)
    seed = models.BigIntegerField()
    # The profile the sandbox was built with; `sim profile` changes after that are commands.
    initial_profile = models.CharField(max_length=16, default="realistic")
    # Simulated time last saved while the clock ran; replay advances at least this far.
    clock_ms = models.BigIntegerField(default=0)
    # "Reset to the preset" starts a new epoch; earlier epochs' commands are kept.
    epoch = models.PositiveIntegerField(default=0)
    speed = models.PositiveSmallIntegerField(default=1)
    paused = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"sandbox {self.id} ({self.preset})"


class SandboxCommand(models.Model):
    """One acknowledged command: a `kubectl …` or `sim …` line, as the script runner reads it."""

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="commands")
    epoch = models.PositiveIntegerField(default=0)
    seq = models.PositiveIntegerField()
    at_ms = models.BigIntegerField()  # the simulated instant it was applied
    line = models.TextField()
    stdin = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["epoch", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["sandbox", "epoch", "seq"], name="unique_command_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.sandbox_id}#{self.seq} @{self.at_ms}ms: {self.line}"
