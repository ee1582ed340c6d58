#!/usr/bin/env bash
# revtaf vs PyTorch (issue 16), side by side in one invocation on the same cores with the same
# thread count: GEMM 1024^3 fp32 against the best OpenBLAS on the machine (benchmarks/gemm-vs-openblas.sh),
# the ResNet-50 training step and forward (batch 8, 224 px) and the 12 x 768 decoder training step
# (seq 100, batch 8) against PyTorch with torch.set_num_threads(THREADS) (benchmarks/pytorch/
# bench_models.py, the same workloads and timing protocol as `./revtaf bench resnet|decoder`).
# Debian's python3-torch / python3-torchvision (tools only, never project dependencies) are
# installed when missing. Prints the CPU, the load average and a markdown table of the ratios.
# usage: benchmarks/vs-pytorch.sh   (env THREADS=2, WARMUP=3 untimed and ITERS=3 timed model steps, GEMM_ROUNDS=3;
#        QUICK=1 runs tiny shapes instead, to check the script itself: its figures mean nothing)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads=${THREADS:-2} iters=${ITERS:-3} warmup=${WARMUP:-3} gemm_rounds=${GEMM_ROUNDS:-3}
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
    gemm_n=256 gemm_rounds=1 iters=1 warmup=1 resnet=(--depth 18 --size 64 --batch 2) decoder=(--layers 2 --width 128 --seq 16 --batch 2)
    export SECONDS_PER_RUN=0.5
fi

# 1. GEMM
THREADS=$threads "${pin[@]}" "$root/benchmarks/gemm-vs-openblas.sh" $gemm_n $gemm_n $gemm_n "$gemm_rounds" | tee "$work/gemm.log"
gemm=$(grep '^gemm-result' "$work/gemm.log")

# 2-3. models: revtaf then PyTorch, one workload after the other
run_pair() { # name, revtaf args..., -- torch args...
    local name=$1; shift
    local ours=() theirs=()
    while [ "$1" != "--" ]; do ours+=("$1"); shift; done
    shift
    theirs=("$@")
    echo "load average before $name: $(cut -d' ' -f1-3 /proc/loadavg)"
    "${pin[@]}" "$root/revtaf" bench "${ours[@]}" --device cpu --threads "$threads" --json | tail -1 > "$work/$name.revtaf.json"
    echo "revtaf  $name: $(cat "$work/$name.revtaf.json")"
    "${blas_env[@]}" "${pin[@]}" "$py" "$root/benchmarks/pytorch/bench_models.py" "${theirs[@]}" \
        --threads "$threads" --warmup "$warmup" --iters "$iters" > "$work/$name.torch.json"
    echo "pytorch $name: $(cat "$work/$name.torch.json")"
}
run_pair resnet resnet "${resnet[@]}" --warmup "$warmup" --iters "$iters" -- resnet "${resnet[@]}"
run_pair decoder decoder "${decoder[@]}" --warmup "$warmup" --iters "$iters" -- decoder "${decoder[@]}"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

"$py" - "$work" "$gemm" "$threads" "${gemm_n}^3" <<'PY'
import json, sys
work, gemm, threads = sys.argv[1], sys.argv[2], sys.argv[3]
g = dict(kv.split("=", 1) for kv in gemm.split()[1:5])
baseline = gemm.split("baseline=", 1)[1]
gemm_shape = sys.argv[4]
load = lambda n: json.load(open(f"{work}/{n}"))
rr, rt = load("resnet.revtaf.json"), load("resnet.torch.json")
dr, dt = load("decoder.revtaf.json"), load("decoder.torch.json")
rows = [  # name, revtaf, baseline, ratio, goal
    (f"GEMM {gemm_shape} fp32, GFLOP/s (vs {baseline})", float(g["revtaf"]), float(g["openblas"]),
     float(g["ratio"]), ">= 0.9x"),
    (f"ResNet-{rr['depth']} training step, batch {rr['batch']}, {rr['size']} px, img/s", rr["items_per_s"],
     rt["train_items_per_s"], None, ">= 1.0x"),
    (f"ResNet-{rr['depth']} forward, batch {rr['batch']}, {rr['size']} px, img/s", rr["forward_items_per_s"],
     rt["forward_items_per_s"], None, ">= 1.0x"),
    (f"decoder {dr['layers']} x {dr['width']}, seq {dr['seq']}, batch {dr['batch']}, training step, seq/s",
     dr["items_per_s"], dt["train_items_per_s"], None, ">= 1.2x"),
]
print(f"\n| workload ({threads} threads) | revtaf | PyTorch {rt['torch']} / OpenBLAS | ratio | goal |")
print("|---|---|---|---|---|")
for name, ours, theirs, ratio, goal in rows:
    print(f"| {name} | {ours:.3g} | {theirs:.3g} | {(ratio or ours / theirs):.2f}x | {goal} |")
# process CPU seconds per step (all threads): on shared cores less disturbed by the other jobs than
# the wall time; ratio = PyTorch CPU / revtaf CPU (above 1: revtaf does the step with less CPU)
cpu = [("ResNet train step", rr, rt, "train_cpu_s"), ("ResNet forward", rr, rt, "forward_cpu_s"),
       ("decoder train step", dr, dt, "train_cpu_s")]
print("\n| process CPU s per step | revtaf | PyTorch | ratio |")
print("|---|---|---|---|")
for name, ours, theirs, key in cpu:
    if key in ours and key in theirs:
        print(f"| {name} | {ours[key]:.3g} | {theirs[key]:.3g} | {theirs[key] / ours[key]:.2f}x |")
print(f"\n(GEMM: revtaf and OpenBLAS medians over the rounds, ratio = median of the per-round ratios; best single calls ratio {float(g['best_ratio']):.2f}. "
      f"Backward / forward time, ResNet-{rr['depth']}: revtaf "
      f"{rr['seconds'] * rr['forward_items_per_s'] / rr['batch'] - 1:.1f}x, "
      f"PyTorch {rt['train_s'] * rt['forward_items_per_s'] / rt['batch'] - 1:.1f}x.)")
PY
