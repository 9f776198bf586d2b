"""Who the course keeps progress for: the account when the learner is signed in, else the
browser's session. Sandboxes stay bound to the session (a socket is checked against it);
signing in carries the session's progress and sandboxes over (`accounts.carry_over`)."""

ACCOUNT_PREFIX = "user:"  # session keys are 32 lowercase letters and digits: no clash


def account_key(user_id: int) -> str:
    return f"{ACCOUNT_PREFIX}{user_id}"


def learner_key(request, create: bool = True) -> str | None:
    """The learner's key; with create=False, None for a first-time visitor (nothing kept yet)."""
    if request.user.is_authenticated:
        return account_key(request.user.pk)
    if request.session.session_key is None:
        if not create:
            return None
        request.session.save()
    return request.session.session_key


async def alearner_key(request, create: bool = True) -> str | None:
    user = await request.auser()
    if user.is_authenticated:
        return account_key(user.pk)
    if request.session.session_key is None:
        if not create:
            return None
        await request.session.asave()
    return request.session.session_key
