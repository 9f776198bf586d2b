"""WebSocket routes."""

from django.urls import path

from .consumers import PlaygroundConsumer

websocket_urlpatterns = [
    path("ws/playground/<str:sandbox_id>/", PlaygroundConsumer.as_asgi()),
]
