"""The course as loaded from `lessons/content/`: frozen values, no Django, no I/O.

`lessons.loader` builds these from the files (README.md in the content directory is the
format); views, grading and the solution bots read them.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

DEFAULT_PRESET = "empty-3"
DEFAULT_PROFILE = "realistic"


@dataclass(frozen=True)
class ClusterSpec:
    """The cluster a lesson (or a task) starts from: a preset, a profile, setup lines."""

    preset: str = DEFAULT_PRESET
    profile: str = DEFAULT_PROFILE
    setup: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    """One option, item or matching side: a stable id and what the learner reads."""

    id: str
    text: str


# --- lesson body blocks ---------------------------------------------------------------


@dataclass(frozen=True)
class MarkdownBlock:
    html: str  # rendered, raw HTML disabled: safe to mark safe in a template


@dataclass(frozen=True)
class TryBlock:
    lines: tuple[str, ...]  # each `kubectl …` or `sim …`, run one by one


@dataclass(frozen=True)
class ApplyBlock:
    yaml: str  # a manifest for `kubectl apply -f -`


@dataclass(frozen=True)
class NumericAnswer:
    value: int | float


@dataclass(frozen=True)
class ChoiceAnswer:
    choice: str  # a Choice id


@dataclass(frozen=True)
class PredictBlock:
    id: str
    prompt: str
    answer: NumericAnswer | ChoiceAnswer
    choices: tuple[Choice, ...]  # empty with a numeric answer
    run: tuple[str, ...]  # runs after the learner commits, like a try block
    explanation: str
    check: str | None = None  # numeric only: a command whose output shows the answer


BodyBlock = MarkdownBlock | TryBlock | ApplyBlock | PredictBlock


@dataclass(frozen=True)
class Diagram:
    """An SVG beside lesson.md; `name` is URL-safe (the lesson's HTML refers to it)."""

    name: str
    alt: str
    path: Path


# --- quiz -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class QuestionBase:
    type: ClassVar[str]
    id: str
    prompt: str
    explanation: str
    hints: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SingleQuestion(QuestionBase):
    type: ClassVar[str] = "single"
    choices: tuple[Choice, ...]
    answer: str


@dataclass(frozen=True, kw_only=True)
class MultipleQuestion(QuestionBase):
    type: ClassVar[str] = "multiple"
    choices: tuple[Choice, ...]
    answer: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class OrderingQuestion(QuestionBase):
    type: ClassVar[str] = "ordering"
    items: tuple[Choice, ...]  # in the order shown (the author shuffles them)
    answer: tuple[str, ...]  # item ids in the right order


@dataclass(frozen=True, kw_only=True)
class MatchingQuestion(QuestionBase):
    type: ClassVar[str] = "matching"
    left: tuple[Choice, ...]
    right: tuple[Choice, ...]
    answer: dict[str, str] = field(hash=False)  # left id -> right id, a one-to-one pairing


@dataclass(frozen=True, kw_only=True)
class NumericQuestion(QuestionBase):
    type: ClassVar[str] = "numeric"
    answer: int | float
    tolerance: int | float = 0
    cluster: ClusterSpec = ClusterSpec()  # where `run` and `check` are verified
    run: tuple[str, ...] = ()
    check: str | None = None  # a command whose output shows the answer (see README)


@dataclass(frozen=True)
class Goal:
    check: str  # a name in lessons.goals.GOAL_CHECKS
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class TaskQuestion(QuestionBase):
    type: ClassVar[str] = "task"
    cluster: ClusterSpec
    goal: Goal
    solution: tuple[str, ...]  # the reference solution, replayed by the solution bots


Question = (
    SingleQuestion
    | MultipleQuestion
    | OrderingQuestion
    | MatchingQuestion
    | NumericQuestion
    | TaskQuestion
)


@dataclass(frozen=True)
class Quiz:
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)


# --- lessons and the course --------------------------------------------------------------


@dataclass(frozen=True)
class Lesson:
    slug: str  # the directory name, `NN-words`: the lesson's URL
    order: int  # NN
    title: str
    minutes: int
    objectives: tuple[str, ...]
    summary: tuple[str, ...]
    body_blocks: tuple[BodyBlock, ...]
    quiz: Quiz
    cluster: ClusterSpec
    diagrams: tuple[Diagram, ...]

    @property
    def predicts(self) -> tuple[PredictBlock, ...]:
        return tuple(b for b in self.body_blocks if isinstance(b, PredictBlock))

    def diagram(self, name: str) -> Diagram:
        return next(d for d in self.diagrams if d.name == name)


@dataclass(frozen=True)
class Course:
    lessons: tuple[Lesson, ...]  # by order

    def lesson(self, slug: str) -> Lesson:
        """The lesson with this slug; KeyError when there is none."""
        for lesson in self.lessons:
            if lesson.slug == slug:
                return lesson
        raise KeyError(slug)
