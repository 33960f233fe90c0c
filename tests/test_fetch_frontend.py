"""The install step's front-end fetcher: pinned versions, integrity checked, safe unpacking."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("fetch_frontend", ROOT / "scripts/fetch_frontend.py")
fetch_frontend = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fetch_frontend)


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_every_locked_package_is_pinned_with_a_sha512_hash():
    packages = fetch_frontend.locked_packages()

    assert "@digdir/designsystemet-css" in packages
    assert "@digdir/designsystemet-theme" in packages
    for meta in packages.values():
        assert meta["integrity"].startswith("sha512-")
        assert meta["version"][0].isdigit()
    manifest = json.loads((ROOT / "package.json").read_text())
    for name, version in manifest["dependencies"].items():
        assert packages[name]["version"] == version


def test_a_tarball_with_the_right_hash_is_accepted():
    data = _tarball({"package/index.css": b"body{}"})

    fetch_frontend.verify_integrity(data, _integrity(data))


def test_a_tampered_tarball_is_refused():
    data = _tarball({"package/index.css": b"body{}"})
    tampered = _tarball({"package/index.css": b"body{background:url(//evil)}"})

    with pytest.raises(fetch_frontend.FetchError, match="integrity mismatch"):
        fetch_frontend.verify_integrity(tampered, _integrity(data))


def test_unpacking_strips_the_package_folder(tmp_path):
    data = _tarball({"package/dist/index.css": b"body{}", "package/package.json": b"{}"})

    fetch_frontend.unpack(data, tmp_path / "node_modules" / "x")

    assert (tmp_path / "node_modules/x/dist/index.css").read_bytes() == b"body{}"


def test_unpacking_refuses_paths_outside_the_package(tmp_path):
    data = _tarball({"package/../../escape.txt": b"x"})

    with pytest.raises(fetch_frontend.FetchError, match="unexpected path"):
        fetch_frontend.unpack(data, tmp_path / "node_modules" / "x")

    assert not (tmp_path / "escape.txt").exists()


def test_tarball_urls_follow_the_registry_layout():
    url = fetch_frontend.tarball_url(
        "https://registry.example/", "@digdir/designsystemet-css", "1.22.0"
    )

    assert (
        url == "https://registry.example/@digdir/designsystemet-css/-/designsystemet-css-1.22.0.tgz"
    )
