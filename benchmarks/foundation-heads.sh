#!/usr/bin/env bash
# The foundation head diagnosis of issue 12 (benchmarks/README.md, "Foundation stage", fourth look):
# the tiny config's backbone with each existence head, in PyTorch, on `synth --studies 2000 --seed 1`.
#   benchmarks/foundation-heads.sh [HEADS] [SIZES] [SEEDS]
#   defaults: HEADS="plain medklip pooled percls" SIZES="64" SEEDS="1"
# Needs the built classes (./revtaf builds them) and python3-torch / python3-torchvision (Debian,
# for /usr/bin/python3; installed here when missing). About 1 minute (plain) to 4 minutes (decoder
# heads) per run on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
HEADS=${1:-plain medklip pooled percls}
SIZES=${2:-64}
SEEDS=${3:-1}
PY=/usr/bin/python3
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if ! "$PY" -c "import torch, torchvision" 2>/dev/null; then
    echo "installing python3-torch python3-torchvision (apt-get)" >&2
    apt-get install -y -q python3-torch python3-torchvision >/dev/null
fi
WORK=${WORK:-$(mktemp -d)}
[ -f "$WORK/synth/annotation.json" ] || ./revtaf synth --out "$WORK/synth" --studies 2000 --seed 1
[ -f target/classes/org/revtaf/edges/cli/Main.class ] || ./revtaf --help >/dev/null
"$JAVA_HOME/bin/java" -cp "target/classes:target/lib/*" benchmarks/pytorch/EntityTargets.java \
    "$WORK/synth" "$WORK/targets.csv"
grep -m1 "model name" /proc/cpuinfo
for head in $HEADS; do
    for size in $SIZES; do
        for seed in $SEEDS; do
            "$PY" benchmarks/pytorch/foundation_heads.py --data "$WORK/synth" --targets "$WORK/targets.csv" \
                --head "$head" --size "$size" --seed "$seed" | tail -n 9
        done
    done
done
