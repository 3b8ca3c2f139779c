# syntax=docker/dockerfile:1
# One image for every production process (web, worker, beat, migrate): see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/opt/venv/bin:$PATH \
    OA_CONSOLE_VAR_DIR=/app/var

# The same uv version as the Makefile, so the image installs exactly what uv.lock pins.
RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock changes, not on every code edit.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --no-cache

# locale/ holds the compiled .mo catalogues (committed), so the image needs no gettext.
COPY . .

# Static files are collected at build time; settings require a SECRET_KEY, which this one-off
# command never uses for anything secret.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret \
    python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/var \
    && chown -R app:app /app/var
USER app

EXPOSE 8000
# Workers: gunicorn reads WEB_CONCURRENCY (docker-compose.yml sets it).
CMD ["gunicorn", "oa_console.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "60", "--graceful-timeout", "30"]
