"""The interactive blocks of a lesson body (try, apply, predict), checked as they are built."""

from pathlib import Path

import yaml

from . import content_fields as f
from .content_model import (
    ApplyBlock,
    BodyBlock,
    ChoiceAnswer,
    NumericAnswer,
    PredictBlock,
    TryBlock,
)
from .content_yaml import LineDict, YamlError, load
from .markdown import Fence


def build_blocks(segments, problems: f.Problems, path: Path) -> tuple[BodyBlock, ...]:
    blocks: list[BodyBlock] = []
    predict_ids: set[str] = set()
    for segment in segments:
        if not isinstance(segment, Fence):
            blocks.append(segment)
            continue
        if segment.kind == "predict":
            block = _predict(segment, problems, path, predict_ids)
        else:
            block = _BUILDERS[segment.kind](segment, problems, path)
        if block is not None:
            blocks.append(block)
    return tuple(blocks)


def _try(fence: Fence, problems: f.Problems, path: Path) -> TryBlock | None:
    lines = []
    for offset, line in enumerate(fence.content.splitlines()):
        if not line.strip():
            continue
        problem = f.command_problem(line.strip())
        if problem:
            problems.add(path, fence.line + offset, f"try block: {problem}")
        lines.append(line.strip())
    if not lines:
        problems.add(path, fence.line - 1, "try block is empty")
        return None
    return TryBlock(tuple(lines))


def _apply(fence: Fence, problems: f.Problems, path: Path) -> ApplyBlock | None:
    if not fence.content.strip():
        problems.add(path, fence.line - 1, "apply block is empty")
        return None
    try:
        documents = list(yaml.safe_load_all(fence.content))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = fence.line + mark.line if mark else fence.line
        problems.add(path, line, f"apply block: YAML error: {error.problem}")
        return None
    for document in documents:
        if document is not None and not (
            isinstance(document, dict) and {"apiVersion", "kind"} <= document.keys()
        ):
            problems.add(
                path,
                fence.line,
                "apply block: each document must be a manifest with apiVersion and kind",
            )
            return None
    return ApplyBlock(fence.content)


def _predict(fence: Fence, problems: f.Problems, path: Path, seen: set[str]) -> PredictBlock | None:
    try:
        value, duplicates = load(fence.content, fence.line)
    except YamlError as error:
        problems.add(path, error.line or fence.line, f"predict block: {error.message}")
        return None
    for message, line in duplicates:
        problems.add(path, line, f"predict block: {message}")
    mapping = f.mapping_of(value, path, problems, fence.line, "predict block")
    if mapping is None:
        return None
    where = f"predict '{mapping.get('id')}'" if isinstance(mapping.get("id"), str) else "predict"
    fields = f.Fields(problems, path, mapping, where)
    block_id = fields.get("id", f.ident)
    if block_id and block_id in seen:
        fields.error(f"duplicate predict id '{block_id}' (ids are unique in the lesson)", "id")
    seen.add(block_id)
    prompt = fields.get("prompt", f.text)
    answer = _answer(fields)
    choices = fields.get("choices", f.choices(problems, path, where), ())
    run = f.command_lines(fields, "run")
    check = fields.get("check", f.command, None)
    explanation = fields.get("explanation", f.text)
    fields.finish()
    if isinstance(answer, ChoiceAnswer):
        if not choices and "choices" not in mapping:
            fields.error("a {choice: ...} answer needs 'choices'", "answer")
        elif choices and answer.choice not in {c.id for c in choices}:
            fields.error(f"answer '{answer.choice}' is not one of the choice ids", "answer")
        if check is not None:
            fields.error("'check' verifies numeric answers only", "check")
    elif isinstance(answer, NumericAnswer) and "choices" in mapping:
        fields.error("'choices' go only with a {choice: ...} answer", "choices")
    if None in (block_id, prompt, answer, run, explanation):
        return None
    return PredictBlock(block_id, prompt, answer, choices, run, explanation, check)


def _answer(fields: f.Fields) -> NumericAnswer | ChoiceAnswer | None:
    value = fields.mapping.get("answer")
    fields.taken.add("answer")
    if "answer" not in fields.mapping:
        fields.error("missing field 'answer'")
        return None
    if (
        not isinstance(value, LineDict)
        or len(value) != 1
        or not value.keys() <= {"numeric", "choice"}
    ):
        fields.error("'answer' must be {numeric: N} or {choice: ID}", "answer")
        return None
    try:
        if "numeric" in value:
            return NumericAnswer(f.number(value["numeric"]))
        return ChoiceAnswer(f.ident(value["choice"]))
    except f.WrongType as wrong:
        fields.error(f"'answer' must hold {wrong}", "answer")
        return None


_BUILDERS = {"try": _try, "apply": _apply}
