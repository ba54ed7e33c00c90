# ipms-bot production image: `ipms serve` (webhooks, /healthz, /metrics) as a non-root user.
# Build: docker build -t ipms-bot .      Run the whole stack: docker compose up -d (see README).

# --- build stage: install the package and its dependencies into a virtualenv --------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/ipms
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY knowledge ./knowledge
COPY storage ./storage
# jionlp unpacks its dictionaries on first import: do it now, while the venv is writable.
RUN /opt/ipms/bin/pip install --no-cache-dir . \
    && /opt/ipms/bin/python -c "import jionlp" >/dev/null \
    && /opt/ipms/bin/ipms kb check

# --- runtime stage: the virtualenv only, no compilers, no sources -------------------------
FROM python:3.11-slim-bookworm
ENV PATH=/opt/ipms/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    IPMS_DATA_DIR=/data \
    IPMS_WEBHOOK_LISTEN=0.0.0.0 IPMS_WEBHOOK_PORT=8443 \
    IPMS_LOG_FORMAT=json
COPY --from=build /opt/ipms /opt/ipms
RUN groupadd --system --gid 10001 ipms \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --create-home ipms
USER 10001:10001
WORKDIR /data
EXPOSE 8443
# 200 only when warmed up and the database answers at the current schema.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('IPMS_WEBHOOK_PORT', '8443'), timeout=4)"]
# SIGTERM: in-flight updates finish, reminder claims are handed back, then exit 0.
STOPSIGNAL SIGTERM
CMD ["ipms", "serve"]
