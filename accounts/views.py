"""Optional accounts: sign up, sign in, sign out. An account keeps a learner's progress
across devices; without one it is kept for the browser's session. Signing in carries the
session's progress and clusters over (`carry_over`)."""

from django.conf import settings
from django.contrib.auth import login, logout
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from lessons.learner import account_key

from .carry_over import carry_progress, carry_sandboxes, park_sandboxes
from .forms import SignInForm, SignUpForm

WINDOW = 10 * 60  # seconds, for both limits below
TOO_MANY = "Too many attempts from your address: try again in a few minutes."


def _count(kind: str, request) -> int:
    """How many `kind` events this address had in the current window."""
    return cache.get(f"account-{kind}:{request.META.get('REMOTE_ADDR', '')}", 0)


def _counted(kind: str, request) -> None:
    key = f"account-{kind}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW)


def _refused(request, template: str) -> bool:
    """Password guessing is bounded by failed attempts per address, and mass sign-ups by
    accounts made per address. Successful sign-ins do not count: a class behind one
    address signs in freely (settings: CLUSTERLAB_ACCOUNT_FAILURES_PER_ADDRESS,
    CLUSTERLAB_SIGNUPS_PER_ADDRESS)."""
    if _count("failures", request) >= settings.CLUSTERLAB_ACCOUNT_FAILURES_PER_ADDRESS:
        return True
    signing_up = template == "accounts/sign_up.html"
    return signing_up and _count("signups", request) >= settings.CLUSTERLAB_SIGNUPS_PER_ADDRESS


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe and wanted.startswith("/") else "/learn/"


def _sign_in(request, user) -> None:
    """Sign `user` in. What this browser did comes along only if it was nobody's (or this
    user's) already: signing in over another account parks that account's clusters for it,
    as signing out would, and its progress stays its own."""
    previous = request.user if request.user.is_authenticated else None
    session = request.session.session_key or ""
    if previous is not None and previous.pk != user.pk:
        park_sandboxes(session, account_key(previous.pk))
        session = ""
    login(request, user)  # renews the session key (flushes it when the user changes)
    request.session.save()
    account = account_key(user.pk)
    if previous is None:
        carry_progress(session, account)
    carry_sandboxes(session, request.session.session_key, account)


HEADINGS = {"accounts/sign_up.html": "Create an account", "accounts/sign_in.html": "Sign in"}


def _form_page(request, template, form, status=200):
    context = {"form": form, "next": _next_url(request), "heading": HEADINGS[template]}
    return render(request, template, context, status=status)


def _account_form(request, template: str, blank, bound, user_of):
    """GET shows the form; POST is bounded per address, validated, then signs the user in."""
    if request.method == "GET":
        return _form_page(request, template, blank())
    form = bound()
    if _refused(request, template):
        form.add_error(None, TOO_MANY)
        return _form_page(request, template, form, status=429)
    if not form.is_valid():
        _counted("failures", request)
        return _form_page(request, template, form, status=400)
    user = user_of(form)
    if template == "accounts/sign_up.html":
        _counted("signups", request)
    _sign_in(request, user)
    return redirect(_next_url(request))


@require_http_methods(["GET", "POST"])
def sign_up(request):
    return _account_form(
        request,
        "accounts/sign_up.html",
        SignUpForm,
        lambda: SignUpForm(request.POST),
        lambda form: form.save(),
    )


@require_http_methods(["GET", "POST"])
def sign_in(request):
    return _account_form(
        request,
        "accounts/sign_in.html",
        lambda: SignInForm(request),
        lambda: SignInForm(request, data=request.POST),
        lambda form: form.get_user(),
    )


@require_POST
def sign_out(request):
    """The account keeps its progress and clusters; this browser starts as a new visitor.
    A stale button (signed out already, in another tab) changes nothing: logging out an
    anonymous visitor would throw away their session and its work."""
    if request.user.is_authenticated:
        park_sandboxes(request.session.session_key or "", account_key(request.user.pk))
        logout(request)
    return redirect("/learn/")
