"""WebSocket routes. The live playground's consumer is added by its issue."""

websocket_urlpatterns: list = []
