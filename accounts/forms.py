from django.contrib.auth.forms import AuthenticationForm, UserCreationForm


class SignUpForm(UserCreationForm):
    """A username and a password: no e-mail, nothing else is asked or kept."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)


class SignInForm(AuthenticationForm):
    pass
