#!/usr/bin/env bash
# revtaf vs PyTorch (issue 16), side by side in one invocation on the same cores with the same
# thread count: GEMM 1024^3 fp32 against the best OpenBLAS on the machine (benchmarks/gemm-vs-openblas.sh),
# the ResNet-50 training step and forward (batch 8, 224 px) and the 12 x 768 decoder training step
# (seq 100, batch 8) against PyTorch with torch.set_num_threads(THREADS) (benchmarks/pytorch/
# bench_models.py, the same workloads and timing protocol as `./revtaf bench resnet|decoder`).
# Debian's python3-torch / python3-torchvision (tools only, never project dependencies) are
# installed when missing. Prints the CPU, the load average and a markdown table of the ratios.
# usage: benchmarks/vs-pytorch.sh   (env THREADS=2, WARMUP=3 untimed and ITERS=3 timed model steps,
#        MODEL_ROUNDS=3 alternating revtaf/PyTorch runs per model, GEMM_ROUNDS=3;
#        QUICK=1 runs tiny shapes instead, to check the script itself: its figures mean nothing)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads=${THREADS:-2} iters=${ITERS:-3} warmup=${WARMUP:-3} gemm_rounds=${GEMM_ROUNDS:-3} model_rounds=${MODEL_ROUNDS:-3}
py=/usr/bin/python3 # Debian's python: the one python3-torch installs into
work="$root/target/vs-pytorch"
mkdir -p "$work"

if ! "$py" -c 'import torch, torchvision' 2>/dev/null; then
    echo "installing python3-torch python3-torchvision (comparison only) ..." >&2
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq python3-torch python3-torchvision >/dev/null
fi

# the same cores for both sides: the first THREADS cpus when the machine has more
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt "$threads" ]; then pin=(taskset -c "0-$((threads - 1))"); fi
# PyTorch's BLAS is the system OpenBLAS: an OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE inherited from the
# environment (these machines export OPENBLAS_CORETYPE=Haswell, the AVX2 kernels, to every process) is
# dropped, as benchmarks/gemm-vs-openblas.sh does, so OpenBLAS picks its best kernels (AVX-512 on Zen 4/5)
blas_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
    MKL_NUM_THREADS="$threads")
