# Production image: gunicorn serving the app factory, as a non-root user.
# The access log has neither the client address nor query strings (Wi-Fi arrivals carry MACs).
# Build: docker build -t liberec-portal .   (see README: the image is not built in CI)

FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/portal
ENV PATH=/opt/portal/bin:$PATH
COPY pyproject.toml README.md babel.cfg ./
COPY catalog catalog
COPY harvesters harvesters
COPY captive_portal captive_portal
COPY portal portal
COPY translations translations
RUN pip install --no-cache-dir . \
    && pybabel -q compile -d translations

FROM python:3.11-slim AS runtime
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin portal \
    && mkdir -p /app/instance && chown portal:portal /app/instance
COPY --from=build /opt/portal /opt/portal
COPY --from=build /src/translations /app/translations
ENV PATH=/opt/portal/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PORTAL_ENV=production \
    PORTAL_INSTANCE_PATH=/app/instance \
    PORTAL_TRANSLATIONS_DIR=/app/translations
WORKDIR /app
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--forwarded-allow-ips", "*", "--access-logfile", "-", "--access-logformat", "%(t)s %(m)s %(U)s %(s)s %(b)s %(M)sms", "portal.app:create_app()"]
