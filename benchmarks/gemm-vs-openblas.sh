#!/usr/bin/env bash
# GEMM: revtaf cpu kernel vs OpenBLAS cblas_sgemm, side by side on the same cores, fp32 row-major NN.
# OpenBLAS is installed here for the comparison only (libopenblas-dev via apt-get; not a project
# dependency) and runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset so it picks its best
# (AVX-512) kernels. Each round runs OpenBLAS then revtaf (median of ~2 s of calls each); printed:
# the median over rounds of the per-round ratio, and the ratio of the best single calls (less
# sensitive to other processes on shared cores). The load average is printed for context.
# usage: benchmarks/gemm-vs-openblas.sh [M N K] [ROUNDS]   (env THREADS=2, SECONDS_PER_RUN=2)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
m=${1:-1024} n=${2:-1024} k=${3:-1024} rounds=${4:-5}
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
best() { sed -n 's/.*"gflops_max":\([0-9.]*\).*/\1/p'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$root/revtaf" bench gemm --m 64 --n 64 --k 64 --seconds 0.01 --warmup 0.01 >/dev/null # build the jar first
rows=()
for r in $(seq 1 "$rounds"); do
    ob=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" \
        "$work/sgemm_timer" "$m" "$n" "$k" "$seconds")
    rv=$("$root/revtaf" bench gemm --m "$m" --n "$n" --k "$k" --device cpu --threads "$threads" \
        --seconds "$seconds" --json)
    echo "round $r openblas: $ob"
    echo "round $r revtaf:   $rv"
    rows+=("$(echo "$rv" | gflops) $(echo "$ob" | gflops) $(echo "$rv" | best) $(echo "$ob" | best)")
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${rows[@]}" | awk -v m="$m" -v n="$n" -v k="$k" -v t="$threads" '
    function median(a, cnt,   i, j, x) { for (i = 2; i <= cnt; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2 }
    { j[NR] = $1; o[NR] = $2; r[NR] = $1 / $2; if ($3 > jb) jb = $3; if ($4 > ob) ob = $4 }
    END { printf "gemm %dx%dx%d fp32, %d threads, %d rounds: revtaf median %.1f GFLOP/s, openblas median %.1f GFLOP/s,", m, n, k, t, NR, median(j, NR), median(o, NR);
          printf " ratio (median of per-round ratios) %.3f; best calls: revtaf %.1f, openblas %.1f, ratio %.3f\n", median(r, NR), jb, ob, jb / ob }'
