"""The signed-in user, resolved before the view: pages rendered by async views show the
account in their header, and a template may not query the database from an async view."""

from asgiref.sync import iscoroutinefunction
from django.utils.decorators import sync_and_async_middleware


@sync_and_async_middleware
def resolve_user(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request):
            request.user = await request.auser()
            return await get_response(request)

    else:

        def middleware(request):
            request.user.is_authenticated  # noqa: B018  (resolves the lazy user now)
            return get_response(request)

    return middleware
