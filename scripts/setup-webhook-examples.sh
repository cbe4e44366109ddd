#!/usr/bin/env bash
# Fetches the webhook deliveries the Git hosts document, for rag-http's tests of the webhook routes
# against payloads this project did not write:
#  - GitHub's: the npm package @octokit/webhooks-examples (github.com and GitHub Enterprise Server);
#  - GitLab's: the testdata of the Go client go-gitlab (project webhooks and system hooks, taken from
#    GitLab's documentation), from Debian's package golang-github-xanzy-go-gitlab-dev.
# Installs Debian's npm when it is missing (as root, or with sudo). Idempotent: does nothing when the
# pinned versions are there.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=target/webhook-examples
OCTOKIT_VERSION=7.6.1
GO_GITLAB_PACKAGE=golang-github-xanzy-go-gitlab-dev
GO_GITLAB_VERSION=0.73.1-2

fail() { echo "setup-webhook-examples: $*" >&2; exit 1; }

github_examples() {
  local package="$DIR/node_modules/@octokit/webhooks-examples/package.json"
  if [ -f "$package" ] && grep -q "\"version\": \"$OCTOKIT_VERSION\"" "$package"; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup-webhook-examples: npm is missing; installing Debian's npm"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    command -v npm >/dev/null 2>&1 || fail "npm could not be installed; install Node.js and npm"
  fi
  mkdir -p "$DIR"
  npm install --silent --no-audit --no-fund --prefix "$DIR" "@octokit/webhooks-examples@$OCTOKIT_VERSION"
  [ -f "$DIR/node_modules/@octokit/webhooks-examples/api.github.com/index.json" ] \
    || fail "installed, but api.github.com/index.json is missing"
}

gitlab_examples() {
  local target="$DIR/go-gitlab"
  if [ "$(cat "$target/VERSION" 2>/dev/null)" = "$GO_GITLAB_VERSION" ]; then
    return
  fi
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 \
    || fail "apt-get and dpkg-deb are needed to fetch Debian's $GO_GITLAB_PACKAGE"
  local work
  work=$(mktemp -d)
  # Downloaded only, never installed: nothing on the system changes, so no root is needed.
  if ! (cd "$work" && apt-get download -qq "$GO_GITLAB_PACKAGE=$GO_GITLAB_VERSION" 2>/dev/null); then
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq
    elif command -v sudo >/dev/null 2>&1; then
      sudo apt-get update -qq
    fi
    (cd "$work" && apt-get download -qq "$GO_GITLAB_PACKAGE=$GO_GITLAB_VERSION" 2>/dev/null) \
      || { rm -rf "$work"; fail "apt-get download $GO_GITLAB_PACKAGE=$GO_GITLAB_VERSION failed (is Debian bookworm's archive reachable?)"; }
  fi
  dpkg-deb -x "$work"/"$GO_GITLAB_PACKAGE"_*.deb "$work/x"
  local testdata="$work/x/usr/share/gocode/src/github.com/xanzy/go-gitlab/testdata"
  [ -f "$testdata/webhooks/push.json" ] && [ -f "$testdata/systemhooks/push.json" ] \
    || { rm -rf "$work"; fail "$GO_GITLAB_PACKAGE $GO_GITLAB_VERSION holds no testdata/webhooks/push.json"; }
  rm -rf "$target"
  mkdir -p "$target"
  cp -r "$testdata/webhooks" "$testdata/systemhooks" "$target/"
  cp "$work/x/usr/share/doc/$GO_GITLAB_PACKAGE/copyright" "$target/"
  echo "$GO_GITLAB_VERSION" >"$target/VERSION"
  rm -rf "$work"
}

github_examples
gitlab_examples
