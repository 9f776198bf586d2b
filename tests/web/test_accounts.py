"""Optional accounts: what a visitor did before signing up comes with them, an account shows
its progress on another device, signing out parks the clusters for the next sign-in, and
neither forged cookies nor foreign redirects reach anything."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from cluster_sim.models import Sandbox
from lessons.content_model import NumericAnswer
from lessons.course_cache import course
from lessons.learner import account_key
from lessons.models import LessonProgress, Prediction, QuizAttempt

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-pass-phrase-42"


def a_lesson():
    return next(
        lesson
        for lesson in course().lessons
        if lesson.predicts and any(q.type == "single" for q in lesson.quiz.questions)
    )


def first_step(lesson) -> int:
    return next(n for n, b in enumerate(lesson.body_blocks, 1) if b is lesson.predicts[0])


def guess_for(block) -> str:
    return (
        str(block.answer.value) if isinstance(block.answer, NumericAnswer) else block.choices[0].id
    )


def do_some_work(client, lesson) -> str:
    """Open the lesson, run a step, predict, answer a question right; the lesson's sandbox id."""
    client.get(f"/learn/{lesson.slug}/")
    client.post(f"/learn/{lesson.slug}/progress/", {"step": first_step(lesson)})
    block = lesson.predicts[0]
    client.post(f"/learn/{lesson.slug}/predict/{block.id}/", {"guess": guess_for(block)})
    question = next(q for q in lesson.quiz.questions if q.type == "single")
    client.post(f"/learn/{lesson.slug}/quiz/{question.id}/", {"answer": question.answer})
    return Sandbox.objects.get(lesson=lesson.slug, owner_session=client.session.session_key).id


def sign_up(client, name="ada"):
    return client.post(
        "/accounts/sign-up/",
        {"username": name, "password1": PASSWORD, "password2": PASSWORD, "next": "/learn/"},
    )


def test_what_a_visitor_did_comes_with_them_when_they_sign_up(client):
    lesson = a_lesson()
    sandbox_id = do_some_work(client, lesson)
    anonymous = client.session.session_key
    response = sign_up(client)
    assert response.status_code == 302 and response.url == "/learn/"
    account = account_key(User.objects.get(username="ada").pk)
    assert client.session.session_key != anonymous  # Django renews the key at sign-in
    for model in (QuizAttempt, LessonProgress, Prediction):
        assert model.objects.filter(learner=anonymous).count() == 0
        assert model.objects.filter(learner=account).count() == 1
    # the same cluster, now owned by the new session
    assert Sandbox.objects.get(id=sandbox_id).owner_session == client.session.session_key
    page = client.get(f"/learn/{lesson.slug}/").content.decode()
    assert sandbox_id in page and "Signed in as ada" in page
    assert "Continue where you left off" in page and "Run it again" in page


