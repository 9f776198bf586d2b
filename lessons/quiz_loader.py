"""quiz.yaml → Quiz: every question type checked, every broken reference reported."""

import inspect
from collections.abc import Callable, Mapping
from pathlib import Path

from . import content_fields as f
from .cluster_specs import parse_cluster_spec
from .content_model import (
    ClusterSpec,
    Goal,
    MatchingQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    Quiz,
    SingleQuestion,
    TaskQuestion,
)
from .content_yaml import LineDict


def parse_quiz(
    value,
    problems: f.Problems,
    path: Path,
    lesson_cluster: ClusterSpec,
    goal_checks: Mapping[str, Callable],
) -> Quiz:
    top = f.mapping_of(value, path, problems, 1, "quiz.yaml")
    if top is None:
        return Quiz(())
    fields = f.Fields(problems, path, top)
    raw = fields.get("questions", f.listing(lambda item: item))
    fields.finish()
    questions: list[Question] = []
    seen: set[str] = set()
    for item, line in zip(raw or (), top["questions"].lines if raw else (), strict=True):
        mapping = f.mapping_of(item, path, problems, line, "a question")
        if mapping is None:
            continue
        question = _question(mapping, problems, path, lesson_cluster, goal_checks)
        question_id = mapping.get("id")
        if isinstance(question_id, str):
            if question_id in seen:
                problems.add(path, line, f"duplicate question id '{question_id}'")
            seen.add(question_id)
        if question is not None:
            questions.append(question)
    return Quiz(tuple(questions))


def _question(mapping: LineDict, problems, path, lesson_cluster, goal_checks) -> Question | None:
    name = mapping.get("id")
    fields = f.Fields(problems, path, mapping, f"question '{name}'" if name else "question")
    common = {
        "id": fields.get("id", f.ident),
        "prompt": fields.get("prompt", f.text),
        "explanation": fields.get("explanation", f.text),
        "hints": fields.get("hints", f.listing(f.text), ()),
    }
    kind = fields.get("type", f.text)
    parse = _PARSERS.get(kind)
    if kind is not None and parse is None:
        fields.error(f"unknown type '{kind}' (one of: {', '.join(_PARSERS)})", "type")
    if parse is None:
        fields.taken.update(mapping)  # without a type, its other fields cannot be judged
    specific = parse(fields, lesson_cluster, goal_checks) if parse else None
    fields.finish()
    if specific is None or None in common.values():
        return None
    question_class, values = specific
    return question_class(**common, **values)


def _ids(items) -> list[str]:
    return [item.id for item in items or ()]


def _single(fields: f.Fields, *_):
    choices = fields.get(
        "choices", f.choices(fields.problems, fields.path, fields.where.rstrip(": "))
    )
    answer = fields.get("answer", f.ident)
    if choices and answer and answer not in _ids(choices):
        fields.error(f"answer '{answer}' is not one of the choice ids", "answer")
        return None
    return (SingleQuestion, {"choices": choices, "answer": answer}) if choices and answer else None


def _multiple(fields: f.Fields, *_):
    choices = fields.get(
        "choices", f.choices(fields.problems, fields.path, fields.where.rstrip(": "))
    )
    answer = fields.get("answer", f.listing(f.ident))
    if not (choices and answer):
        return None
    unknown = [a for a in answer if a not in _ids(choices)]
    if unknown:
        fields.error(f"answer ids {unknown} are not choice ids", "answer")
    if len(set(answer)) != len(answer):
        fields.error("answer lists a choice twice", "answer")
    if unknown or len(set(answer)) != len(answer):
        return None
    return MultipleQuestion, {"choices": choices, "answer": frozenset(answer)}


def _ordering(fields: f.Fields, *_):
    items = fields.get("items", f.choices(fields.problems, fields.path, fields.where.rstrip(": ")))
    answer = fields.get("answer", f.listing(f.ident, minimum=2))
    if not (items and answer):
        return None
    if sorted(answer) != sorted(_ids(items)):
        fields.error(
            f"answer must list every item id exactly once (items: {_ids(items)}), not {list(answer)}",
            "answer",
        )
        return None
    return OrderingQuestion, {"items": items, "answer": answer}


