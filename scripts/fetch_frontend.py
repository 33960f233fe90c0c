#!/usr/bin/env python3
"""Install the pinned front-end packages (Digdir Designsystemet CSS) and copy what the site serves.

Reads ``package-lock.json`` (exact versions and SHA-512 integrity hashes). Uses ``npm ci`` where
npm is installed; elsewhere it fetches the same tarballs from the npm registry itself and checks
each against its integrity hash before unpacking. Nothing is copied into git: the CSS lands in
``static/vendor/`` (ignored) at install time.

Standard library only: this runs before anything else is installed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "package-lock.json"
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor" / "designsystemet"
DEFAULT_REGISTRY = "https://registry.npmjs.org"

# What the site serves, from where in the installed packages.
SERVED = {
    "designsystemet.css": "@digdir/designsystemet-css/dist/src/index.css",
    "theme.css": "@digdir/designsystemet-theme/src/themes/designsystemet.css",
    "LICENSE-css": "@digdir/designsystemet-css/LICENSE",
    "LICENSE-theme": "@digdir/designsystemet-theme/LICENSE",
}


class FetchError(Exception):
    pass


def locked_packages(lock_path: Path = LOCK) -> dict[str, dict]:
    lock = json.loads(lock_path.read_text())
    return {
        key.removeprefix("node_modules/"): meta
        for key, meta in lock["packages"].items()
        if key.startswith("node_modules/")
    }


def verify_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm not in {"sha512", "sha384", "sha256"}:
        raise FetchError(f"unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise FetchError(f"integrity mismatch: expected {integrity}, got {algorithm}-{actual}")


def tarball_url(registry: str, name: str, version: str) -> str:
    basename = name.rsplit("/", 1)[-1]
    return f"{registry.rstrip('/')}/{name}/-/{basename}-{version}.tgz"


def unpack(data: bytes, target: Path) -> None:
    """Unpack an npm tarball (its files sit under ``package/``) into ``target``, safely."""
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = []
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()):
                continue
            parts = Path(member.name).parts
            if not parts or parts[0] != "package" or ".." in parts:
                raise FetchError(f"unexpected path in tarball: {member.name}")
            member.name = str(Path(*parts[1:])) if len(parts) > 1 else "."
            members.append(member)
        archive.extractall(tmp, members=members, filter="data")
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(target)


def installed_version(name: str) -> str | None:
    manifest = NODE_MODULES / name / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text()).get("version")


def fetch_with_python(registry: str) -> None:
    for name, meta in locked_packages().items():
        version, integrity = meta["version"], meta["integrity"]
        if installed_version(name) == version:
            continue
        url = tarball_url(registry, name, version)
        print(f"  fetching {name}@{version}")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (https URL)
                data = response.read()
        except OSError as exc:
            raise FetchError(f"could not download {name}@{version}: {exc}") from exc
        verify_integrity(data, integrity)
        unpack(data, NODE_MODULES / name)


def copy_served() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for target, source in SERVED.items():
        path = NODE_MODULES / source
        if not path.exists():
            raise FetchError(f"{source} is missing after install")
        shutil.copyfile(path, VENDOR / target)


def main() -> int:
    registry = os.environ.get("NPM_CONFIG_REGISTRY") or DEFAULT_REGISTRY
    use_npm = shutil.which("npm") and os.environ.get("FRONTEND_FETCH") != "python"
    try:
        if use_npm:
            print("Installing Designsystemet with npm ci (pinned in package-lock.json)")
            subprocess.run(
                ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"],  # noqa: S607
                cwd=ROOT,
                check=True,
            )
        else:
            print("Installing Designsystemet from the npm registry (integrity checked)")
            fetch_with_python(registry)
        copy_served()
    except (FetchError, subprocess.CalledProcessError) as exc:
        print(f"fetch_frontend: {exc}", file=sys.stderr)
        return 1
    print(f"Designsystemet CSS ready in {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