def test_an_account_shows_its_progress_on_another_device(client):
    lesson = a_lesson()
    do_some_work(client, lesson)
    sign_up(client)
    other_device = Client()
    assert "in progress" not in other_device.get("/learn/").content.decode()
    response = other_device.post("/accounts/sign-in/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert "in progress" in other_device.get("/learn/").content.decode()
    page = other_device.get(f"/learn/{lesson.slug}/").content.decode()
    assert "Continue where you left off" in page


def test_signing_out_parks_the_clusters_for_the_next_sign_in(client):
    lesson = a_lesson()
    sign_up(client)
    sandbox_id = do_some_work(client, lesson)
    client.post("/accounts/sign-out/")
    parked = Sandbox.objects.get(id=sandbox_id)
    assert parked.owner_session == "" and parked.parked_for.startswith("user:")
    assert "in progress" not in client.get("/learn/").content.decode()  # a new visitor here
    other_device = Client()
    other_device.post("/accounts/sign-in/", {"username": "ada", "password": PASSWORD})
    back = Sandbox.objects.get(id=sandbox_id)
    assert back.owner_session == other_device.session.session_key and back.parked_for == ""
    assert sandbox_id in other_device.get(f"/learn/{lesson.slug}/").content.decode()


def test_merging_keeps_every_attempt_the_furthest_step_and_the_first_prediction(client):
    lesson = a_lesson()
    block = lesson.predicts[0]
    sign_up(client)
    account = account_key(User.objects.get(username="ada").pk)
    steps = [n for n, b in enumerate(lesson.body_blocks, 1) if type(b).__name__ != "MarkdownBlock"]
    client.post(f"/learn/{lesson.slug}/progress/", {"step": steps[0]})
    client.post(f"/learn/{lesson.slug}/predict/{block.id}/", {"guess": guess_for(block)})
    client.post("/accounts/sign-out/")
    # later, signed out, the same person goes further and predicts again
    client.post(f"/learn/{lesson.slug}/progress/", {"step": steps[-1]})
    other = block.choices[-1].id if block.choices else str(block.answer.value + 3)
    client.post(f"/learn/{lesson.slug}/predict/{block.id}/", {"guess": other})
    client.post("/accounts/sign-in/", {"username": "ada", "password": PASSWORD})
    assert LessonProgress.objects.get(learner=account).last_step == steps[-1]
    kept = Prediction.objects.get(learner=account)
    assert kept.guess != other or block.choices  # the first prediction, made signed in
    assert Prediction.objects.count() == 1


def test_a_forged_cookie_does_not_reach_an_account(client):
    lesson = a_lesson()
    do_some_work(client, lesson)
    sign_up(client)
    account = account_key(User.objects.get(username="ada").pk)
    forger = Client()
    forger.cookies["sessionid"] = account  # the account's learner key, as a session cookie
    assert "in progress" not in forger.get("/learn/").content.decode()
    forger.post(f"/learn/{lesson.slug}/progress/", {"step": first_step(lesson)})
    assert LessonProgress.objects.filter(learner=account).count() == 1  # untouched
    assert forger.session.session_key != account


def test_bad_sign_ins_and_sign_ups_are_answered_in_words(client):
    sign_up(client, "grace")
    client.post("/accounts/sign-out/")
    wrong = client.post("/accounts/sign-in/", {"username": "grace", "password": "nope"})
    assert wrong.status_code == 400
    assert "Please enter a correct username and password" in wrong.content.decode()
    taken = sign_up(Client(), "grace")
    assert taken.status_code == 400
    assert "A user with that username already exists." in taken.content.decode()
    short = Client().post(
        "/accounts/sign-up/", {"username": "x", "password1": "abc", "password2": "abc"}
    )
    assert short.status_code == 400 and "too short" in short.content.decode()


def test_sign_in_goes_back_only_to_this_site(client):
    sign_up(client, "linus")
    client.post("/accounts/sign-out/")
    away = client.post(
        "/accounts/sign-in/",
        {"username": "linus", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert away.url == "/learn/"
    client.post("/accounts/sign-out/")
    back = client.post(
        "/accounts/sign-in/",
        {"username": "linus", "password": PASSWORD, "next": "/playground/"},
    )
    assert back.url == "/playground/"


def test_password_guessing_is_bounded_per_address(client, settings):
    settings.CLUSTERLAB_ACCOUNT_FAILURES_PER_ADDRESS = 3
    from django.core.cache import cache

    cache.clear()
    for _ in range(3):
        assert (
            client.post("/accounts/sign-in/", {"username": "a", "password": "b"}).status_code == 400
        )
    refused = client.post("/accounts/sign-in/", {"username": "a", "password": "b"})
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    cache.clear()


def test_sign_out_is_a_post_and_the_forms_render(client):
    assert client.get("/accounts/sign-out/").status_code == 405
    assert "Create an account" in client.get("/accounts/sign-up/").content.decode()
    page = client.get("/accounts/sign-in/?next=/learn/").content.decode()
    assert 'name="next" value="/learn/"' in page and "An account is optional" in page


def test_signing_in_over_another_account_takes_nothing_of_it(client):
    """A shared computer: ada is signed in, grace signs in without signing out first."""
    lesson = a_lesson()
    sign_up(client, "ada")
    sandbox_id = do_some_work(client, lesson)
    sign_up(Client(), "grace")
    client.post("/accounts/sign-in/", {"username": "grace", "password": PASSWORD})
    ada, grace = (account_key(User.objects.get(username=n).pk) for n in ("ada", "grace"))
    parked = Sandbox.objects.get(id=sandbox_id)
    assert parked.owner_session == "" and parked.parked_for == ada  # waiting for ada
    assert LessonProgress.objects.filter(learner=grace).count() == 0
    assert LessonProgress.objects.filter(learner=ada).count() == 1
    assert "in progress" not in client.get("/learn/").content.decode()


def test_a_class_behind_one_address_signs_in_freely_and_a_stale_sign_out_keeps_work(
    client, settings
):
    from django.core.cache import cache

    cache.clear()
    settings.CLUSTERLAB_ACCOUNT_FAILURES_PER_ADDRESS = 3
    for n in range(6):  # successes do not count against the failure limit
        assert sign_up(Client(), f"pupil{n}").status_code == 302
    # a sign-out button left in another tab, pressed by a visitor who is nobody now
    lesson = a_lesson()
    do_some_work(client, lesson)
    before = client.session.session_key
    assert client.post("/accounts/sign-out/").status_code == 302
    assert client.session.session_key == before
    assert "in progress" in client.get("/learn/").content.decode()
    cache.clear()


def test_parked_clusters_of_one_lesson_come_back_as_one(client):
    lesson = a_lesson()
    sign_up(client)
    first = do_some_work(client, lesson)
    client.post("/accounts/sign-out/")  # parks the first
    second = do_some_work(client, lesson)  # a visitor again: a second cluster for the lesson
    client.post("/accounts/sign-in/", {"username": "ada", "password": PASSWORD})
    client.post("/accounts/sign-out/")  # both parked now
    device = Client()
    device.post("/accounts/sign-in/", {"username": "ada", "password": PASSWORD})
    mine = Sandbox.objects.filter(owner_session=device.session.session_key, lesson=lesson.slug)
    assert mine.count() == 1 and mine.get().id in (first, second)
