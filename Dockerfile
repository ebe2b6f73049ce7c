FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    STAFET_HOST=0.0.0.0 STAFET_PORT=8000 STAFET_DATABASE_URL=sqlite:////data/stafet.db

RUN useradd --create-home --uid 10001 stafet && mkdir /data && chown stafet /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY content ./content
COPY deploy ./deploy
RUN pip install --no-cache-dir -e .

USER stafet
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["stafet", "serve"]
