"""Progress is kept per learner (an account when signed in, else the session), not per
session: the columns are renamed, their values stay (an anonymous learner's key is still
their session key)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0002_progress"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="lessonprogress", name="one_progress_per_lesson"),
        migrations.RemoveIndex(model_name="quizattempt", name="lessons_qui_owner_s_bd6812_idx"),
        migrations.RenameField("quizattempt", "owner_session", "learner"),
        migrations.RenameField("lessonprogress", "owner_session", "learner"),
        migrations.RenameField("prediction", "owner_session", "learner"),
        migrations.AddIndex(
            model_name="quizattempt",
            index=models.Index(
                fields=["learner", "lesson", "question"], name="lessons_qui_learner_4b1f7c_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="lessonprogress",
            constraint=models.UniqueConstraint(
                fields=("learner", "lesson"), name="one_progress_per_lesson"
            ),
        ),
    ]
