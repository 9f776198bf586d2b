"""Who the course keeps progress for: the account when the learner is signed in, else the
browser's session. Sandboxes stay bound to the session (a socket is checked against it);
signing in carries the session's progress and sandboxes over (`accounts.carry_over`)."""

ACCOUNT_PREFIX = "user:"  # session keys are 32 lowercase letters and digits: no clash


def account_key(user_id: int) -> str:
    return f"{ACCOUNT_PREFIX}{user_id}"


def _session_key(request) -> str | None:
    """The session's key once the session is loaded: Django reports the cookie's raw value
    until then, and a forged cookie must never name an account's key."""
    key = request.session.session_key
    return key if key and key.isalnum() else None


def learner_key(request, create: bool = True) -> str | None:
    """The learner's key; with create=False, None for a first-time visitor (nothing kept yet)."""
    if request.user.is_authenticated:  # loads the session: a forged key is dropped
        return account_key(request.user.pk)
    if _session_key(request) is None:
        if not create:
            return None
        request.session.create()  # a new key, whatever the cookie said
    return request.session.session_key


async def alearner_key(request, create: bool = True) -> str | None:
    user = await request.auser()
    if user.is_authenticated:  # loads the session: a forged key is dropped
        return account_key(user.pk)
    if _session_key(request) is None:
        if not create:
            return None
        await request.session.acreate()
    return request.session.session_key
