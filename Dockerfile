# Production image: the Telegram bot (polling by default; set IPMS_WEBHOOK_URL for webhooks).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    IPMS_DATA_DIR=/data
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY knowledge ./knowledge
COPY storage ./storage
# jionlp unpacks its dictionaries on first import: do it now, while site-packages is writable.
RUN pip install . && python -c "import jionlp" >/dev/null && useradd --create-home --uid 10001 ipms && mkdir -p /data && chown ipms /data

USER ipms
VOLUME ["/data"]
# Fail fast on broken curated data, migrate, then serve.
CMD ["sh", "-c", "ipms kb check && ipms migrate && exec ipms run"]
