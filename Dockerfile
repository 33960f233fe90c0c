# Pilotmarked: one image for the web process (gunicorn), the Celery worker and beat.
#
#   docker build -t pilotmarked .
#   docker run --env-file .env -p 8000:8000 pilotmarked          # web (the default command)
#   docker run --env-file .env pilotmarked celery -A config worker
#
# Production settings: every secret comes from the environment at run time (.env.example lists
# them). Nothing secret is baked in; collectstatic below runs with throwaway values.
# Uploads live in /app/var/media (public) and /app/var/private (sealed bids, tender documents):
# mount a volume on each, shared by web and worker (docker-compose.yml does).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/var/staticfiles \
    MEDIA_ROOT=/app/var/media \
    PRIVATE_MEDIA_ROOT=/app/var/private \
    PORT=8000

RUN useradd --system --uid 10001 --create-home --home-dir /home/pilotmarked pilotmarked
WORKDIR /app

# 1. Python dependencies, cached until pyproject.toml changes. With only pyproject.toml present,
#    `pip install .` installs every pinned dependency and an empty "pilotmarked" distribution;
#    the code itself runs from /app (PYTHONPATH), where BASE_DIR finds templates/, static/ and
#    locale/ next to it.
COPY pyproject.toml ./
RUN pip install .

# 2. Designsystemet CSS at the versions and integrity hashes in package-lock.json. No Node in
#    the image: the script fetches and checks the tarballs itself.
COPY package.json package-lock.json ./
COPY scripts/fetch_frontend.py scripts/
RUN FRONTEND_FETCH=python python scripts/fetch_frontend.py && rm -rf node_modules

# 3. The application (compiled message catalogs are committed under locale/).
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    BID_KEYS=collectstatic-only:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
    DATABASE_URL=sqlite:///:memory: \
    python manage.py collectstatic --noinput --verbosity 0 \
 && mkdir -p /app/var/media /app/var/private \
 && chown -R pilotmarked:pilotmarked /app/var \
 && chmod 0750 /app/var/private

USER pilotmarked
EXPOSE 8000

# Liveness: /healthz answers while the process serves. The probe sends a Host header the
# settings allow (the first of DJANGO_ALLOWED_HOSTS), so it works whatever the site is called.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as r; host = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); host = 'localhost' if host in ('', '*') else host; r.urlopen(r.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'Host': host}), timeout=4)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py"]
