"""The visitor's session key for WebSockets, without Channels' SessionMiddleware.

Channels' SessionMiddleware wraps `send` to save a modified session after every outgoing
message; at 500 viewers that check was a fifth of the fan-out's time (BENCHMARKS.md).
A playground socket needs the session only to know whose it is, once, at connect:
this middleware puts the session cookie's value in `scope["session_key"]` and leaves
`send` alone. The consumer checks that the session exists and owns the sandbox.
"""

from channels.sessions import CookieMiddleware
from django.conf import settings


class SessionKeyMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        key = (scope.get("cookies") or {}).get(settings.SESSION_COOKIE_NAME)
        return await self.inner(dict(scope, session_key=key), receive, send)


def SessionKeyStack(inner):  # noqa: N802  (named like Channels' AuthMiddlewareStack)
    return CookieMiddleware(SessionKeyMiddleware(inner))
