"""Quiz grading: every question type right, wrong and malformed; hints; solution gating."""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from lessons.grading import Grade, grade, hint, hints_revealed, solution_for

SINGLE = {
    "id": "why-cluster",
    "type": "single",
    "prompt": "Why did the restaurant add a second kitchen?",
    "choices": [
        {"id": "a", "text": "More customers than one kitchen can serve"},
        {"id": "b", "text": "Fashion"},
    ],
    "answer": "a",
    "explanation": "One kitchen has a ceiling; a second one adds capacity.",
    "hints": ["Think about capacity.", "What happens at 1,000 customers?"],
}
MULTIPLE = {
    "id": "control-plane",
    "type": "multiple",
    "prompt": "Which run in the control plane?",
    "choices": [
        {"id": "api", "text": "kube-apiserver"},
        {"id": "sched", "text": "kube-scheduler"},
        {"id": "kubelet", "text": "kubelet"},
        {"id": "proxy", "text": "kube-proxy"},
    ],
    "answer": ["api", "sched"],
    "explanation": "The kubelet and kube-proxy run on every node.",
}
ORDERING = {
    "id": "apply-to-running",
    "type": "ordering",
    "prompt": "Order the steps from kubectl apply to a Running pod.",
    "items": [
        {"id": "store", "text": "The API server stores the Pod"},
        {"id": "bind", "text": "The scheduler binds it to a node"},
        {"id": "start", "text": "The kubelet starts its containers"},
    ],
    "answer": ["store", "bind", "start"],
    "explanation": "Each component watches for the previous one's result.",
}
MATCHING = {
    "id": "analogies",
    "type": "matching",
    "prompt": "Match each analogy with its component.",
    "left": [
        {"id": "receptionist", "text": "Receptionist"},
        {"id": "catalog", "text": "Library catalog"},
    ],
    "right": [{"id": "apiserver", "text": "kube-apiserver"}, {"id": "etcd", "text": "etcd"}],
    "answer": {"receptionist": "apiserver", "catalog": "etcd"},
    "explanation": "Every request goes through the API server; etcd records the state.",
}
NUMERIC = {
    "id": "pending-after-kill",
    "type": "numeric",
    "prompt": "How many pods are Pending 6 minutes after worker-2 dies?",
    "answer": {"value": 0},
    "explanation": "They were rescheduled on the other nodes.",
}
TASK = {
    "id": "survive-node-loss",
    "type": "task",
    "prompt": "Make web survive the loss of any one node.",
    "goal": {"check": "service_keeps_endpoint_when_any_node_fails", "service": "web"},
    "solution": ["kubectl scale deployment web --replicas=3"],
    "explanation": "Replicas on different nodes keep the Service answering.",
}


def _is_rejected(result: Grade) -> bool:
    """Unreadable input: not correct, not an attempt, and nothing revealed."""
    return not result.correct and not result.valid and result.explanation == ""


# --- single ------------------------------------------------------------------------------------


def test_single_right_and_wrong_both_explain():
    right, wrong = grade(SINGLE, "a"), grade(SINGLE, "b")
    assert (right.correct, right.valid, right.explanation) == (True, True, SINGLE["explanation"])
    assert (wrong.correct, wrong.feedback, wrong.explanation) == (
        False,
        "Not quite.",
        SINGLE["explanation"],
    )


@pytest.mark.parametrize("answer", [None, 1, "", "z", ["a"], {"a": 1}, "a" * 10_000, b"a"])
def test_single_malformed(answer):
    assert _is_rejected(grade(SINGLE, answer))


# --- multiple ------------------------------------------------------------------------------------


def test_multiple_is_right_only_when_exact():
    result = grade(MULTIPLE, ["sched", "api"])
    assert (result.correct, result.partial) == (True, 1.0)
    assert grade(MULTIPLE, {"api", "sched"}).correct


def test_multiple_feedback_counts_without_naming_choices():
    result = grade(MULTIPLE, ["api", "kubelet"])
    assert not result.correct
    assert result.feedback == (
        "1 of your 2 choices is right; 1 choice should not be chosen; 1 right answer is missing."
    )
    assert result.partial == 0.0  # one right, one wrong
    assert not any(name in result.feedback for name in ("api", "sched", "kubelet", "proxy"))
    missing = grade(MULTIPLE, ["api"])
    assert missing.feedback == "1 of your 1 choice is right; 1 right answer is missing."
    assert missing.partial == 0.5


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("api", "Send a list of choices."),
        ({"api": True}, "Send a list of choices."),
        ([], "Choose at least one answer."),
        (["api", "api"], "Each choice may appear only once."),
        (["api", "etcd"], "That is not one of this question's choices."),
        (["api", 3], "Choose one choice."),
        (["api"] * 100_000, "That is more choices than this question has."),
    ],
)
def test_multiple_malformed(answer, message):
    result = grade(MULTIPLE, answer)
    assert _is_rejected(result)
    assert result.feedback == message


# --- ordering ------------------------------------------------------------------------------------


def test_ordering_counts_items_in_place():
    assert grade(ORDERING, ["store", "bind", "start"]).correct
    result = grade(ORDERING, ["bind", "store", "start"])
    assert (result.correct, result.feedback) == (False, "1 of 3 items are in the right place.")
    assert result.partial == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "answer",
    [["store", "bind"], ["store", "bind", "bind"], ["store", "bind", "start", "x"], "store", None],
)
def test_ordering_malformed(answer):
    assert _is_rejected(grade(ORDERING, answer))


