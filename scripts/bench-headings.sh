#!/usr/bin/env bash
# Asks a project questions made from a documentation repository's section headings and prints
# recall@1, recall@5 and MRR of the file each heading comes from (docs/benchmarks/retrieval.md,
# "Chinese questions on a Chinese repository"). The labels are made by a procedure, not by hand:
# every "## " heading holding a CJK ideograph in the Markdown files in and below <dir> at HEAD, a seeded
# sample of <n>, asked as written or inside a sentence template ("{}是什么？").
#
#   scripts/bench-headings.sh <git-dir> <dir-in-repo> <n> <template> <rag.jar> <RAG_HOME> <project>
#   scripts/bench-headings.sh /work/.mirror/ruanyf+es6tutorial/repo docs 40 '{}' rag-cli/target/rag.jar /tmp/rh es6
set -euo pipefail
repo=$1 dir=$2 n=$3 template=$4 jar=$5 home=$6 project=$7
sample=$(mktemp)
trap 'rm -f "$sample"' EXIT
for f in $(git -C "$repo" ls-tree -r --name-only HEAD "$dir/" | grep '\.md$'); do
  git -C "$repo" show "HEAD:$f" | { grep -E '^## ' || true; } | sed 's|^## ||' | awk -v f="$f" '{print f "\t" $0}'
done | python3 -c '
import random, sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
rows = [r for r in rows if any("\u4e00" <= c <= "\u9fff" for c in r[1])]
random.seed(20261206)
for f, q in random.sample(rows, min(int(sys.argv[1]), len(rows))):
    print(f + "\t" + sys.argv[2].replace("{}", q))' "$n" "$template" > "$sample"
while IFS=$'\t' read -r file question; do
  RAG_HOME=$home java -XX:TieredStopAtLevel=1 -jar "$jar" ask --project "$project" --json "$question" 2>/dev/null |
    python3 -c '
import json, sys
paths = []
for c in json.load(sys.stdin).get("citations", []):
    if c["path"] not in paths:
        paths.append(c["path"])
wanted = sys.argv[1]
print(str(paths.index(wanted) + 1 if wanted in paths else 0) + "\t" + wanted + "\t" + sys.argv[2])' "$file" "$question"
done < "$sample" | tee /dev/stderr | awk -F'\t' '{n++; if ($1 == 1) r1++; if ($1 >= 1 && $1 <= 5) r5++; if ($1 >= 1) m += 1 / $1}
  END {printf "questions %d  recall@1 %.3f  recall@5 %.3f  MRR %.3f\n", n, r1 / n, r5 / n, m / n}'
