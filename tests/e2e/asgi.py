"""The application the browser tests serve: clusterlab.asgi plus static files.

Daphne serves ASGI (HTTP and WebSockets) but, unlike `manage.py runserver`, no static
files, and the test settings run with DEBUG=False. So wrap the real application in
Django's ASGIStaticFilesHandler, which is exactly what `runserver` adds. It answers
only HTTP requests under STATIC_URL; everything else, WebSocket connections included,
goes straight to the project's ProtocolTypeRouter.
"""

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from clusterlab.asgi import application as clusterlab_application

application = ASGIStaticFilesHandler(clusterlab_application)
