#!/usr/bin/env bash
# Fetches GitHub's webhook payload examples (the npm package @octokit/webhooks-examples, the
# deliveries GitHub documents for github.com and GitHub Enterprise Server) for rag-http's test of
# the webhook route against payloads this project did not write. Idempotent: does nothing when the
# pinned version is there.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=7.6.1
DIR=target/webhook-examples
PACKAGE="$DIR/node_modules/@octokit/webhooks-examples/package.json"

if [ -f "$PACKAGE" ] && grep -q "\"version\": \"$VERSION\"" "$PACKAGE"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup-webhook-examples: npm is missing; install Node.js and npm (Debian: apt-get install npm)" >&2
  exit 1
fi
mkdir -p "$DIR"
npm install --silent --no-audit --no-fund --prefix "$DIR" "@octokit/webhooks-examples@$VERSION"
if [ ! -f "$DIR/node_modules/@octokit/webhooks-examples/api.github.com/index.json" ]; then
  echo "setup-webhook-examples: installed, but api.github.com/index.json is missing" >&2
  exit 1
fi
