"""Settings come from the environment: production refuses to start without its secrets, passes
Django's deployment checks, and DATABASE_URL decides where `manage.py` writes.

Each case runs Python in a subprocess with a minimal environment, as a server would start.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "pilotmarked.example",
    "DATABASE_URL": "sqlite:///:memory:",
    "OCDS_OCID_PREFIX": "ocds-a1b2c3-pilotmarked-",  # a registered one (tenders.ocds.checks)
    "BID_KEYS": "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
}


def run(code_or_args: str | list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _dotenv_sets(name: str) -> bool:
    """A developer's .env (read by base.py) would fill in what the test leaves out."""
    dotenv = ROOT / ".env"
    if not dotenv.exists():
        return False
    return any(
        line.strip().removeprefix("export ").startswith(f"{name}=")
        for line in dotenv.read_text().splitlines()
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS", "BID_KEYS"]
)
def test_production_refuses_to_start_without(missing):
    if _dotenv_sets(missing):
        pytest.skip(f"{ROOT / '.env'} sets {missing}")
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}

    result = run("import django; django.setup()", env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_starts_with_its_secrets_and_ignores_relaxations():
    # given every secret, plus switches that only the embedded default may use
    env = {**PRODUCTION_ENV, "DJANGO_DEBUG": "true", "MFA_REQUIRED_FOR_STAFF": "false"}
    env["ACCOUNT_EMAIL_VERIFICATION"] = "none"
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.MFA_REQUIRED_FOR_STAFF, s.ACCOUNT_EMAIL_VERIFICATION, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0]))"
    )

    result = run(code, env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, True, "mandatory", True, True, True, True]


def test_production_passes_the_deployment_checks():
    # the same command as `make lint`
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_database_url_decides_where_migrate_writes(tmp_path):
    # given the embedded default (manage.py's own settings) told to use a file of our choosing
    scratch = tmp_path / "scratch.db"
    env = {"DATABASE_URL": f"sqlite:///{scratch}", "HOME": str(tmp_path)}

    # when
    migrate = run(["manage.py", "migrate", "--noinput"], env)
    verify = run(["manage.py", "verify_audit"], env)

    # then
    assert migrate.returncode == 0, migrate.stderr
    assert scratch.exists()
    with sqlite3.connect(scratch) as db:
        triggers = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert {"auditevent_no_update", "auditevent_no_delete"} <= triggers
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith("Audit chain intact: 0 events")


def _variables_read_by(*paths: Path) -> set[str]:
    """Names passed to env(...), env.<cast>(...) and os.environ in these modules."""
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            callee = ast.unparse(node.func)
            first = node.args[0]
            if (
                (callee == "env" or callee.startswith(("env.", "os.environ")))
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.isupper()
            ):
                names.add(first.value)
    return names


SETTINGS_MODULES = sorted((ROOT / "config" / "settings").glob("*.py"))


def test_env_example_documents_every_variable_the_settings_read():
    read = _variables_read_by(*SETTINGS_MODULES, ROOT / "gunicorn.conf.py")
    documented = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )

    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= read  # the scan finds them
    assert read - documented == set()


def test_compose_sets_only_variables_something_reads():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    read = _variables_read_by(*SETTINGS_MODULES, ROOT / "gunicorn.conf.py")

    for name in ("web", "worker", "beat", "migrate"):
        environment = set(compose["services"][name]["environment"])
        assert environment - read - {"DJANGO_SETTINGS_MODULE"} == set(), name
    assert compose["services"]["web"]["environment"]["EMAIL_URL"] == "smtp://mailpit:1025"
