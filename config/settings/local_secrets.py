"""Secrets for the embedded default: generated once into ``var/`` (outside the database and git).

Only ``dev.py`` and ``test.py`` use this. Production reads every secret from the environment and
refuses to start without it.
"""

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def read_dotenv() -> None:
    """Read an optional .env file before the embedded defaults are filled in; env vars win."""
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def local_secret(var_dir: Path, name: str, nbytes: int = 48) -> str:
    path = var_dir / name
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def local_bid_keys(var_dir: Path) -> str:
    """A key-encryption key for sealing bids, generated once into ``var/bid_keys`` (0600).

    Kept outside the database, as production keeps its keys in the environment. Losing this
    file makes the embedded default's sealed bids unreadable, exactly as losing BID_KEYS would.
    """
    import base64
    import os

    path = var_dir / "bid_keys"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        path.write_text(f"local-1:{key}")
        path.chmod(0o600)
    return path.read_text().strip()
