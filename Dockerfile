# syntax=docker/dockerfile:1
# Multi-stage: dependencies are built in the first stage; the final image holds only the venv and
# the code, runs as a non-root user, and carries no secret (keys come from files or env at run time).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY config ./config
COPY shared_models ./shared_models
COPY rest_service ./rest_service
COPY soap_service ./soap_service
COPY gateway ./gateway
COPY benchmarks ./benchmarks
RUN /opt/venv/bin/pip install .

FROM python:3.11-slim AS runtime
RUN useradd --system --create-home --uid 10001 catalog
COPY --from=build /opt/venv /opt/venv
WORKDIR /home/catalog
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    CATALOG_ENV=production \
    CATALOG_HOST=0.0.0.0 \
    CATALOG_VAR_DIR=/home/catalog/var \
    LOG_JSON=true
USER catalog
EXPOSE 8000 8001 8002
CMD ["catalog", "serve", "gateway"]
