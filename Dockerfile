# nnplay in a container:  docker build -t nnplay .  &&  docker run -p 8501:8501 nnplay
# tests/unit/test_dockerfile.py checks this file's conventions; tests/e2e/test_container_start.py runs
# its CMD and HEALTHCHECK (outside a container) and checks the app answers.
FROM python:3.11-slim

# No .pyc files written at run time (the app's files are read-only for its user), logs unbuffered
# (straight to `docker logs`), no pip version check or root warning during the build, quiet TensorFlow.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    TF_CPP_MIN_LOG_LEVEL=2

WORKDIR /app

# An unprivileged user with a home directory (Keras caches its MNIST download in ~/.keras). Its
# numeric id is what USER names below, so a runtime can tell it is not root (runAsNonRoot).
RUN groupadd --gid 10001 nnplay \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin nnplay

# The pinned dependencies first, in their own layer: a change to the app's code reuses it.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# Only what the app runs on (.dockerignore keeps everything else out of the build context).
# Owned by root: the app's user can read its code but not change it.
COPY LICENSE app.py ./
COPY app_pages/ app_pages/
COPY nnplay/ nnplay/
COPY .streamlit/ .streamlit/

USER 10001:10001

EXPOSE 8501

# Streamlit answers "ok" here once it is ready. The slim image has no curl: Python's urllib instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)"]

# .streamlit/config.toml (copied above) holds the public demo's settings; these two flags make the
# server reachable from outside the container on the port EXPOSEd above.
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
