# syntax=docker/dockerfile:1
# Chain Portal — production image (Django + gunicorn; also used for Celery worker/beat).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production

# System libraries for WeasyPrint (Pango/HarfBuzz), Cairo for the Word reports' charts
# (CairoSVG), CJK fonts for Chinese PDFs, and gettext for compiling translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        libcairo2 \
        fonts-noto-cjk \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged runtime user.
RUN groupadd --system portal \
    && useradd --system --gid portal --home-dir /app --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first, so this layer is cached until requirements.txt changes.
COPY requirements.txt /app/requirements.txt
RUN pip install --no-cache-dir -r requirements.txt

# Project code, owned by root: the app user can read it but not change it.
COPY . /app

# Collect static files (and compile translations, if any .po files exist) at
# build time. The secret and database below are throwaway values that exist
# only for this RUN step (not baked into ENV). media/ is the only directory the
# app user writes to; creating it here lets the named volume mounted on it
# inherit that ownership on first use.
RUN export SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    && python manage.py collectstatic --noinput \
    && if find . -name '*.po' -print -quit | grep -q .; then \
           python manage.py compilemessages; \
       fi \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /app/media \
    && chown portal:portal /app/media

USER portal

EXPOSE 8000

CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
