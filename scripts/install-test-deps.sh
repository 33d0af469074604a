#!/usr/bin/env bash
# Install the system tools the test suite needs beyond requirements-dev.txt.
#
# The browser (e2e) tests drive Debian's Chromium (/usr/bin/chromium) through Playwright
# from PyPI. We never run `playwright install` (it downloads a browser from the internet,
# which CI and dev machines do not have); the distribution package comes from the
# ordinary apt mirror instead. Idempotent: does nothing for chromium when /usr/bin/chromium exists.
#
# The proxy test (tests/e2e/test_proxy_browser.py) runs Debian's nginx in front of two replicas,
# with deploy/nginx.conf (the README's example). It runs nginx as the test's own user on loopback
# ports, never as a service: no system nginx has to be running. Idempotent: nothing for nginx
# when `nginx` is on PATH or /usr/sbin/nginx exists.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
NGINX=/usr/sbin/nginx

have_chromium() { [ -x "$CHROMIUM" ]; }
have_nginx() { command -v nginx >/dev/null 2>&1 || [ -x "$NGINX" ]; }
nginx_version() { { command -v nginx >/dev/null 2>&1 && nginx -v 2>&1; } || "$NGINX" -v 2>&1 || echo 'version unknown'; }

if have_chromium; then
    echo "install-test-deps: $CHROMIUM already present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
fi
if have_nginx; then
    echo "install-test-deps: nginx already present ($(nginx_version))"
fi
if have_chromium && have_nginx; then
    exit 0
fi

fail() {
    echo "install-test-deps: ERROR: $*" >&2
    echo "install-test-deps: the browser tests (tests/e2e) need Debian's chromium at $CHROMIUM," >&2
    echo "install-test-deps: and the proxy test (tests/e2e/test_proxy_browser.py) Debian's nginx." >&2
    echo "install-test-deps: install them by hand: apt-get update && apt-get install -y --no-install-recommends chromium nginx" >&2
    echo "install-test-deps: (without them, those tests are skipped locally and FAIL when CI is set)" >&2
    exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
    fail "apt-get not found (not a Debian/Ubuntu system); cannot install chromium/nginx automatically."
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    fail "not running as root and sudo is not available."
fi

PACKAGES=()
have_chromium || PACKAGES+=(chromium)
have_nginx || PACKAGES+=(nginx)

echo "install-test-deps: installing Debian's ${PACKAGES[*]} for the browser tests ..."
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update || fail "apt-get update failed."
# policy-rc.d exit 101: the package's maintainer scripts do not start a system nginx (on a machine
# with an init system it would take port 80); the test starts its own, unprivileged, on loopback.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=0
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    ADDED_POLICY=1
fi
status=0
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${PACKAGES[@]}" || status=$?
if [ "$ADDED_POLICY" -eq 1 ]; then
    "${SUDO[@]}" rm -f "$POLICY"
fi
[ "$status" -eq 0 ] || fail "apt-get install ${PACKAGES[*]} failed."

have_chromium || fail "chromium was installed but $CHROMIUM is still missing."
have_nginx || fail "nginx was installed but neither \`nginx\` on PATH nor $NGINX exists."
echo "install-test-deps: chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
echo "install-test-deps: nginx: $(nginx_version)"
