"""The visitor's own cluster for a lesson or a hands-on task: a sandbox made on first visit."""

from channels.db import database_sync_to_async

from cluster_sim import sandboxes
from cluster_sim.views import creation_allowed


async def own_cluster(request, name: str, spec, paused: bool = False):
    """The visitor's sandbox `name` (a lesson or a task), made from `spec` on first visit;
    None when this address has made too many sandboxes lately. A lesson's starts `paused`
    (see sandboxes.lesson_sandbox); a task's runs, so what the learner does plays out."""
    if request.session.session_key is None:
        await request.session.asave()
    key = request.session.session_key
    record = await database_sync_to_async(sandboxes.find_lesson_sandbox)(key, name)
    if record is None:
        if not await database_sync_to_async(creation_allowed)(request, "lesson"):
            return None
        record = await database_sync_to_async(sandboxes.lesson_sandbox)(
            key, name, spec.preset, spec.profile, spec.setup, paused
        )
    return record