def _matching(fields: f.Fields, *_):
    where = fields.where.rstrip(": ")
    left = fields.get("left", f.choices(fields.problems, fields.path, where))
    right = fields.get("right", f.choices(fields.problems, fields.path, where))
    answer = fields.get("answer", _id_pairs)
    if not (left and right and answer):
        return None
    problems = []
    if set(answer) != set(_ids(left)):
        problems.append(f"its keys must be the left ids {_ids(left)}")
    if sorted(answer.values()) != sorted(_ids(right)):
        problems.append(f"its values must be the right ids {_ids(right)}, each once")
    if problems:
        fields.error(f"answer is not a one-to-one pairing: {'; '.join(problems)}", "answer")
        return None
    return MatchingQuestion, {"left": left, "right": right, "answer": answer}


def _id_pairs(value) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise f.WrongType("a mapping of left id: right id")
    return {f.ident(k): f.ident(v) for k, v in value.items()}


def _numeric(fields: f.Fields, lesson_cluster: ClusterSpec, _goals):
    answer = fields.get("answer", _value)
    tolerance = fields.get("tolerance", f.non_negative_number, 0)
    cluster = _cluster(fields, lesson_cluster)
    run = f.command_lines(fields, "run", (), allow_empty=True, heredocs=True)
    check = fields.get("check", f.command, None)
    if run and check is None:
        fields.error("a question with 'run' needs a 'check' to verify its answer", "run")
    if answer is None or tolerance is None or run is None:
        return None
    values = {"answer": answer, "tolerance": tolerance, "cluster": cluster, "run": run}
    return NumericQuestion, {**values, "check": check}


def _value(value) -> int | float:
    if not isinstance(value, dict) or set(value) != {"value"}:
        raise f.WrongType("{value: N}")
    return f.number(value["value"])


def _task(fields: f.Fields, lesson_cluster: ClusterSpec, goal_checks):
    cluster = _cluster(fields, lesson_cluster)
    goal = _goal(fields, goal_checks)
    solution = f.command_lines(fields, "solution", heredocs=True)
    if goal is None or solution is None:
        return None
    return TaskQuestion, {"cluster": cluster, "goal": goal, "solution": solution}


def _cluster(fields: f.Fields, lesson_cluster: ClusterSpec) -> ClusterSpec:
    """The question's own `cluster:`, else the lesson's."""
    fields.taken.add("cluster")
    value = fields.mapping.get("cluster")
    if value is None:
        return lesson_cluster
    line = fields.line("cluster")
    mapping = f.mapping_of(value, fields.path, fields.problems, line, f"{fields.where}'cluster'")
    if mapping is None:
        return lesson_cluster
    return parse_cluster_spec(mapping, fields.problems, fields.path, fields.where + "cluster")


def _goal(fields: f.Fields, goal_checks: Mapping[str, Callable]) -> Goal | None:
    goal = fields.get("goal", lambda v: v)
    if goal is None:
        return None
    if not isinstance(goal, dict) or not isinstance(goal.get("check"), str):
        fields.error("'goal' must be a mapping with 'check: <goal check name>'", "goal")
        return None
    name, params = goal["check"], {k: v for k, v in goal.items() if k != "check"}
    if name not in goal_checks:
        known = ", ".join(sorted(goal_checks)) or "none registered"
        fields.error(f"unknown goal check '{name}' (lessons.goals.GOAL_CHECKS: {known})", "goal")
        return None
    try:
        inspect.signature(goal_checks[name]).bind(None, **params)
    except TypeError as error:
        fields.error(f"goal check '{name}' does not take these parameters: {error}", "goal")
        return None
    return Goal(name, dict(params))


_PARSERS = {
    "single": _single,
    "multiple": _multiple,
    "ordering": _ordering,
    "matching": _matching,
    "numeric": _numeric,
    "task": _task,
}
