""" "Run the scenario": after an attempt at a numeric question, the learner sees the scenario
run on a fresh cluster and the number its check shows, beside their own answer."""

import asyncio

from channels.db import database_sync_to_async
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from .learner import alearner_key
from .quiz_views import question_or_404, question_state
from .scenario_run import run_scenario
from .task_views import GRADER


@require_POST
async def verify(request, slug: str, question_id: str):
    lesson, question = question_or_404(slug, question_id)
    if question.type != "numeric" or not question.check:
        raise Http404("This question has no scenario to run")
    learner = await alearner_key(request, create=False)
    state = await database_sync_to_async(question_state)(learner, slug, question)
    context = {"question": question, "attempts": state["attempts"]}
    if state["attempts"]:  # answer first: the run gives the answer away
        loop = asyncio.get_running_loop()
        context["run"] = await loop.run_in_executor(GRADER, run_scenario, slug, question.id)
    return render(request, "lessons/partials/scenario_run.html", context)
