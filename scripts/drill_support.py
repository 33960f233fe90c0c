"""What the drills share: their error, a scratch PostgreSQL database, a free port on loopback,
a private redis-server.

The drills (``make drill-deadline``, ``drill-restore``, ``drill-worker-kill``, ``drill-alerts``)
run the real thing on a database of their own that they drop and create again. ``DrillError``
means the drill could not run (PostgreSQL unreachable, a wrong URL); each drill prints it as one
line and exits 2, apart from the product failing the drill (exit 1).
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit


class DrillError(Exception):
    """The drill could not run (not: the drill ran and the product failed it)."""


def database_name(database_url: str) -> str:
    """The database a ``postgres://`` URL names; DrillError for anything else."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or not name:
        raise DrillError(f"DRILL_DATABASE_URL must name a PostgreSQL database: {database_url}")
    return name


def pg_admin(database_url: str):
    """An autocommit connection to the ``postgres`` database of the server the URL names."""
    import psycopg

    parts = urlsplit(database_url)
    try:
        return psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or None,
            password=parts.password or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as exc:
        raise DrillError(
            f"PostgreSQL is not reachable: {str(exc).strip().splitlines()[0]}"
        ) from None


def recreate_database(database_url: str, *, create: bool = True) -> None:
    """Drop the URL's database (closing its connections), then create it empty unless told not."""
    from psycopg import sql

    name = sql.Identifier(database_name(database_url))
    with pg_admin(database_url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if create:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop_database(database_url: str) -> None:
    recreate_database(database_url, create=False)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis_server(port: int):
    """A private ``redis-server`` on 127.0.0.1:``port`` without persistence (the drills' broker);
    the caller terminates it."""
    import shutil
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        raise DrillError("redis-server is not installed (apt-get install redis-server)")
    server = subprocess.Popen(  # noqa: S603 (the redis-server found on PATH)
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.05)
    server.kill()
    raise DrillError(f"redis-server did not start on port {port}")


def clean_up(*, redis_server, database_url: str, scratch, keep: bool, log) -> None:
    """The end of every drill that ran a worker: stop its private redis-server, close Django's
    connections, then drop the scratch database and folder, or say where they were kept."""
    import shutil
    import sys

    if redis_server is not None:
        redis_server.terminate()
        redis_server.wait(timeout=10)
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    if keep:
        print(f"  kept: {database_url}, worker log {log}")
        return
    drop_database(database_url)
    shutil.rmtree(scratch, ignore_errors=True)


def start_worker(env: dict[str, str], log, *, pool: str, concurrency: int):
    """This virtualenv's Celery worker on the project's queue, in its own process group (so its
    children are found, measured and killed with it), writing to ``log``."""
    import subprocess
    import sys
    from pathlib import Path

    celery = Path(sys.executable).parent / "celery"
    with Path(log).open("ab") as out:
        return subprocess.Popen(  # noqa: S603 (this virtualenv's celery)
            [
                str(celery),
                "-A",
                "config",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "-Q",
                "pilotmarked",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process_group(process, sig: int) -> None:
    """Send ``sig`` to the process's group and wait; SIGKILL if it has not ended in 30 s."""
    import os
    import signal
    import subprocess

    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
