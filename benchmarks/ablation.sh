#!/usr/bin/env bash
# The REVTAF ablation (issue 14; the paper's Table 3 question: is full > each single component >
# baseline, and does the LRE raise tail recall?) on the built-in synthetic data at the tiny sizes.
#
#   benchmarks/ablation.sh [OUT_DIR]          (default runs/ablation; about 1.5-2 h on 2 idle cores)
#
# What it runs (each step is skipped when its result is already in OUT_DIR, so a stopped run
# continues where it stopped; delete a run's folder to redo it):
#   data     synth --studies 2000 --seed 1 (train/val/test 1600/200/200) and, for the rare classes,
#            synth --studies 5000 --seed 2 (another 5000 studies; its test split, 500 studies, is scored)
#   stage 1  pretrain configs/tiny.yaml on the 2000 studies (one foundation checkpoint for every run)
#   caches   precompute with that checkpoint once per seed (the cache is keyed by the config's seed:
#            the seed draws the memory features' projection), and the oracle cache (--foundation
#            truth, texts embedded by the same checkpoint's text encoder), seed 1
#   runs     configs/ablation/{baseline,lre,fvtaf,full}.yaml x seeds 1 2 3 (--set seed=S), then one
#            seed each: full on the oracle cache, full with model.ot.mode=released, full with
#            model.fcc.mode=hard
#   scoring  generate (beam 3, and greedy as validation decodes) from RUN/best.safetensors on the 2000-set test split (the cached
#            studies) and on the 5000-set test split (new studies: the foundation model's features,
#            or the ground truth for the oracle run; retrieval from the 1600 training studies),
#            evaluate --json against annotation.json
#   summary  benchmarks/ablation_summary.py -> OUT_DIR/results.md (mean and spread per variant,
#            per-class recall of the 5 rarest classes, training time, load, commit)
#
# Environment: ABLATION_SEEDS (default "1 2 3"); ABLATION_SET: extra config overrides for every
# training run, space-separated KEY=VALUE (e.g. "train.epochs=16" to ask whether the variants are
# still learning); ABLATION_EXTRAS=0 skips the three one-seed extras.
#
# Needs python3 (standard library only) for the summary. Records `uptime` before and after every
# step in OUT_DIR/load.log: the machine is shared, so timings depend on the load.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${1:-runs/ablation}"
SEEDS="${ABLATION_SEEDS:-1 2 3}"
EXTRAS="${ABLATION_EXTRAS:-1}"
SETS=()
for kv in ${ABLATION_SET:-}; do SETS+=(--set "$kv"); done
mkdir -p "$OUT"
LOAD="$OUT/load.log"
R=./revtaf

step() { # step NAME: log the load around a step
    echo "$(date -u +%FT%TZ) $1 $(uptime | sed 's/.*load average: /load /')" | tee -a "$LOAD" >&2
}

{
    echo "commit $(git rev-parse HEAD)$(git diff --quiet HEAD -- src configs || echo ' (with uncommitted changes)')"
    echo "cpu $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') x $(nproc)"
    echo "command benchmarks/ablation.sh $OUT"
    echo "seeds $SEEDS"
    echo "overrides ${ABLATION_SET:-none}"
} > "$OUT/run-info.txt"

step "start"
[ -f "$OUT/synth2000/annotation.json" ] || $R synth --out "$OUT/synth2000" --studies 2000 --seed 1
[ -f "$OUT/synth5000/annotation.json" ] || $R synth --out "$OUT/synth5000" --studies 5000 --seed 2
step "data"

F="$OUT/foundation"
if [ ! -f "$F/done.json" ]; then
    resume=(); [ -d "$F" ] && resume=(--resume)
    $R pretrain --config configs/tiny.yaml --data "$OUT/synth2000" --out "$F" "${resume[@]}" --json | tail -1 > "$F.json.tmp"
    mv "$F.json.tmp" "$F/done.json"
fi
step "pretrain"

for s in $SEEDS; do
    $R precompute --config configs/tiny.yaml --set seed="$s" --data "$OUT/synth2000" \
        --foundation "$F/foundation.safetensors" --out "$OUT/cache-seed$s" >&2
done
[ "$EXTRAS" = 0 ] || $R precompute --config configs/tiny.yaml --data "$OUT/synth2000" --foundation truth \
    --text-encoder "$F/foundation.safetensors" --out "$OUT/cache-oracle" >&2
step "precompute"

# score RUN_DIR SET BEAM TAG: generate the SET test split from RUN_DIR/best.safetensors with beam BEAM,
# evaluate -> RUN_DIR/eval-TAGSET.json
score() {
    local dir="$1" set="$2" beam="$3" tag="$4"
    [ -f "$dir/eval-$tag$set.json" ] && return 0
    $R generate --checkpoint "$dir/best.safetensors" --data "$OUT/synth$set" --split test \
        --beam "$beam" --out "$dir/test-$tag$set.jsonl" >&2
    $R evaluate --refs "$OUT/synth$set/annotation.json" --split test --hyps "$dir/test-$tag$set.jsonl" \
        --json | tail -1 > "$dir/eval-$tag$set.tmp"
    mv "$dir/eval-$tag$set.tmp" "$dir/eval-$tag$set.json"
}

# run NAME CONFIG CACHE SEED [--set ...]: train, then score on both test sets
run() {
    local name="$1" config="$2" cache="$3" seed="$4"
    shift 4
    local dir="$OUT/runs/$name"
    mkdir -p "$OUT/runs"
    if [ ! -f "$dir/train.json" ]; then
        local resume=()
        [ -d "$dir" ] && resume=(--resume)
        $R train --config "$config" --set seed="$seed" ${SETS[@]+"${SETS[@]}"} "$@" --data "$OUT/synth2000" --cache "$cache" \
            --out "$dir" "${resume[@]}" --json | tail -1 > "$dir.train.tmp"
        mv "$dir.train.tmp" "$dir/train.json"
    fi
    step "train $name"
    for set in 2000 5000; do
        score "$dir" "$set" 3 ""        # the paper's decoding: beam 3
        score "$dir" "$set" 1 "greedy-" # the validation's decoding: greedy
    done
    step "scored $name"
}

for s in $SEEDS; do
    for v in baseline lre fvtaf full; do
        run "$v-seed$s" "configs/ablation/$v.yaml" "$OUT/cache-seed$s" "$s"
    done
done
if [ "$EXTRAS" != 0 ]; then
    run "oracle-seed1" configs/ablation/full.yaml "$OUT/cache-oracle" 1
    run "released-ot-seed1" configs/ablation/full.yaml "$OUT/cache-seed1" 1 --set model.ot.mode=released
    run "hard-fcc-seed1" configs/ablation/full.yaml "$OUT/cache-seed1" 1 --set model.fcc.mode=hard
fi
step "done"

python3 benchmarks/ablation_summary.py "$OUT" > "$OUT/results.md"
echo "wrote $OUT/results.md" >&2
