#!/usr/bin/env bash
# Everything a fresh machine needs before `npm start` or `npm test`: git (with git http-backend, which
# the tests serve the GitOps remote with), kubectl (kustomize builds every rendered overlay), Debian's
# docker-registry and htpasswd (the registry tests run the real registry on loopback; it is never
# enabled as a service), then the npm packages exactly as the lock file has them.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v git >/dev/null 2>&1 || need+=(git)
command -v kubectl >/dev/null 2>&1 || need+=(kubectl)
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# The dashboard's browser tests drive Debian's chromium (playwright-core never downloads a browser here).
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}"
  # On a machine with systemd the package starts a registry on :5000; the tests run their own.
  if [[ " ${need[*]} " == *" docker-registry "* ]] && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
fi
if ! [ -x "$(git --exec-path)/git-http-backend" ]; then
  echo "setup: git-http-backend is missing from $(git --exec-path); install the full git package" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
