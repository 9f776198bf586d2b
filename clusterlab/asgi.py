"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

from cluster_sim import gc_policy

# The server holds learners' clusters for as long as it runs: see gc_policy.
gc_policy.install()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterlab.settings.dev")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from cluster_sim.routing import websocket_urlpatterns  # noqa: E402
from cluster_sim.session_scope import SessionKeyStack  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(SessionKeyStack(URLRouter(websocket_urlpatterns))),
    }
)
