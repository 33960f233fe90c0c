"""Gunicorn settings for the web service: ``gunicorn -c gunicorn.conf.py``.

Everything that differs between machines comes from the environment:

    PORT                  port to listen on (8000)
    HOST                  address to bind (0.0.0.0: all interfaces, as in a container)
    WEB_CONCURRENCY       worker processes (2)
    GUNICORN_THREADS      threads per worker (4)
    GUNICORN_TIMEOUT      seconds before a silent worker is killed and restarted (30)
    GUNICORN_LOG_LEVEL    error log level (info)
    FORWARDED_ALLOW_IPS   proxies trusted for X-Forwarded-* (read by gunicorn itself)

The access log carries the request id that RequestIdMiddleware put on the response, so one id
ties a proxy log line, gunicorn's access log and the application's log and audit events together.
"""

import os

wsgi_app = "config.wsgi:application"

bind = [f"{os.environ.get('HOST', '0.0.0.0')}:{int(os.environ.get('PORT', '8000'))}"]  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gthread, noting when each request was complete on the socket (a bid's receipt time).
worker_class = "config.gunicorn_worker.ReceiptStampingWorker"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory: a container's overlay file system can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# No runtime control socket: the process manager (compose, systemd, Kubernetes) owns the workers.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'
