"""Production: secrets and hosts come from the environment."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["CLUSTERLAB_SECRET_KEY"]
ALLOWED_HOSTS = os.environ.get("CLUSTERLAB_ALLOWED_HOSTS", "").split(",")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