# --- matching ------------------------------------------------------------------------------------


def test_matching_counts_right_pairs():
    assert grade(MATCHING, {"receptionist": "apiserver", "catalog": "etcd"}).correct
    swapped = grade(MATCHING, {"receptionist": "etcd", "catalog": "apiserver"})
    assert (swapped.correct, swapped.feedback, swapped.partial) == (
        False,
        "0 of 2 pairs are right.",
        0.0,
    )


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([["receptionist", "apiserver"]], "Pair each item on the left with one on the right."),
        ({"receptionist": "apiserver"}, "Pair all 2 items on the left."),
        (
            {"receptionist": "apiserver", "catalog": "apiserver"},
            "Use each item on the right at most once.",
        ),
        (
            {"receptionist": "apiserver", "catalog": "kubelet"},
            "That is not one of this question's items on the right.",
        ),
        (
            {"receptionist": "apiserver", "shelf": "etcd"},
            "That is not one of this question's items on the left.",
        ),
        (
            {"receptionist": ["etcd"], "catalog": "etcd"},
            "Pair each item on the left with one on the right.",
        ),
    ],
)
def test_matching_malformed(answer, message):
    result = grade(MATCHING, answer)
    assert _is_rejected(result)
    assert result.feedback == message


# --- numeric -------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [0, 0.0, "0", " 0 ", "-0"])
def test_numeric_right(answer):
    assert grade(NUMERIC, answer).correct


def test_numeric_wrong_and_tolerance():
    assert not grade(NUMERIC, 1).correct
    tolerant = {**NUMERIC, "answer": {"value": 2.5}, "tolerance": 0.5}
    assert grade(tolerant, "3").correct
    assert grade(tolerant, 2).correct
    assert not grade(tolerant, 3.01).correct


@pytest.mark.parametrize(
    "answer",
    [None, True, "", "three", "nan", "inf", "1e400", 10**400, "9" * 5000, [0], {"value": 0}],
)
def test_numeric_malformed(answer):
    assert _is_rejected(grade(NUMERIC, answer))


# --- task ----------------------------------------------------------------------------------------


def _web(replicas: int):
    def factory():
        runner = ScriptRunner(Cluster(seed=1, profile="fast"))
        runner.run(
            "sim node add --count 3 --prefix worker-\n"
            f"kubectl create deployment web --image=nginx --replicas={replicas}\n"
            "kubectl expose deployment web --port=80\n"
            "sim advance 30s\n"
        )
        return runner.cluster

    return factory


def test_a_task_is_graded_on_the_cluster():
    passed = grade(TASK, _web(3))
    assert (passed.correct, passed.explanation) == (True, TASK["explanation"])
    failed = grade(TASK, _web(1))
    assert not failed.correct and failed.valid
    assert "worker-2 down: no ready endpoint for 44s" in failed.feedback


def test_a_task_answer_must_be_a_cluster():
    assert _is_rejected(grade(TASK, "kubectl scale deployment web --replicas=3"))


def test_a_broken_goal_check_is_not_the_learners_attempt():
    broken = {**TASK, "goal": {"check": "service_keeps_endpoint_when_any_node_fails"}}  # no service
    result = grade(broken, _web(3))
    assert _is_rejected(result)
    assert "could not grade" in result.feedback


def test_an_unknown_question_type_is_rejected():
    assert _is_rejected(grade({"type": "essay", "explanation": "x"}, "words"))


# --- hints and solutions ----------------------------------------------------------------------------


def test_one_more_hint_per_failed_attempt():
    assert hint(SINGLE, 0) is None
    assert hint(SINGLE, 1) == "Think about capacity."
    assert hint(SINGLE, 2) == "What happens at 1,000 customers?"
    assert hint(SINGLE, 7) == "What happens at 1,000 customers?"
    assert hints_revealed(SINGLE, 1) == ["Think about capacity."]
    assert hints_revealed(SINGLE, 5) == SINGLE["hints"]
    assert hint(MULTIPLE, 3) is None  # no hints written


@pytest.mark.parametrize("attempts", [-1, None, "3", 2.0, True])
def test_odd_attempt_counts_reveal_nothing(attempts):
    assert hint(SINGLE, attempts) is None
    assert solution_for(SINGLE, attempts) is None


def test_the_solution_only_after_an_attempt():
    assert solution_for(SINGLE, 0) is None
    assert solution_for(SINGLE, 1) == "More customers than one kitchen can serve"


@pytest.mark.parametrize(
    ("question", "solution"),
    [
        (MULTIPLE, "kube-apiserver\nkube-scheduler"),
        (
            ORDERING,
            "1. The API server stores the Pod\n2. The scheduler binds it to a node\n"
            "3. The kubelet starts its containers",
        ),
        (MATCHING, "Receptionist → kube-apiserver\nLibrary catalog → etcd"),
        (NUMERIC, "0"),
        ({**NUMERIC, "answer": {"value": 2.5}, "tolerance": 0.5}, "2.5 (± 0.5)"),
        (TASK, "kubectl scale deployment web --replicas=3"),
    ],
)
def test_solutions_in_words(question, solution):
    assert solution_for(question, 0) is None
    assert solution_for(question, 1) == solution
