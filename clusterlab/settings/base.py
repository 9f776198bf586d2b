"""Settings shared by every environment; dev, test and prod import from here."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("CLUSTERLAB_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS = [
    # daphne first, so `runserver` serves ASGI (HTTP and WebSockets).
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "cluster_sim",
    "lessons",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.resolve_user",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "clusterlab.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = None
ASGI_APPLICATION = "clusterlab.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("CLUSTERLAB_DB", str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": {
            # WAL lets the runner write the command log while pages read.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        },
    }
}

# One process, no external service: the in-memory layer. The Redis layer plugs
# in here for several processes (a later issue).
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# New sandboxes one client address may create per ten minutes (sessions are free, so the
# per-session cap alone does not bound a crawler). Lessons get more: a class behind one
# address (NAT) opens the same lesson at once.
CLUSTERLAB_CREATIONS_PER_ADDRESS = {"playground": 30, "lesson": 400}
# Per address per 10 minutes (accounts.views): failed sign-ins and sign-ups (password
# guessing), and accounts made (a class behind one NAT makes one each).
CLUSTERLAB_ACCOUNT_FAILURES_PER_ADDRESS = 30
CLUSTERLAB_SIGNUPS_PER_ADDRESS = 400
LOGIN_URL = "/accounts/sign-in/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Learners' progress is keyed on their session: keep it alive while they use the site.
SESSION_COOKIE_AGE = 365 * 24 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
