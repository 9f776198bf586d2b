"""A visitor's answers to quiz questions: every graded attempt is kept, on the server."""

from django.db import models


class QuizAttempt(models.Model):
    owner_session = models.CharField(max_length=64, db_index=True)
    lesson = models.CharField(max_length=64)
    question = models.CharField(max_length=64)
    answer = models.JSONField()
    correct = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner_session", "lesson", "question"])]

    def __str__(self) -> str:
        verdict = "right" if self.correct else "wrong"
        return f"{self.lesson}/{self.question}: {verdict}"
