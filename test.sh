#!/usr/bin/env bash
# Every test of Relay, on a bare Debian machine with a JDK 17: installs what the tests need when it
# is missing, then runs ./mvnw verify (extra arguments go to Maven, e.g. ./test.sh -Dtest=SseTest).
# What the tests need beyond the JDK: redis-server (the Redis engine's tests start their own),
# node, npm and chromium (the browser client's tests), python3 with aiohttp and curl (the examples'
# tests), and the client's npm packages. The Maven wrapper fetches Maven 3.9 and the dependencies.
set -euo pipefail
cd "$(dirname "$0")"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# Debian's interpreter, where Debian's aiohttp installs (a python3 earlier on PATH may be another one)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import aiohttp' >/dev/null 2>&1 || missing+=(python3-aiohttp)

if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  as_root apt-get update -qq
  # one at a time: where nodejs comes from NodeSource it brings npm and conflicts with Debian's npm
  for package in "${missing[@]}"; do
    if [ "$package" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null \
      || { echo "test.sh: could not install $package (apt-get install $package)" >&2; exit 1; }
  done
  # the tests start their own Redis servers; the package's service is not needed
  if [[ " ${missing[*]} " == *" redis-server "* ]]; then
    (as_root service redis-server stop || true) >/dev/null 2>&1
  fi
fi

(cd clients/js && npm ci --no-audit --no-fund --loglevel=error)

exec ./mvnw -B -ntp verify "$@"
