from django.shortcuts import render

from cluster_sim.presets import PRESETS
from lessons.course_cache import course


def home(request):
    """The front page: the playground's presets and the course's lessons."""
    context = {"presets": PRESETS.values(), "lessons": course().lessons}
    return render(request, "core/home.html", context)
