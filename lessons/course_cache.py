"""The course, loaded once per process (content changes need a restart, as code does)."""

from functools import cache

from .content_model import Course
from .loader import load_course


@cache
def course() -> Course:
    return load_course()
