"""What the course keeps about a learner, on the server: quiz attempts, where they are in each
lesson, predictions. `learner` is `lessons.learner.learner_key`: an account when signed in,
else the browser's session."""

from django.db import models


class QuizAttempt(models.Model):
    learner = models.CharField(max_length=64, db_index=True)
    lesson = models.CharField(max_length=64)
    question = models.CharField(max_length=64)
    answer = models.JSONField()
    correct = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["learner", "lesson", "question"])]

    def __str__(self) -> str:
        verdict = "right" if self.correct else "wrong"
        return f"{self.lesson}/{self.question}: {verdict}"


class LessonProgress(models.Model):
    """Where a visitor is in a lesson: the last interactive step they ran."""

    learner = models.CharField(max_length=64)
    lesson = models.CharField(max_length=64)
    last_step = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="one_progress_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.lesson}: step {self.last_step}"


class Prediction(models.Model):
    """A "predict, then run" answer, committed before the learner saw what happens."""

    learner = models.CharField(max_length=64, db_index=True)
    lesson = models.CharField(max_length=64)
    block = models.CharField(max_length=64)
    guess = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [  # the first prediction is the one kept (two tabs cannot make two)
            models.UniqueConstraint(
                fields=["learner", "lesson", "block"], name="one_prediction_per_block"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lesson}/{self.block}: {self.guess}"
