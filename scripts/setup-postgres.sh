#!/usr/bin/env bash
# Prepares PostgreSQL 15 with pgvector for the tests, idempotently: starts the cluster, builds and
# installs pgvector from Debian trixie's source package when it is missing (bookworm has no
# pgvector 0.8, whose iterative index scans the store relies on), creates the test database,
# installs openssl if missing, and starts a PgBouncer in transaction mode in front of the server.
# Does apt work only when something is missing; a second run takes well under two seconds.
set -euo pipefail

PG_VERSION=15
PG_CONFIG=/usr/lib/postgresql/$PG_VERSION/bin/pg_config
TEST_DB=${RAG_TEST_DATABASE:-reporag_test}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi

step() { echo "setup-postgres: $*"; }

if [ ! -x "$PG_CONFIG" ] && ! command -v pg_ctlcluster >/dev/null; then
  step "PostgreSQL $PG_VERSION is not installed; installing it"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PG_VERSION" >/dev/null
fi

# 1. The cluster is running.
if pg_lsclusters --no-header 2>/dev/null | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" && $4 ~ /online/ { found = 1 } END { exit !found }'; then
  step "PostgreSQL $PG_VERSION main is running"
else
  step "starting PostgreSQL $PG_VERSION main"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
fi

# 2. pgvector is installed for this server.
SHAREDIR=$("$PG_CONFIG" --sharedir)
if [ -f "$SHAREDIR/extension/vector.control" ]; then
  step "pgvector is installed ($(sed -n "s/^default_version = '\(.*\)'/\1/p" "$SHAREDIR/extension/vector.control"))"
else
  step "pgvector is missing; building it from Debian trixie's source package"
  SRC_LIST=/etc/apt/sources.list.d/reporag-trixie-src.sources
  if [ ! -f "$SRC_LIST" ]; then
    # Source packages only: no trixie binaries can be pulled into this bookworm system.
    $SUDO tee "$SRC_LIST" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  step "apt-get update"
  $SUDO apt-get update -qq
  step "installing build tools (build-essential, postgresql-server-dev-$PG_VERSION)"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential dpkg-dev \
    "postgresql-server-dev-$PG_VERSION" >/dev/null
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  # apt downloads as the unprivileged _apt user where it exists.
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$WORK"; fi
  step "fetching the pgvector source into $WORK"
  (cd "$WORK" && apt-get source -qq pgvector >/dev/null)
  SRC=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  if [ -z "$SRC" ]; then
    echo "setup-postgres: apt-get source pgvector produced no source tree" >&2
    exit 1
  fi
  step "building $(basename "$SRC")"
  # OPTFLAGS empty: the default -march=native would tie the build to this CPU.
  make -s -C "$SRC" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
  $SUDO make -s -C "$SRC" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" install >/dev/null
  step "pgvector installed into $SHAREDIR/extension"
fi

# 3. The test database exists.
psql_admin() {
  if [ "$(id -u)" -eq 0 ] || [ "$(id -un)" = postgres ]; then
    if [ "$(id -un)" = postgres ]; then psql -X -q "$@"; else su postgres -c "psql -X -q $(printf '%q ' "$@")"; fi
  else
    sudo -u postgres psql -X -q "$@"
  fi
}
for _ in $(seq 1 20); do
  "${PG_CONFIG%/pg_config}/pg_isready" -q -h 127.0.0.1 -p 5432 && break
  sleep 0.5
done
if [ "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$TEST_DB'")" = "1" ]; then
  step "database $TEST_DB exists"
else
  step "creating database $TEST_DB"
  psql_admin -c "CREATE DATABASE $TEST_DB"
fi

# 4. openssl, with which TlsDatabaseTest makes its server's certificate.
if ! command -v openssl >/dev/null; then
  step "installing openssl"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
fi

# 5. A PgBouncer in transaction mode in front of it, as hosted poolers run (Supabase's port 6543,
#    Neon's pooled endpoint): TransactionPoolerTest goes through it. Port 6433, configuration and
#    log under $POOLER_DIR; PgBouncer will not run as root, so it runs as postgres.
POOLER_PORT=${RAG_TEST_POOLER_PORT:-6433}
POOLER_DIR=${RAG_TEST_POOLER_DIR:-/tmp/reporag-pgbouncer}
if "${PG_CONFIG%/pg_config}/pg_isready" -q -h 127.0.0.1 -p "$POOLER_PORT"; then
  step "PgBouncer (transaction mode) is running on port $POOLER_PORT"
else
  if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
    step "installing PgBouncer"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
  fi
  PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
  $SUDO mkdir -p "$POOLER_DIR"
  # Few server connections for many clients, so that transactions of one client land on several.
  $SUDO tee "$POOLER_DIR/pgbouncer.ini" >/dev/null <<EOF2
[databases]
* = host=127.0.0.1 port=5432
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $POOLER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $POOLER_DIR/users.txt
pool_mode = transaction
default_pool_size = 3
max_client_conn = 200
logfile = $POOLER_DIR/pgbouncer.log
pidfile = $POOLER_DIR/pgbouncer.pid
EOF2
  echo '"postgres" ""' | $SUDO tee "$POOLER_DIR/users.txt" >/dev/null
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres "$POOLER_DIR"
    su postgres -c "$PGBOUNCER -d $POOLER_DIR/pgbouncer.ini"
  else
    sudo chown -R postgres "$POOLER_DIR"
    sudo -u postgres "$PGBOUNCER" -d "$POOLER_DIR/pgbouncer.ini"
  fi
  for _ in $(seq 1 20); do
    "${PG_CONFIG%/pg_config}/pg_isready" -q -h 127.0.0.1 -p "$POOLER_PORT" && break
    sleep 0.25
  done
  if ! "${PG_CONFIG%/pg_config}/pg_isready" -q -h 127.0.0.1 -p "$POOLER_PORT"; then
    echo "setup-postgres: PgBouncer did not start on port $POOLER_PORT; its log:" >&2
    tail -n 20 "$POOLER_DIR/pgbouncer.log" >&2 || true
    exit 1
  fi
  step "PgBouncer (transaction mode) started on port $POOLER_PORT"
fi
