"""Signing in carries what the visitor did before it into the account: their progress
(quiz attempts, lesson steps, predictions) moves from the session to the account, and their
sandboxes follow the session's new key (Django renews the key at sign-in).

Sandboxes are bound to a session, because a socket is checked against its cookie. Signing
out parks the session's sandboxes for the account (no session owns them then); signing in
again, here or on another device, brings them back to that session. Nothing a learner
built is lost."""

from django.db import transaction

from cluster_sim.models import Sandbox
from lessons.models import LessonProgress, Prediction, QuizAttempt


@transaction.atomic
def carry_progress(anonymous: str, account: str) -> None:
    """Move an anonymous learner's progress to an account, merging with what it holds:
    every quiz attempt is kept, the furthest step wins, the earlier prediction wins."""
    QuizAttempt.objects.filter(learner=anonymous).update(learner=account)
    for progress in LessonProgress.objects.filter(learner=anonymous):
        held = LessonProgress.objects.filter(learner=account, lesson=progress.lesson).first()
        if held is None:
            progress.learner = account
            progress.save(update_fields=["learner"])
            continue
        if progress.last_step > held.last_step:
            held.last_step = progress.last_step
            held.save(update_fields=["last_step", "updated_at"])
        progress.delete()
    for prediction in Prediction.objects.filter(learner=anonymous):
        held = Prediction.objects.filter(
            learner=account, lesson=prediction.lesson, block=prediction.block
        ).first()
        if held is None:
            prediction.learner = account
            prediction.save(update_fields=["learner"])
        elif prediction.created_at < held.created_at:
            held.guess = prediction.guess
            held.save(update_fields=["guess"])
            prediction.delete()
        else:
            prediction.delete()


@transaction.atomic
def carry_sandboxes(old_session: str, new_session: str, account: str) -> None:
    """The clusters of this device's session, and those parked by the account, go to the
    new session. A lesson has one cluster per session: this device's wins, the parked one
    stays parked."""
    if old_session:
        Sandbox.objects.filter(owner_session=old_session).update(owner_session=new_session)
    here = set(
        Sandbox.objects.filter(owner_session=new_session)
        .exclude(lesson="")
        .values_list("lesson", flat=True)
    )
    back = []
    for sandbox in Sandbox.objects.filter(parked_for=account).order_by("-updated_at"):
        if sandbox.lesson:
            if sandbox.lesson in here:
                continue  # one cluster per lesson: the newest parked one comes back
            here.add(sandbox.lesson)
        back.append(sandbox.id)
    Sandbox.objects.filter(id__in=back).update(owner_session=new_session, parked_for="")


def park_sandboxes(session: str, account: str) -> None:
    """At sign-out: the session's clusters wait for the account's next sign-in."""
    if session:
        Sandbox.objects.filter(owner_session=session).update(owner_session="", parked_for=account)
