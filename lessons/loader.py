"""Load and validate the course in `lessons/content/` (the format is its README.md).

Every problem is collected, each with its file and line where there is one, and raised
together as one ContentError: an author fixes a lesson in one pass. Pure Python (no
Django), so CI can validate the course and run the solution bots without a database.
"""

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from . import content_fields as f
from .body_blocks import build_blocks
from .cluster_specs import parse_cluster_spec
from .content_model import ClusterSpec, Course, Diagram, Lesson, Quiz
from .content_yaml import YamlError, load
from .diagrams import name_problem, svg_problems
from .markdown import parse_body
from .quiz_loader import parse_quiz

CONTENT_DIR = Path(__file__).parent / "content"
LESSON_DIR = re.compile(r"(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\Z")
FRONT_MATTER = "---"


class ContentError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def goal_checks_registry() -> Mapping[str, Callable]:
    """lessons.goals.GOAL_CHECKS, imported only when content is loaded."""
    from .goals import GOAL_CHECKS

    return GOAL_CHECKS


def load_course(root: Path = CONTENT_DIR, goal_checks: Mapping | None = None) -> Course:
    """Every lesson directory under `root`, by order; ContentError lists all problems."""
    problems = f.Problems(root)
    checks = goal_checks if goal_checks is not None else goal_checks_registry()
    lessons: list[Lesson] = []
    directories = sorted(
        path for path in root.iterdir() if path.is_dir() and not path.name.startswith((".", "_"))
    )
    for directory in directories:
        lesson = _lesson(directory, problems, checks)
        if lesson is not None:
            lessons.append(lesson)
    orders: dict[int, str] = {}
    for directory in directories:
        match = LESSON_DIR.match(directory.name)
        if match:
            order = int(match.group(1))
            if order in orders:
                problems.add(directory, None, f"duplicate order {order:02d} (also {orders[order]})")
            orders.setdefault(order, directory.name)
    if problems.errors:
        raise ContentError(problems.errors)
    return Course(tuple(sorted(lessons, key=lambda lesson: lesson.order)))


def load_lesson(path: Path, goal_checks: Mapping | None = None) -> Lesson:
    """One lesson directory; ContentError lists all its problems."""
    problems = f.Problems(path.parent)
    checks = goal_checks if goal_checks is not None else goal_checks_registry()
    lesson = _lesson(path, problems, checks)
    if problems.errors or lesson is None:
        raise ContentError(problems.errors)
    return lesson


def _lesson(directory: Path, problems: f.Problems, goal_checks: Mapping) -> Lesson | None:
    match = LESSON_DIR.match(directory.name)
    if not match:
        problems.add(
            directory,
            None,
            "a lesson directory is named NN-slug (two digits, lowercase words joined by '-')",
        )
    cluster = _cluster(directory / "cluster.yaml", problems)
    quiz = _quiz(directory / "quiz.yaml", problems, cluster, goal_checks)
    page = _page(directory / "lesson.md", problems)
    if not match or page is None or quiz is None:
        return None
    front, blocks, diagrams = page
    if None in front.values():
        return None
    return Lesson(
        slug=directory.name,
        order=int(match.group(1)),
        body_blocks=blocks,
        quiz=quiz,
        cluster=cluster,
        diagrams=diagrams,
        **front,
    )


def _yaml_file(path: Path, problems: f.Problems, first_line: int = 1, text: str | None = None):
    """A YAML file's value, or None after reporting why it could not be read."""
    try:
        value, duplicates = load(
            path.read_text(encoding="utf-8") if text is None else text, first_line
        )
    except (OSError, UnicodeDecodeError) as error:
        problems.add(path, None, f"cannot read: {error}")
        return None
    except YamlError as error:
        problems.add(path, error.line, error.message)
        return None
    for message, line in duplicates:
        problems.add(path, line, message)
    return value


def _cluster(path: Path, problems: f.Problems) -> ClusterSpec:
    if not path.exists():
        return ClusterSpec()
    value = _yaml_file(path, problems)
    mapping = f.mapping_of(value, path, problems, 1, "cluster.yaml")
    return ClusterSpec() if mapping is None else parse_cluster_spec(mapping, problems, path)


def _quiz(path: Path, problems: f.Problems, cluster: ClusterSpec, goal_checks) -> Quiz | None:
    if not path.exists():
        problems.add(path, None, "missing: every lesson has a quiz")
        return None
    value = _yaml_file(path, problems)
    return None if value is None else parse_quiz(value, problems, path, cluster, goal_checks)


def _page(path: Path, problems: f.Problems):
    """lesson.md → (front matter fields, body blocks, diagrams), or None."""
    if not path.exists():
        problems.add(path, None, "missing: every lesson has a lesson.md")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.add(path, None, f"cannot read: {error}")
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER:
        problems.add(path, 1, "must start with front matter: a '---' line, YAML, a '---' line")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER)
    except StopIteration:
        problems.add(path, 1, "front matter has no closing '---' line")
        return None
    front = _front_matter(path, problems, "\n".join(lines[1:end]))
    body = parse_body("\n".join(lines[end + 1 :]) + "\n", first_line=end + 2)
    for line, message in body.problems:
        problems.add(path, line, message)
    blocks = build_blocks(body.segments, problems, path)
    return front, blocks, _diagrams(path, body.images, problems)


def _front_matter(path: Path, problems: f.Problems, text: str) -> dict:
    names = ("title", "minutes", "objectives", "summary")
    value = _yaml_file(path, problems, first_line=2, text=text)
    mapping = f.mapping_of(value, path, problems, 2, "front matter")
    if mapping is None:
        return dict.fromkeys(names)
    fields = f.Fields(problems, path, mapping, "front matter")
    front = {
        "title": fields.get("title", f.text),
        "minutes": fields.get("minutes", f.positive_int),
        "objectives": fields.get("objectives", f.listing(f.text)),
        "summary": fields.get("summary", f.listing(f.text, minimum=2, maximum=5)),
    }
    fields.finish()
    return front


def _diagrams(path: Path, images, problems: f.Problems) -> tuple[Diagram, ...]:
    diagrams: dict[str, Diagram] = {}
    for image in images:
        problem = name_problem(image.src)
        file = path.parent / image.src
        if problem is None and not file.is_file():
            problem = f"image {image.src!r} does not exist beside lesson.md"
        if problem is None and not image.alt:
            problem = f"image {image.src!r} needs alt text: ![what it shows]({image.src})"
        if problem is None and image.src not in diagrams:
            unsafe = svg_problems(file)
            problem = "; ".join(unsafe) if unsafe else None
        if problem:
            problems.add(path, image.line, problem)
        elif image.src not in diagrams:
            diagrams[image.src] = Diagram(image.src, image.alt, file)
    return tuple(diagrams.values())
