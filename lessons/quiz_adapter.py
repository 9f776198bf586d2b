"""The loader's question dataclasses as the dicts lessons.grading reads (quiz.yaml's shape),
and a learner's form fields as the answer each question type takes."""

from .content_model import Choice, QuestionBase


def _choices(choices: tuple[Choice, ...]) -> list[dict]:
    return [{"id": c.id, "text": c.text} for c in choices]


def as_grading_dict(question: QuestionBase) -> dict:
    data = {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "hints": list(question.hints),
    }
    kind = question.type
    if kind in ("single", "multiple"):
        data["choices"] = _choices(question.choices)
        data["answer"] = question.answer if kind == "single" else sorted(question.answer)
    elif kind == "ordering":
        data["items"] = _choices(question.items)
        data["answer"] = list(question.answer)
    elif kind == "matching":
        data["left"], data["right"] = _choices(question.left), _choices(question.right)
        data["answer"] = dict(question.answer)
    elif kind == "numeric":
        data["answer"] = question.answer
        data["tolerance"] = question.tolerance
    elif kind == "task":
        data["goal"] = {"check": question.goal.check, **question.goal.params}
        data["solution"] = list(question.solution)
    return data


def answer_from_form(question: QuestionBase, form) -> object:
    """What the form posted, in the shape grading expects; grading checks it all."""
    kind = question.type
    if kind == "multiple":
        return form.getlist("answer")
    if kind == "ordering":  # a position (1..n) chosen for every item
        positions = {}
        for item in question.items:
            position = form.get(f"position-{item.id}", "")
            positions[item.id] = int(position) if position.isdigit() else 0
        if sorted(positions.values()) != list(range(1, len(positions) + 1)):
            raise ValueError(f"Give each step a different position, from 1 to {len(positions)}.")
        return sorted(positions, key=positions.get)
    if kind == "matching":
        return {left.id: form.get(f"match-{left.id}", "") for left in question.left}
    return form.get("answer", "")
