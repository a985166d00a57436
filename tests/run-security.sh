#!/usr/bin/env bash
# Security tests: every tests/security/*.sh (or the ones named), run as root
# by the integration runner (same timeout, PASS/FAIL/SKIP lines, closing
# "N passed, M failed"): each test makes the local users it attacks with and
# removes them, and starts its own daemons in its own namespace.
export NFX_TEST_SUITE=security
exec "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/run-integration.sh" "$@"
