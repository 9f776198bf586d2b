"""The test suite: `make test`."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The browser tests open a fresh visitor's playground per test, all from 127.0.0.1.
CLUSTERLAB_CREATIONS_PER_ADDRESS = {"playground": 10_000, "lesson": 10_000}
CLUSTERLAB_ACCOUNT_FAILURES_PER_ADDRESS = 10_000
CLUSTERLAB_SIGNUPS_PER_ADDRESS = 10_000