# PyTorch 1.13 runs its own kernels at AVX2 unless told otherwise: on an AVX-512 CPU ask for AVX-512 (no
# slower in an A/B on Zen 5: decoder step 9.2-9.8 vs 9.7-11.4 CPU s), so the yardstick is its best
grep -qw avx512f /proc/cpuinfo && blas_env+=(ATEN_CPU_CAPABILITY=avx512)

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), model $(grep -m1 '^model[[:space:]]' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')), $(nproc) cpus, $threads threads${pin:+, pinned with ${pin[*]}}"
echo "torch: $("${blas_env[@]}" "$py" -c 'import torch, torchvision; print(torch.__version__, "/ torchvision", torchvision.__version__, "/", [l.strip() for l in torch.__config__.show().splitlines() if "capability" in l][0])')"
echo "revtaf: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

gemm_n=1024 resnet=(--depth 50 --size 224 --batch 8) decoder=(--layers 12 --width 768 --seq 100 --batch 8)
if [ "${QUICK:-0}" = 1 ]; then
    gemm_n=256 gemm_rounds=1 model_rounds=${MODEL_ROUNDS:-1} iters=1 warmup=1 resnet=(--depth 18 --size 64 --batch 2) decoder=(--layers 2 --width 128 --seq 16 --batch 2)
    export SECONDS_PER_RUN=0.5
fi

# 1. GEMM
THREADS=$threads "${pin[@]}" "$root/benchmarks/gemm-vs-openblas.sh" $gemm_n $gemm_n $gemm_n "$gemm_rounds" | tee "$work/gemm.log"
gemm=$(grep '^gemm-result' "$work/gemm.log")

# 2-3. models: revtaf and PyTorch one after the other, MODEL_ROUNDS times, the order alternating
# (revtaf first in odd rounds): on shared VM cores one run can be 20% off, so the table takes medians
run_pair() { # name, round, revtaf args..., -- torch args...
    local name=$1 round=$2; shift 2
    local ours=() theirs=()
    while [ "$1" != "--" ]; do ours+=("$1"); shift; done
    shift
    theirs=("$@")
    echo "load average before $name round $round: $(cut -d' ' -f1-3 /proc/loadavg)"
    local sides=(revtaf torch)
    [ $((round % 2)) = 0 ] && sides=(torch revtaf)
    for side in "${sides[@]}"; do
        if [ "$side" = revtaf ]; then
            "${pin[@]}" "$root/revtaf" bench "${ours[@]}" --device cpu --threads "$threads" --json | tail -1 \
                > "$work/$name.revtaf.$round.json"
            echo "revtaf  $name round $round: $(cat "$work/$name.revtaf.$round.json")"
        else
            "${blas_env[@]}" "${pin[@]}" "$py" "$root/benchmarks/pytorch/bench_models.py" "${theirs[@]}" \
                --threads "$threads" --warmup "$warmup" --iters "$iters" > "$work/$name.torch.$round.json"
            echo "pytorch $name round $round: $(cat "$work/$name.torch.$round.json")"
        fi
    done
}
rm -f "$work"/resnet.*.json "$work"/decoder.*.json
for r in $(seq 1 "$model_rounds"); do
    run_pair resnet "$r" resnet "${resnet[@]}" --warmup "$warmup" --iters "$iters" -- resnet "${resnet[@]}"
done
for r in $(seq 1 "$model_rounds"); do
    run_pair decoder "$r" decoder "${decoder[@]}" --warmup "$warmup" --iters "$iters" -- decoder "${decoder[@]}"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

"$py" - "$work" "$gemm" "$threads" "${gemm_n}^3" "$model_rounds" <<'PY'
import json, statistics, sys
work, gemm, threads = sys.argv[1], sys.argv[2], sys.argv[3]
rounds = int(sys.argv[5])
g = dict(kv.split("=", 1) for kv in gemm.split()[1:5])
baseline = gemm.split("baseline=", 1)[1]
gemm_shape = sys.argv[4]
runs = lambda n: [json.load(open(f"{work}/{n}.{r}.json")) for r in range(1, rounds + 1)]
med = statistics.median
RR, RT, DR, DT = runs("resnet.revtaf"), runs("resnet.torch"), runs("decoder.revtaf"), runs("decoder.torch")
rr, rt, dr, dt = RR[0], RT[0], DR[0], DT[0]  # shapes and versions

def model_row(name, ours, theirs, ours_key, theirs_key, goal):
    a, b = [o[ours_key] for o in ours], [t[theirs_key] for t in theirs]
    return (name, med(a), med(b), med([x / y for x, y in zip(a, b)]), goal)

rows = [  # name, revtaf, baseline, ratio, goal
    (f"GEMM {gemm_shape} fp32, GFLOP/s (vs {baseline})", float(g["revtaf"]), float(g["openblas"]),
     float(g["ratio"]), ">= 0.9x"),
    model_row(f"ResNet-{rr['depth']} training step, batch {rr['batch']}, {rr['size']} px, img/s", RR, RT,
              "items_per_s", "train_items_per_s", ">= 1.0x"),
    model_row(f"ResNet-{rr['depth']} forward, batch {rr['batch']}, {rr['size']} px, img/s", RR, RT,
              "forward_items_per_s", "forward_items_per_s", ">= 1.0x"),
    model_row(f"decoder {dr['layers']} x {dr['width']}, seq {dr['seq']}, batch {dr['batch']}, training step, seq/s",
              DR, DT, "items_per_s", "train_items_per_s", ">= 1.2x"),
]
print(f"\n| workload ({threads} threads) | revtaf | PyTorch {rt['torch']} / OpenBLAS | ratio | goal |")
print("|---|---|---|---|---|")
for name, ours, theirs, ratio, goal in rows:
    print(f"| {name} | {ours:.3g} | {theirs:.3g} | {ratio:.2f}x | {goal} |")
# process CPU seconds per step (all threads): on shared cores less disturbed by the other jobs than
# the wall time; ratio = PyTorch CPU / revtaf CPU (above 1: revtaf does the step with less CPU)
cpu = [("ResNet train step", RR, RT, "train_cpu_s"), ("ResNet forward", RR, RT, "forward_cpu_s"),
       ("decoder train step", DR, DT, "train_cpu_s")]
print("\n| process CPU s per step | revtaf | PyTorch | ratio |")
print("|---|---|---|---|")
for name, ours, theirs, key in cpu:
    if key in ours[0] and key in theirs[0]:
        a, b = med([o[key] for o in ours]), med([t[key] for t in theirs])
        print(f"| {name} | {a:.3g} | {b:.3g} | {b / a:.2f}x |")
bwd = lambda runs, train: med([r[train] * r["forward_items_per_s"] / r["batch"] - 1 for r in runs])
print(f"\n(Every figure: the median over the rounds ({rounds} of the models, alternating which side runs first), "
      f"ratio = median of the per-round ratios; best single GEMM calls ratio {float(g['best_ratio']):.2f}. "
      f"Backward / forward time, ResNet-{rr['depth']}: revtaf {bwd(RR, 'seconds'):.1f}x, PyTorch {bwd(RT, 'train_s'):.1f}x.)")
PY
