"""The content loader: a good lesson parsed fully, and every family of broken content
reported with its file, its line and the problem, all at once."""

import subprocess
import sys
from pathlib import Path

import pytest

from lessons.content_model import (
    ApplyBlock,
    Choice,
    ChoiceAnswer,
    ClusterSpec,
    Goal,
    MarkdownBlock,
    MatchingQuestion,
    MultipleQuestion,
    NumericAnswer,
    NumericQuestion,
    OrderingQuestion,
    PredictBlock,
    SingleQuestion,
    TaskQuestion,
    TryBlock,
)
from lessons.goals import GOAL_CHECKS
from lessons.loader import ContentError, goal_checks_registry, load_course, load_lesson
from lessons.markdown import render_inline, render_markdown

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good" / "01-first-steps"
BROKEN = FIXTURES / "broken"
REPO = Path(__file__).resolve().parents[2]


def errors_of(lesson: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_lesson(BROKEN / lesson)
    return caught.value.errors


# --- the good lesson, parsed fully --------------------------------------------------------


@pytest.fixture(scope="module")
def good():
    return load_lesson(GOOD)


def test_front_matter_and_identity(good):
    assert (good.slug, good.order, good.title, good.minutes) == (
        "01-first-steps",
        1,
        "First steps",
        10,
    )
    assert good.objectives == ("Create a Deployment and see its pods scheduled",)
    assert len(good.summary) == 2


def test_body_is_split_around_the_interactive_blocks(good):
    kinds = [type(block) for block in good.body_blocks]
    assert kinds == [
        MarkdownBlock,
        TryBlock,
        MarkdownBlock,
        ApplyBlock,
        PredictBlock,
        PredictBlock,
        MarkdownBlock,
    ]
    intro, try_block, between, apply, count, which, code = good.body_blocks
    assert "<h2>" in intro.html and "<h1>" not in intro.html  # the page shows the title
    assert "<table>" in intro.html and "<td>ReplicaSet</td>" in intro.html
    assert (
        '<img src="lead-workers.svg" alt="A lead node handing pods to three workers" />'
        in intro.html
    )
    assert try_block.lines == (
        "kubectl create deployment web --image=nginx --replicas=3",
        "sim advance 30s",
        "kubectl get pods",
    )
    assert between.html == "<p>Some text between blocks.</p>\n"
    assert apply.yaml.startswith("apiVersion: v1\nkind: Service\n")
    assert count.answer == NumericAnswer(4) and count.choices == ()
    assert count.check == "kubectl get pods --no-headers"
    assert count.run[0] == "sim node kill worker-2"
    assert which.answer == ChoiceAnswer("rs")
    assert which.choices[1] == Choice("sched", "The scheduler")
    assert 'class="language-yaml"' in code.html  # other fences stay code


def test_cluster_and_diagrams(good):
    assert good.cluster == ClusterSpec("empty-3", "fast", ("kubectl create namespace shop",))
    (diagram,) = good.diagrams
    assert diagram.name == "lead-workers.svg" and diagram.path == GOOD / "lead-workers.svg"
    assert diagram.alt == "A lead node handing pods to three workers"


def test_every_question_type(good):
    single, multiple, ordering, matching, numeric, task = good.quiz.questions
    assert isinstance(single, SingleQuestion) and single.answer == "a"
    assert single.hints == ("Which object has a replica count?",)
    assert isinstance(multiple, MultipleQuestion) and multiple.answer == {"api", "sched"}
    assert isinstance(ordering, OrderingQuestion)
    assert ordering.answer == ("store", "schedule", "run")
    assert isinstance(matching, MatchingQuestion)
    assert matching.answer == {"catalog": "etcd", "dispatcher": "scheduler"}
    assert isinstance(numeric, NumericQuestion) and (numeric.answer, numeric.tolerance) == (3, 0)
    assert numeric.cluster == good.cluster  # no cluster of its own: the lesson's
    assert numeric.check == "kubectl get pods --no-headers"
    assert isinstance(task, TaskQuestion)
    assert task.goal == Goal("deployment_available", {"name": "web", "replicas": 2})
    assert task.goal.params == {"name": "web", "replicas": 2}
    assert task.solution == ("kubectl create deployment web --image=nginx --replicas=2",)
    assert [q.type for q in good.quiz.questions] == [
        "single",
        "multiple",
        "ordering",
        "matching",
        "numeric",
        "task",
    ]


def test_a_course_of_good_lessons_and_an_empty_one(tmp_path):
    assert [lesson.slug for lesson in load_course(FIXTURES / "good").lessons] == ["01-first-steps"]
    assert load_course(tmp_path).lessons == ()


# --- every error family, each naming its file, line and problem ----------------------------

CASES = [
    # front matter: wrong types, list lengths, unknown fields
    ("01-front-matter", "lesson.md:3:", "'minutes' must be a positive whole number"),
    ("01-front-matter", "lesson.md:4:", "'objectives' must be a list of at least 1"),
    ("01-front-matter", "lesson.md:5:", "'summary' must be a list of 2 to 5 items"),
    ("01-front-matter", "lesson.md:6:", "unknown field 'author'"),
    # YAML syntax, at its line
    ("02-yaml-error", "quiz.yaml:5:", "YAML error"),
    # quiz: explanations, references, permutations, types, ids
    ("03-quiz", "quiz.yaml:2:", "question 'dup': missing field 'explanation'"),
    ("03-quiz", "quiz.yaml:8:", "answer 'c' is not one of the choice ids"),
    ("03-quiz", "quiz.yaml:9:", "duplicate question id 'dup'"),
    ("03-quiz", "quiz.yaml:14:", "duplicate id 'a'"),
    ("03-quiz", "quiz.yaml:15:", "answer ids ['z'] are not choice ids"),
    ("03-quiz", "quiz.yaml:17:", "unknown field 'explaination'"),
    ("03-quiz", "quiz.yaml:25:", "question 'order': answer must list every item id exactly once"),
    ("03-quiz", "quiz.yaml:36:", "question 'match': answer is not a one-to-one pairing"),
    ("03-quiz", "quiz.yaml:39:", "unknown type 'essay'"),
    ("03-quiz", "quiz.yaml:45:", "'answer' must be {value: N}"),
    ("03-quiz", "quiz.yaml:46:", "'tolerance' must be zero or more"),
    ("03-quiz", "quiz.yaml:47:", "a question with 'run' needs a 'check'"),
    ("03-quiz", "quiz.yaml:54:", "'text' must be a non-empty string, not True"),  # yes
    ("03-quiz", "quiz.yaml:55:", "'text' must be a non-empty string, not False"),  # No
    # tasks: goal checks, their parameters, their cluster, their solution
    ("04-task", "quiz.yaml:5:", "unknown goal check 'everything_is_fine'"),
    ("04-task", "quiz.yaml:12:", "unknown preset 'moon-base'"),
    ("04-task", "quiz.yaml:12:", "unknown profile 'turbo'"),
    (
        "04-task",
        "quiz.yaml:13:",
        "goal check 'deployment_available' does not take these parameters",
    ),
    ("04-task", "quiz.yaml:14:", "'solution' must list at least one command"),
    ("04-task", "quiz.yaml:22:", "command must start with 'kubectl ' or 'sim ': 'echo done'"),
    # cluster.yaml
    ("05-cluster", "cluster.yaml:1:", "unknown preset 'empty-4'"),
    ("05-cluster", "cluster.yaml:2:", "unknown profile 'quick'"),
    ("05-cluster", "cluster.yaml:3:", "unknown field 'nodes'"),
    ("05-cluster", "cluster.yaml:6:", "command must start with 'kubectl ' or 'sim ': 'rm -rf /'"),
    # the body: raw HTML, unsafe links, try/apply/predict blocks
    ("06-body", "lesson.md:8:", "raw HTML is not allowed", "<div"),
    ("06-body", "lesson.md:10:", "raw HTML is not allowed", "<b>"),
    ("06-body", "lesson.md:10:", "raw HTML is not allowed", "</b>"),
    ("06-body", "lesson.md:10:", "unsafe link 'javascript:alert(1)'"),
    ("06-body", "lesson.md:12:", "try block is empty"),
    (
        "06-body",
        "lesson.md:17:",
        "try block: command must start with 'kubectl ' or 'sim ': 'ls -la'",
    ),
    ("06-body", "lesson.md:20:", "apply block is empty"),
    ("06-body", "lesson.md:2", "apply block: YAML error"),  # libyaml marks line 24 or 25
    ("06-body", "lesson.md:30:", "predict 'p1': answer 'z' is not one of the choice ids"),
    ("06-body", "lesson.md:36:", "predict 'p1': unknown field 'colour'"),
    ("06-body", "lesson.md:40:", "duplicate predict id 'p1'"),
    ("06-body", "lesson.md:40:", "predict 'p1': missing field 'explanation'"),
    ("06-body", "lesson.md:43:", "'run' must list at least one command"),
    ("06-body", "lesson.md:48:", "a try block must not be nested"),
    # images
    ("07-images", "lesson.md:8:", "image 'no-alt.svg' needs alt text"),
    ("07-images", "lesson.md:10:", "image 'missing.svg' does not exist"),
    ("07-images", "lesson.md:12:", "image 'Bad_Name.svg' must be an SVG", "lowercase"),
    ("07-images", "lesson.md:14:", "contains <script>", "event handler 'onclick'", "links outside"),
    # missing parts
    ("08-no-front-matter", "lesson.md:1:", "must start with front matter"),
    ("09-no-quiz", "quiz.yaml:", "missing: every lesson has a quiz"),
]


@pytest.mark.parametrize(("lesson", "where", "fragments"), [(c[0], c[1], c[2:]) for c in CASES])
def test_broken_content_is_reported_at_its_line(lesson, where, fragments):
    errors = errors_of(lesson)
    prefix = f"{lesson}/{where}"
    found = [e for e in errors if e.startswith(prefix) and all(f in e for f in fragments)]
    assert found, f"expected {prefix} {fragments} among:\n" + "\n".join(errors)


@pytest.mark.parametrize("lesson", sorted({case[0] for case in CASES}))
def test_nothing_unexpected_is_reported(lesson):
    """Each broken fixture reports exactly its planned errors: no noise, nothing extra."""
    planned = [case for case in CASES if case[0] == lesson]
    errors = errors_of(lesson)
    unplanned = [
        e
        for e in errors
        if not any(e.startswith(f"{lesson}/{c[1]}") and all(f in e for f in c[2:]) for c in planned)
    ]
    assert not unplanned, "\n".join(unplanned)


def test_errors_are_collected_across_the_whole_course():
    with pytest.raises(ContentError) as caught:
        load_course(BROKEN)
    files = {error.split(":", 1)[0] for error in caught.value.errors}
    assert {"01-front-matter/lesson.md", "04-task/quiz.yaml", "07-images/lesson.md"} <= files
    assert "09-no-quiz/quiz.yaml" in files
    assert str(caught.value).count("\n") == len(caught.value.errors) - 1


def test_directory_names_and_orders():
    with pytest.raises(ContentError) as caught:
        load_course(FIXTURES / "bad-course")
    errors = caught.value.errors
    assert any(e.startswith("1-no-number: a lesson directory is named NN-slug") for e in errors)
    assert any(e.startswith("03-Upper_Case: a lesson directory is named NN-slug") for e in errors)
    assert "02-beta: duplicate order 02 (also 02-alpha)" in errors
    assert not any(
        e.startswith("README.md") for e in errors
    )  # files beside lessons are not lessons


# --- goal checks come from lessons.goals ------------------------------------------------------


def test_goal_checks_are_lessons_goals_registry():
    assert goal_checks_registry() is GOAL_CHECKS
    assert "deployment_available" in GOAL_CHECKS


def test_a_registry_can_be_passed_in():
    with pytest.raises(ContentError) as caught:
        load_lesson(GOOD, goal_checks={})
    assert caught.value.errors == [
        "01-first-steps/quiz.yaml:52: question 'make-web': unknown goal check "
        "'deployment_available' (lessons.goals.GOAL_CHECKS: none registered)"
    ]


# --- rendering is safe --------------------------------------------------------------------------


def test_rendering_escapes_html_and_drops_unsafe_links():
    html = render_markdown(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) [k8s](https://kubernetes.io/)"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://kubernetes.io/">k8s</a>' in html
    assert render_inline("Run `kubectl get pods`") == "Run <code>kubectl get pods</code>"


def test_the_loader_needs_no_django():
    code = (
        "import sys; from pathlib import Path; from lessons.loader import load_course;"
        "import lessons.solution_bots;"
        f"load_course(Path({str(FIXTURES / 'good')!r}));"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'channels', 'daphne'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_level_one_heading_in_the_body_is_refused(tmp_path):
    import shutil

    lesson = tmp_path / "01-first-steps"
    shutil.copytree(GOOD, lesson)
    page = lesson / "lesson.md"
    page.write_text(page.read_text().replace("## What runs", "# What runs"))
    with pytest.raises(ContentError) as caught:
        load_lesson(lesson)
    assert any("a level-1 heading in the body" in e for e in caught.value.errors)


def with_setup(tmp_path, setup_yaml: str):
    import shutil

    lesson = tmp_path / "01-first-steps"
    shutil.copytree(GOOD, lesson)
    (lesson / "cluster.yaml").write_text("preset: empty-3\nsetup:\n" + setup_yaml)
    return lesson


MANIFEST_ITEM = (
    "  - |\n"
    "    kubectl apply -f - <<EOF\n"
    "    apiVersion: v1\n"
    "    kind: ConfigMap\n"
    "    metadata: {name: settings}\n"
    "    EOF\n"
)


def test_setup_run_and_solution_items_may_apply_a_manifest(tmp_path):
    from cluster_sim.engine.script import ScriptRunner

    lesson = load_lesson(with_setup(tmp_path, MANIFEST_ITEM + "  - kubectl get configmaps\n"))
    manifest, listing = lesson.cluster.setup
    assert manifest.startswith("kubectl apply -f - <<EOF\n") and "kind: ConfigMap" in manifest
    runner = ScriptRunner()
    assert runner.run_command(manifest).strip() == "configmap/settings created"
    assert "settings" in runner.run_command(listing)


@pytest.mark.parametrize(
    "item, problem",
    [
        ("  - |\n    sim advance 1m\n    sim advance 1m\n", "one kubectl command with a heredoc"),
        ("  - |\n    kubectl apply -f - <<EOF\n    kind: ConfigMap\n", "the heredoc is not closed"),
        ("  - kubectl apply -f - <<EOF\n", "must not use a heredoc"),
    ],
)
def test_a_broken_manifest_item_is_refused(tmp_path, item, problem):
    with pytest.raises(ContentError) as caught:
        load_lesson(with_setup(tmp_path, item))
    assert any(problem in error for error in caught.value.errors), caught.value.errors
