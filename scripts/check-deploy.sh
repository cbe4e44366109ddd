#!/usr/bin/env bash
# The deployment steps that can run without Docker or Render, on the real jar: builds it with the
# Dockerfile's own build command, then runs the image's ENTRYPOINT (with its JVM flags) on that jar
# with the default CMD and each render.yaml dockerCommand, asking each for --help. The tests in
# rag-cli (DeployFilesTest, RenderBlueprintTest) run the same commands in full against PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

build=$(sed -n 's/^RUN \(mvn .*\)$/\1/p' Dockerfile | head -1)
[ -n "$build" ] || { echo "check-deploy: no 'RUN mvn' in the Dockerfile" >&2; exit 1; }
echo "check-deploy: $build"
$build -q

# ENTRYPOINT ["java", flags..., "-jar", "/app/rag.jar"] -> the flags, then this checkout's jar.
entry=$(sed -n 's/^ENTRYPOINT \[\(.*\)\]$/\1/p' Dockerfile | tr -d '"' | tr ',' '\n' | sed 's/^ *//')
flags=$(echo "$entry" | sed -n '2,$p' | sed '/^-jar$/,$d' | tr '\n' ' ')
cmd=$(sed -n 's/^CMD \[\(.*\)\]$/\1/p' Dockerfile | tr -d '",')

run() {
  echo "check-deploy: java $flags-jar rag-cli/target/rag.jar $* --help"
  # shellcheck disable=SC2086
  java $flags -jar rag-cli/target/rag.jar "$@" --help >/dev/null
}
# shellcheck disable=SC2086
run $cmd
while read -r command; do
  # shellcheck disable=SC2086
  run $command
done < <(sed -n 's/^ *dockerCommand: *//p' render.yaml)
echo "check-deploy: ok"
