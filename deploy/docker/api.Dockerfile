# syntax=docker/dockerfile:1.7
# Groundwork API: the FastAPI server with the built browser UI (`groundwork serve`, `groundwork migrate`).
# Build from the repository root:  docker build -f deploy/docker/api.Dockerfile -t groundwork-api .
# Base images are pinned to exact versions; bump them here (and in the worker images) on purpose.
ARG PYTHON_VERSION=3.11.14
ARG NODE_VERSION=24.11.1
ARG DEBIAN_RELEASE=bookworm

# ---- 1. the browser UI: only frontend/dist/ leaves this stage -------------------------------------------------
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS frontend
WORKDIR /src/frontend
# The lock file alone first, so editing the UI's sources does not reinstall node_modules.
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# ---- 2. the Python environment, built where compilers and caches may live -------------------------------------
FROM python:${PYTHON_VERSION}-slim-${DEBIAN_RELEASE} AS python-build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY constraints.txt pyproject.toml README.md ./
COPY sdk/ sdk/
COPY backend/ backend/
# A regular (not editable) install: the code lives in site-packages, the checkout stays behind.
# constraints.txt pins every version the test suite ran with; "storage" brings S3, GCS and Azure clients.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -c constraints.txt "./sdk[events,workflows]" ".[storage]" \
    && groundwork --help >/dev/null

# ---- 3. the runtime image: Python, the venv, the UI; no compilers, no node, no sources ------------------------
FROM python:${PYTHON_VERSION}-slim-${DEBIAN_RELEASE} AS runtime
LABEL org.opencontainers.image.title="groundwork-api" \
      org.opencontainers.image.description="Groundwork API server and browser UI" \
      org.opencontainers.image.licenses="Apache-2.0"
# A fixed numeric user, so Kubernetes' runAsNonRoot can verify it; /data is the only writable path it needs.
RUN groupadd --system --gid 10001 groundwork \
    && useradd --system --uid 10001 --gid groundwork --home-dir /home/groundwork --create-home \
       --shell /usr/sbin/nologin groundwork \
    && mkdir -p /data /run/groundwork \
    && chown groundwork:groundwork /data /run/groundwork
COPY --from=python-build /opt/venv /opt/venv
COPY --from=frontend /src/frontend/dist /app/frontend/dist
COPY deploy/docker/healthcheck.py /app/healthcheck.py
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    GROUNDWORK_HOST=0.0.0.0 \
    GROUNDWORK_PORT=8000 \
    GROUNDWORK_DATA_DIR=/data \
    GROUNDWORK_FRONTEND_DIST=/app/frontend/dist
WORKDIR /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python", "/app/healthcheck.py"]
CMD ["groundwork", "serve"]
