# syntax=docker/dockerfile:1
# Multi-stage: dependencies are built in the first stage; the final image holds only the venv (the
# code installed into it) and runs as a non-root user. No secret is baked in: .dockerignore keeps
# var/ (and so var/secrets/) out of the build context; keys come from files or env at run time.
# tests/scaleout/test_dockerfile.py checks these properties (there is no docker engine in CI).

FROM python:3.13-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
# The runtime dependencies only (no benchmark, test or docs extras), pinned and hash-checked from
# the lock `make lock` writes, in a layer of their own: a code change reuses it.
COPY requirements/runtime.txt ./requirements/runtime.txt
RUN /opt/venv/bin/pip install --require-hashes -r requirements/runtime.txt
COPY pyproject.toml README.md ./
COPY config ./config
COPY catalog_contract ./catalog_contract
COPY credentials ./credentials
COPY service_http ./service_http
COPY catalog_cli ./catalog_cli
COPY catalog_client ./catalog_client
COPY shared_models ./shared_models
COPY rest_service ./rest_service
COPY soap_service ./soap_service
COPY gateway ./gateway
COPY telemetry ./telemetry
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.13-slim AS runtime
RUN useradd --system --create-home --uid 10001 catalog \
    && install -d -o catalog -g catalog /home/catalog/var/jobs
COPY --from=build /opt/venv /opt/venv
WORKDIR /home/catalog
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CATALOG_ENV=production \
    CATALOG_HOST=0.0.0.0 \
    CATALOG_VAR_DIR=/home/catalog/var \
    LOG_JSON=true
USER 10001:10001
EXPOSE 8000 8001 8002
CMD ["catalog", "serve", "gateway"]
