# syntax=docker/dockerfile:1.7
# Groundwork workflow service, CPU: the event consumer/orchestrator and the Celery executors of the `cpu` queue
# (`groundwork worker --role orchestrator`, `groundwork worker --role executor --queues cpu`).
# Build from the repository root:  docker build -f deploy/docker/worker.Dockerfile -t groundwork-worker .
# A worker needs no database: only the broker URL, the API URL and a service token (see docs/deploy.md).
ARG PYTHON_VERSION=3.11.14
ARG DEBIAN_RELEASE=bookworm

FROM python:${PYTHON_VERSION}-slim-${DEBIAN_RELEASE} AS python-build
# torch's CPU build comes from PyTorch's own index (PyPI's Linux wheels carry several GB of CUDA libraries);
# the version is the one constraints.txt pins.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_VERSION=2.13.0+cpu
# Extras of the groundwork distribution: storage clients and the ML blocks' libraries.
ARG EXTRAS=storage,ml
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY constraints.txt pyproject.toml README.md ./
COPY sdk/ sdk/
COPY backend/ backend/
COPY workflow_service/ workflow_service/
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --extra-index-url "${TORCH_INDEX_URL}" -c constraints.txt \
        "torch==${TORCH_VERSION}" "./sdk[events,workflows]" ".[${EXTRAS}]" \
    && python -c "import torch, workflow_service" \
    && groundwork worker --help >/dev/null

FROM python:${PYTHON_VERSION}-slim-${DEBIAN_RELEASE} AS runtime
LABEL org.opencontainers.image.title="groundwork-worker" \
      org.opencontainers.image.description="Groundwork workflow service (CPU): orchestrator and Celery executors" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 groundwork \
    && useradd --system --uid 10001 --gid groundwork --home-dir /home/groundwork --create-home \
       --shell /usr/sbin/nologin groundwork \
    && mkdir -p /data /run/groundwork \
    && chown groundwork:groundwork /data /run/groundwork
COPY --from=python-build /opt/venv /opt/venv
# Model and library caches go under the data directory, which Kubernetes mounts writable (the root is read-only).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    GROUNDWORK_DATA_DIR=/data \
    HF_HOME=/data/cache/huggingface \
    XDG_CACHE_HOME=/data/cache \
    MPLCONFIGDIR=/data/cache/matplotlib
WORKDIR /data
USER 10001:10001
# The worker writes a heartbeat file; --probe exits 0 while it is fresh (compose overrides the role per service).
HEALTHCHECK --interval=30s --timeout=20s --start-period=60s --retries=3 \
    CMD ["groundwork", "worker", "--probe", "--role", "executor"]
CMD ["groundwork", "worker", "--role", "executor", "--queues", "cpu"]
