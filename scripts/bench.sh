#!/usr/bin/env bash
# Runs every benchmark of the project (all in the rag-bench module), one after another, and prints
# each one's figures under the exact command that reproduces it. Benchmarks are never part of scripts/test.sh. All of them take
# about an hour on 2 cores; name some to run only those.
#
#   scripts/bench.sh                 # all
#   scripts/bench.sh scale stages    # some: redactor git model throughput store openai pgvector http retrieval retrieval-repo
#                                    #       retrieval-multi embed-speed scale stages reuse estimate estimate-time
#                                    #       startup freshness model-switch
#
# retrieval-multi and embed-speed read the public repositories listed in
# rag-bench/src/main/resources/repositories.tsv from Git directories under $BENCH_MIRRORS
# (default /work/.mirror/<owner>+<name>/repo, where the search tool's fetch puts them; any bare
# clone of the same commit works). retrieval-multi takes hours on 2 shared cores; set BENCH_DIR to
# keep the vectors it computes between runs.
#
# Figures and how to read them: docs/benchmarks.md (and docs/benchmarks/<module>.md).
set -euo pipefail
cd "$(dirname "$0")/.."

ZIP=/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$PWD/target/xdg}"
export RAG_TEST_DATABASE_URL="${RAG_TEST_DATABASE_URL:-jdbc:postgresql://127.0.0.1:5432/reporag_test?user=postgres}"
SELECTED=" ${*:-redactor git model throughput store openai pgvector http retrieval retrieval-repo retrieval-multi embed-speed scale stages reuse estimate estimate-time startup freshness model-switch} "

wanted() { [[ "$SELECTED" == *" $1 "* ]]; }

# name, module, main class, arguments (may be empty), system properties (may be empty)
bench() {
  local name=$1 module=$2 main=$3 args=${4:-} properties=${5:-}
  wanted "$name" || return 0
  local cmd="mvn -B -q -pl $module test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=$main"
  [ -n "$args" ] && cmd="$cmd -Dexec.args=\"$args\""
  [ -n "$properties" ] && cmd="$cmd $properties"
  echo
  echo "=== $name ($module)"
  echo "command: $cmd"
  local start=$SECONDS
  if eval "$cmd"; then
    echo "--- $name took $((SECONDS - start)) s"
  else
    echo "--- $name FAILED after $((SECONDS - start)) s (exit $?)"
  fi
}

echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2 " MiB RAM"}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1); maven: $(mvn -v 2>/dev/null | head -1)"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"

# Each benchmark resolves its sibling modules from ~/.m2: install the tree as it is, once.
mvn -B -q install -DskipTests

if wanted pgvector; then
  bash scripts/setup-postgres.sh >/dev/null
fi

bench redactor   rag-bench dev.reporag.core.policy.bench.RedactorBench "$ZIP 3"
bench git        rag-bench dev.reporag.git.bench.GitSourceBench
bench model      rag-bench dev.reporag.local.bench.ModelBench "$ZIP 400 150 l4j,w128,q128,w256,small400,bgeq,bge"
bench throughput rag-bench dev.reporag.local.bench.ThroughputBench "$ZIP 200 3"
bench store      rag-bench dev.reporag.local.bench.StoreBench "${TMPDIR:-/tmp}/store-bench-dir 20"
bench openai     rag-bench dev.reporag.openai.bench.RateLimitBenchmark "" "-DRAG_LOG_LEVEL=INFO"
bench pgvector   rag-bench dev.reporag.pgvector.bench.PgVectorBenchmark
bench http       rag-bench dev.reporag.http.bench.LoadBench "200 20 5"
bench retrieval  rag-bench dev.reporag.bench.RetrievalBench
bench retrieval-repo rag-bench dev.reporag.bench.RetrievalBench "" "-Dbench.corpus=repo:4498ce5"
MULTI="-Dbench.mirrors=${BENCH_MIRRORS:-/work/.mirror}${BENCH_DIR:+ -Dbench.dir=$BENCH_DIR}"
bench retrieval-multi rag-bench dev.reporag.bench.MultiRepoBench "" "$MULTI"
bench embed-speed rag-bench dev.reporag.bench.EmbedSpeedBench "go-chi/chi 0 3 recipe,fp32,q8b16,q8b1,q8b4" "$MULTI"
bench scale      rag-bench dev.reporag.scale.ScaleBench
bench stages     rag-bench dev.reporag.scale.StageBench
# A second project of an indexed repository (a branch changing ~1 % of its files): inputs embedded and time to READY.
bench reuse      rag-bench dev.reporag.bench.ReuseBench "${BENCH_MIRRORS:-/work/.mirror}/jhy+jsoup/repo"
# `rag estimate`'s tokens against OpenAI's own tokenizer (npm's tiktoken, installed here once) on public repositories.
if wanted estimate && [ ! -d rag-bench/target/tiktoken/node_modules/tiktoken ]; then
  npm install --silent --prefix rag-bench/target/tiktoken tiktoken@1.0.22
fi
M="${BENCH_MIRRORS:-/work/.mirror}"
bench estimate   rag-bench dev.reporag.bench.EstimateBench "${TMPDIR:-/tmp}/estimate-bench $M/psf+requests/repo $M/expressjs+express/repo $M/BurntSushi+ripgrep/repo $M/spf13+cobra/repo $M/openai+tiktoken/repo $M/FasterXML+jackson-databind/repo $M/netty+netty/repo $M/jhy+jsoup/repo $M/pallets+flask/repo"
# The estimate's time against the ingestion that follows: tier-1 pacing against a 300 ms server, the in-process
# model, and a server that embeds one request at a time (20 ms per 1,000 characters).
T="$M/psf+requests/repo $M/expressjs+express/repo $M/spf13+cobra/repo $M/pallets+flask/repo $M/jhy+jsoup/repo $M/BurntSushi+ripgrep/repo $M/FasterXML+jackson-databind/repo"
bench estimate-time rag-bench dev.reporag.bench.TimeEstimateBench "${TMPDIR:-/tmp}/time-estimate openai 300 $T"
bench estimate-time rag-bench dev.reporag.bench.TimeEstimateBench "${TMPDIR:-/tmp}/time-estimate local 0 $T"
bench estimate-time rag-bench dev.reporag.bench.TimeEstimateBench "${TMPDIR:-/tmp}/time-estimate openai cpu:20 $T"
# One-shot commands through ./rag with its class-data archive and without (RAG_CDS=off), alternating.
bench startup    rag-bench dev.reporag.bench.StartupBench "${TMPDIR:-/tmp}/startup-bench 7 ${BENCH_MIRRORS:-/work/.mirror}/jhy+jsoup/repo"
# A push of each repository's own last commits, seen by `rag sync`, and the re-index it queues.
bench freshness  rag-bench dev.reporag.bench.FreshnessBench "${TMPDIR:-/tmp}/fresh-bench 300 $M/psf+requests/repo:50 $M/expressjs+express/repo:50 $M/spf13+cobra/repo:50 $M/pallets+flask/repo:20 $M/pallets+flask/repo:100 $M/jhy+jsoup/repo:20 $M/jhy+jsoup/repo:100 $M/BurntSushi+ripgrep/repo:50 $M/FasterXML+jackson-databind/repo:50"
# A model switch (rag reembed, another process) while a web service on the old model answers, on PostgreSQL.
if wanted model-switch; then
  bash scripts/setup-postgres.sh >/dev/null
fi
bench model-switch rag-bench dev.reporag.bench.ModelSwitchBench "${TMPDIR:-/tmp}/switch-bench 300 $M/jhy+jsoup/repo"
