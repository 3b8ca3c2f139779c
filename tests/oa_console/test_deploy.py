"""The production edge (issue 14): docker-compose.yml puts Caddy in front of gunicorn, the wiring
between them is consistent, and ``manage.py check --deploy`` passes with production settings.

Docker does not run here (nor in CI), so the compose file is checked as data: its services,
ports, volumes and the environment each process gets, against the settings module and the
Caddyfile it mounts.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
CADDYFILE = (ROOT / "deploy" / "Caddyfile").read_text()
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Read by processes other than the settings module: gunicorn, and compose itself.
NOT_SETTINGS = {"WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"}


def _settings_variables() -> set[str]:
    source = "\n".join(
        path.read_text() for path in sorted((ROOT / "oa_console" / "settings").glob("*.py"))
    )
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))


def test_caddy_terminates_https_in_front_of_gunicorn():
    caddy = SERVICES["caddy"]
    assert caddy["image"] == "caddy:2"
    assert {"80:80", "443:443"} <= set(caddy["ports"]), "ACME challenges, the redirect, HTTPS"
    mounts = caddy["volumes"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in mounts
    assert {"caddy-data:/data", "caddy-config:/config"} <= set(mounts), "certificates are kept"
    assert {"caddy-data", "caddy-config"} <= set(COMPOSE["volumes"])
    assert caddy["environment"]["DOMAIN"].startswith("${DOMAIN:?")
    assert caddy["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_caddyfile_serves_the_domain_and_proxies_to_web_with_buffers():
    assert re.search(r"^\{\$DOMAIN\} \{", CADDYFILE, re.M), "a site for $DOMAIN: automatic HTTPS"
    assert "reverse_proxy web:8000" in CADDYFILE
    assert "request_buffers" in CADDYFILE and "read_header" in CADDYFILE
    bind = next(arg for arg in SERVICES["web"]["command"] if arg.startswith("--bind="))
    assert bind.endswith(":8000"), "Caddy proxies to the port gunicorn listens on"
    # The body limit admits the largest import the console accepts.
    assert int(re.search(r"max_size (\d+)MB", CADDYFILE).group(1)) > 100


def test_web_is_published_on_the_hosts_loopback_only():
    assert all(port.startswith("127.0.0.1:") for port in SERVICES["web"].get("ports", []))
    for name, service in SERVICES.items():
        if name != "caddy":
            assert not any(
                not str(port).startswith("127.0.0.1:") for port in service.get("ports", [])
            ), f"{name} is published on a public interface"


def test_the_console_trusts_exactly_one_proxy_and_knows_it_is_https():
    environment = SERVICES["web"]["environment"]
    assert environment["TRUSTED_PROXY_HOPS"] == "${TRUSTED_PROXY_HOPS:-1}"
    assert environment["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-true}"
    assert environment["PUBLIC_BASE_URL"] == "${PUBLIC_BASE_URL:-https://${DOMAIN}}"
    assert environment["CSRF_TRUSTED_ORIGINS"] == "${CSRF_TRUSTED_ORIGINS:-https://${DOMAIN}}"
    assert "127.0.0.1" in environment["ALLOWED_HOSTS"], "the container's own healthcheck"
    assert "healthz" in SERVICES["web"]["healthcheck"]["test"][-1]


def test_every_app_service_shares_one_image_and_environment():
    images = {SERVICES[name]["image"] for name in APP_SERVICES}
    assert images == {"oa-console:latest"}
    environments = [SERVICES[name]["environment"] for name in APP_SERVICES]
    assert all(environment == environments[0] for environment in environments)


def test_every_variable_compose_passes_is_read_by_the_console():
    """A misspelt name in compose would silently fall back to the default."""
    passed = set(SERVICES["web"]["environment"]) - NOT_SETTINGS
    assert passed - _settings_variables() == set()


def test_every_variable_compose_interpolates_is_documented_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    documented = set(re.findall(r"^# ([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert used - documented == set()


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "oa_console.settings",
    "DEBUG": "false",
    "FIELD_ENCRYPTION_KEY": "n2o8b1kCkzQzX4YVd1s8y2fT6qk3w9u7mZJpLr0aH5E=",
    "ALLOWED_HOSTS": "console.example.com",
    "PUBLIC_BASE_URL": "https://console.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://console.example.com",
    "SECURE_SSL_REDIRECT": "true",
}


def _check_deploy(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    environment = {
        **keep,
        **PRODUCTION,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "OA_CONSOLE_VAR_DIR": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", *extra],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("tag", ["security"])
def test_check_deploy_finds_no_security_issue(tmp_path, tag):
    result = _check_deploy(tmp_path, "--tag", tag)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_passes_with_production_settings(tmp_path):
    """What CI's "Deploy check" step runs: every check, warnings included, must pass."""
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
