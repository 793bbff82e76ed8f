"""Production settings: check --deploy is clean, the headers are there, secrets stay hidden."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-test-only-secret-key-that-is-long-and-random-enough-0123456789abcdef",
    "ALLOWED_HOSTS": "roadmap.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://roadmap.example.org",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Leave out what the test run itself sets (the browser tests allow async-unsafe calls).
    harness = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in harness}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warning():
    result = _manage("check", "--deploy", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in output, output
    assert "WARNING" not in output


def test_settings_left_empty_as_in_env_example_keep_their_production_defaults():
    empty = dict.fromkeys(
        ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "WEB_CONCURRENCY"], ""
    )  # fmt: skip
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS)"
    )
    result = _manage("shell", "--no-imports", "-c", code, **PRODUCTION_ENV, **empty)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "31536000"]


def test_it_refuses_to_start_without_a_secret_key_in_production():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_env_example_lists_every_setting_the_site_reads():
    example = (ROOT / ".env.example").read_text()
    settings_text = (ROOT / "roadmap_site" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:bool|int|list)\("([A-Z_]+)"', settings_text))
    read |= set(re.findall(r'os\.getenv\("([A-Z_]+)"', settings_text))
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert read - listed == set()


def test_it_reads_how_many_proxies_to_trust_from_the_environment():
    show = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    env = {**PRODUCTION_ENV, "ALLAUTH_TRUSTED_PROXY_COUNT": "1"}
    result = _manage("shell", "--verbosity", "0", "--command", show, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_it_trusts_no_proxy_unless_told(settings):
    # So a forged X-Forwarded-For is ignored (tests/test_sign_in_limits.py).
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    assert not getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=True)
def test_production_answers_carry_hsts_referrer_and_frame_policies():
    response = Client().get("/healthz", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_sent_to_https():
    response = Client().get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def _explode(request):
    raise RuntimeError("SECRET internals")


urlpatterns = [path("explode/", _explode)]
handler500 = "roadmap_site.views.server_error"


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_crash_shows_the_styled_page_without_a_traceback():
    client = Client(raise_request_exception=False)
    response = client.get("/explode/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "Traceback" not in body and "SECRET internals" not in body
    assert "SECRET_KEY" not in body


@pytest.mark.django_db
def test_the_policy_lets_social_sign_in_leave_for_the_provider(client):
    """allauth starts GitHub and Google sign-in with a POST that redirects to them;
    browsers check that redirect against form-action."""
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    form_action = next(p for p in policy.split("; ") if p.startswith("form-action"))
    assert form_action.split()[1:] == [
        "'self'",
        "https://github.com",
        "https://accounts.google.com",
    ]
