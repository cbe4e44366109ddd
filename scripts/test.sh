#!/usr/bin/env bash
# The whole test suite: prepares what the tests need (PostgreSQL with pgvector, headless Chromium,
# GitHub's and GitLab's webhook examples) idempotently, then runs every module's tests. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

for setup in scripts/setup-*.sh; do
  [ -e "$setup" ] || continue
  bash "$setup"
done

# Tests that need PostgreSQL read this; without it (and without Docker) they fail, never skip.
export RAG_TEST_DATABASE_URL="${RAG_TEST_DATABASE_URL:-jdbc:postgresql://127.0.0.1:5432/reporag_test?user=postgres}"
# The same server behind PgBouncer in transaction mode (scripts/setup-postgres.sh starts it).
export RAG_TEST_POOLER_URL="${RAG_TEST_POOLER_URL:-jdbc:postgresql://127.0.0.1:6433/?user=postgres}"
# GitHub's documented webhook deliveries (scripts/setup-webhook-examples.sh fetches them).
export RAG_TEST_WEBHOOK_EXAMPLES="${RAG_TEST_WEBHOOK_EXAMPLES:-$PWD/target/webhook-examples/node_modules/@octokit/webhooks-examples}"
# GitLab's documented project and system hook deliveries (the same script fetches them).
export RAG_TEST_GITLAB_WEBHOOK_EXAMPLES="${RAG_TEST_GITLAB_WEBHOOK_EXAMPLES:-$PWD/target/webhook-examples/go-gitlab}"
# Keeps JGit's user-level config out of the home directory.
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$PWD/target/xdg}"

exec mvn -B verify "$@"
