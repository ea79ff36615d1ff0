"""`.env.example` is what a new install copies: it must be safe as it stands."""

from pathlib import Path

from django.conf import settings


def env_example() -> dict[str, str]:
    values = {}
    for line in (Path(settings.BASE_DIR) / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def test_the_example_turns_on_https_redirect_and_secure_cookies():
    values = env_example()
    for key in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        assert values[key] == "true", key
    assert values["DEBUG"] == "false"
    assert all(o.startswith("https://") for o in values["CSRF_TRUSTED_ORIGINS"].split(","))
