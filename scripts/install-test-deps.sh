#!/usr/bin/env bash
# Install the system tools the test suite needs beyond requirements-dev.txt.
#
# The browser (e2e) tests drive Debian's Chromium (/usr/bin/chromium) through Playwright
# from PyPI. We never run `playwright install` (it downloads a browser from the internet,
# which CI and dev machines do not have); the distribution package comes from the
# ordinary apt mirror instead. Idempotent: does nothing when /usr/bin/chromium exists.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "install-test-deps: $CHROMIUM already present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

fail() {
    echo "install-test-deps: ERROR: $*" >&2
    echo "install-test-deps: the browser tests (tests/e2e) need Debian's chromium at $CHROMIUM." >&2
    echo "install-test-deps: install it by hand: apt-get update && apt-get install -y --no-install-recommends chromium" >&2
    echo "install-test-deps: (without it, e2e tests are skipped locally and FAIL when CI is set)" >&2
    exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
    fail "apt-get not found (not a Debian/Ubuntu system); cannot install chromium automatically."
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    fail "not running as root and sudo is not available."
fi

echo "install-test-deps: installing Debian's chromium for the browser tests ..."
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update || fail "apt-get update failed."
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends chromium || fail "apt-get install chromium failed."

[ -x "$CHROMIUM" ] || fail "chromium was installed but $CHROMIUM is still missing."
echo "install-test-deps: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
