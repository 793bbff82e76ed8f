from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend


class ReadableConsoleEmailBackend(ConsoleEmailBackend):
    """Print emails decoded, so a link in `make run`'s output can be clicked as it is.

    Django's console backend prints the raw MIME message, where long lines
    (such as the sign-up confirmation link) are cut by quoted-printable encoding.
    """

    def write_message(self, message) -> None:
        self.stream.write(
            f"From: {message.from_email}\n"
            f"To: {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n"
            f"{message.body}\n"
        )
        self.stream.write("-" * 79 + "\n")
