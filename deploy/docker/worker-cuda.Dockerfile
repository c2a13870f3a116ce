# syntax=docker/dockerfile:1.7
# Groundwork workflow service, CUDA: Celery executors of the `gpu` queue
# (`groundwork worker --role executor --queues gpu`), with torch's CUDA wheels on an NVIDIA CUDA base.
# Build from the repository root:  docker build -f deploy/docker/worker-cuda.Dockerfile -t groundwork-worker-cuda .
# The host needs the NVIDIA driver (>= the one CUDA_VERSION asks for) and the NVIDIA Container Toolkit;
# on Kubernetes, the NVIDIA device plugin (or GPU Operator) exposing `nvidia.com/gpu`.
ARG CUDA_VERSION=12.8.1
ARG UBUNTU_RELEASE=ubuntu24.04
ARG UV_VERSION=0.9.5

# uv only brings a CPython build (Ubuntu's own Python is another minor version than the one we test with).
FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

FROM nvidia/cuda:${CUDA_VERSION}-base-${UBUNTU_RELEASE} AS python-build
# The CPython minor version the test suite runs on; uv's release above fixes the patch release.
ARG PYTHON_VERSION=3.11
# torch's CUDA wheels (they carry the CUDA libraries they need); pick the variant your drivers support.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128
ARG TORCH_VERSION=2.13.0+cu128
ARG EXTRAS=storage,ml
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_PYTHON_INSTALL_DIR=/opt/python \
    UV_PYTHON_PREFERENCE=only-managed
COPY --from=uv /uv /usr/local/bin/uv
RUN uv python install "${PYTHON_VERSION}" \
    && "$(uv python find "${PYTHON_VERSION}")" -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY constraints.txt pyproject.toml README.md ./
COPY sdk/ sdk/
COPY backend/ backend/
COPY workflow_service/ workflow_service/
# constraints.txt pins torch's CPU build (the development machines have no GPU): drop that one pin here.
RUN --mount=type=cache,target=/root/.cache/pip \
    grep -v '^torch==' constraints.txt > /tmp/constraints-cuda.txt \
    && pip install --extra-index-url "${TORCH_INDEX_URL}" -c /tmp/constraints-cuda.txt \
        "torch==${TORCH_VERSION}" "./sdk[events,workflows]" ".[${EXTRAS}]" \
    && python -c "import torch, workflow_service; assert torch.version.cuda, 'torch without CUDA'" \
    && groundwork worker --help >/dev/null

FROM nvidia/cuda:${CUDA_VERSION}-base-${UBUNTU_RELEASE} AS runtime
LABEL org.opencontainers.image.title="groundwork-worker-cuda" \
      org.opencontainers.image.description="Groundwork workflow service (CUDA): Celery executors of the gpu queue" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 groundwork \
    && useradd --system --uid 10001 --gid groundwork --home-dir /home/groundwork --create-home \
       --shell /usr/sbin/nologin groundwork \
    && mkdir -p /data /run/groundwork \
    && chown groundwork:groundwork /data /run/groundwork
# The venv's interpreter links to the uv-installed CPython: both keep their paths.
COPY --from=python-build /opt/python /opt/python
COPY --from=python-build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    GROUNDWORK_DATA_DIR=/data \
    HF_HOME=/data/cache/huggingface \
    XDG_CACHE_HOME=/data/cache \
    MPLCONFIGDIR=/data/cache/matplotlib \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
WORKDIR /data
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=20s --start-period=120s --retries=3 \
    CMD ["groundwork", "worker", "--probe", "--role", "executor"]
CMD ["groundwork", "worker", "--role", "executor", "--queues", "gpu", "--concurrency", "1"]
