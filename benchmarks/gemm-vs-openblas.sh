#!/usr/bin/env bash
# GEMM: revtaf cpu kernel vs OpenBLAS cblas_sgemm, side by side on the same cores, fp32 row-major NN.
# OpenBLAS is installed here for the comparison only (libopenblas-dev via apt-get; not a project
# dependency) and runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset so it picks its best
# (AVX-512) kernels. Each round runs OpenBLAS then revtaf; the median ratio over rounds is printed.
# usage: benchmarks/gemm-vs-openblas.sh [M N K] [ROUNDS]   (env THREADS=2, SECONDS_PER_RUN=2)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
m=${1:-1024} n=${2:-1024} k=${3:-1024} rounds=${4:-3}
threads=${THREADS:-2} seconds=${SECONDS_PER_RUN:-2}
work="$root/target/gemm-vs-openblas"
mkdir -p "$work"

if ! [ -f /usr/include/x86_64-linux-gnu/cblas.h ] && ! [ -f /usr/include/cblas.h ] \
    && ! ls /usr/include/*/cblas*.h >/dev/null 2>&1; then
    echo "installing libopenblas-dev (comparison only) ..." >&2
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq libopenblas-dev >/dev/null
fi
inc=$(dirname "$(ls /usr/include/x86_64-linux-gnu/cblas.h /usr/include/cblas.h /usr/include/*/cblas*.h 2>/dev/null | head -1)")
gcc -O2 -I"$inc" -o "$work/sgemm_timer" "$root/benchmarks/sgemm_timer.c" -lopenblas

gflops() { sed -n 's/.*"gflops":\([0-9.]*\).*/\1/p'; }
ratios=()
for r in $(seq 1 "$rounds"); do
    ob=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" \
        "$work/sgemm_timer" "$m" "$n" "$k" "$seconds")
    rv=$("$root/revtaf" bench gemm --m "$m" --n "$n" --k "$k" --device cpu --threads "$threads" \
        --seconds "$seconds" --json)
    echo "round $r openblas: $ob"
    echo "round $r revtaf:   $rv"
    o=$(echo "$ob" | gflops) j=$(echo "$rv" | gflops)
    ratios+=("$(awk -v j="$j" -v o="$o" 'BEGIN { printf "%.3f", j / o }') $j $o")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk -v m="$m" -v n="$n" -v k="$k" -v t="$threads" '
    { r[NR] = $1; j[NR] = $2; o[NR] = $3 }
    END { i = int((NR + 1) / 2);
          printf "gemm %dx%dx%d fp32, %d threads: revtaf %.1f GFLOP/s, openblas %.1f GFLOP/s, ratio %.3f (median of %d rounds; all ratios:", m, n, k, t, j[i], o[i], r[i], NR;
          for (x = 1; x <= NR; x++) printf " %s", r[x]; print ")" }'
