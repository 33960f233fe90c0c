"""docker-compose keeps the files that must survive a restart on named volumes shared by the
processes that use them: sealed bids and tender documents (PRIVATE_MEDIA_ROOT) and public
uploads (MEDIA_ROOT), mounted by web and worker; the image agrees on the paths."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def mounts(service: dict) -> dict[str, str]:
    """Container path → named volume."""
    found = {}
    for entry in service.get("volumes") or []:
        source, _, target = entry.partition(":")
        found[target.split(":")[0]] = source
    return found


def test_web_and_worker_share_named_volumes_for_private_and_public_files():
    config = compose()
    for name in ("web", "worker"):
        service = config["services"][name]
        environment = service["environment"]
        volumes = mounts(service)
        for setting in ("PRIVATE_MEDIA_ROOT", "MEDIA_ROOT"):
            path = environment[setting]
            assert path in volumes, f"{name} keeps {setting} ({path}) on no volume"
            assert volumes[path] in config["volumes"], f"{volumes[path]} is not a named volume"
    web, worker = (mounts(config["services"][name]) for name in ("web", "worker"))
    assert web == worker
    private = config["services"]["web"]["environment"]["PRIVATE_MEDIA_ROOT"]
    assert private != config["services"]["web"]["environment"]["MEDIA_ROOT"]
    assert not private.startswith(config["services"]["web"]["environment"]["MEDIA_ROOT"] + "/")


def test_beat_and_one_off_jobs_mount_no_files():
    config = compose()
    for name in ("beat", "migrate", "search-index"):
        assert not mounts(config["services"][name]), name


def test_the_image_creates_the_folders_compose_mounts():
    dockerfile = (ROOT / "Dockerfile").read_text()
    environment = compose()["services"]["web"]["environment"]
    for setting in ("PRIVATE_MEDIA_ROOT", "MEDIA_ROOT"):
        path = environment[setting]
        assert re.search(rf"^\s*{setting}={re.escape(path)}\b", dockerfile, re.M), setting
        assert re.search(rf"mkdir -p [^\n]*{re.escape(path)}\b", dockerfile), path


def test_no_stale_bid_kek_text_is_left():
    tracked = subprocess.run(
        ["git", "grep", "-l", "BID_" + "KEK", "--", ".", ":!tests/config/test_compose_storage.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tracked.stdout == "", tracked.stdout
