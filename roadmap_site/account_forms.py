"""allauth's forms in the site's words (ACCOUNT_FORMS)."""

from allauth.account.forms import LoginForm


class SignInForm(LoginForm):
    """allauth's sign-in form, its box labelled "Remember me" (no title case, no colon)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if remember := self.fields.get("remember"):
            remember.label, remember.label_suffix = "Remember me", ""
