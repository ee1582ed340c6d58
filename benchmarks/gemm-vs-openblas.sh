#!/usr/bin/env bash
# GEMM: revtaf cpu kernel vs OpenBLAS, side by side on the same cores, fp32 row-major NN, C = A*B.
# Baselines (comparison only, never project dependencies), each timed in every round:
#   * Debian's OpenBLAS (libopenblas-dev, installed via apt-get when missing) through cblas_sgemm in
#     benchmarks/sgemm_timer.c, with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset so it picks its best
#     (AVX-512) kernels;
#   * numpy's bundled OpenBLAS (pip wheels ship a newer one, e.g. 0.3.31) when $PYTHON (default
#     python3 on PATH) has a numpy built against OpenBLAS: np.matmul on float32 arrays.
# The comparison is against the best of them (highest median GFLOP/s over the rounds). Each round
# runs the baselines then revtaf (median of ~SECONDS_PER_RUN s of calls each); printed: the median
# over rounds of the per-round ratio, and the ratio of the best single calls (less sensitive to other
# processes on shared cores). The load average is printed for context. The last line,
# "gemm-result ...", is for benchmarks/vs-pytorch.sh.
# usage: benchmarks/gemm-vs-openblas.sh [M N K] [ROUNDS]   (env THREADS=2, SECONDS_PER_RUN=2, JIT_WARMUP=3, PYTHON)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
m=${1:-1024} n=${2:-1024} k=${3:-1024} rounds=${4:-5}
threads=${THREADS:-2} seconds=${SECONDS_PER_RUN:-2} python=${PYTHON:-python3}
# revtaf's untimed warm-up in seconds: each round starts a fresh JVM, whose JIT needs a few seconds of
# calls to compile the kernel and the thread team's paths (with 1 s, some rounds time part of that);
# OpenBLAS needs none beyond its 1 s of calls. JIT_WARMUP=1 gives the older protocol.
jit_warmup=${JIT_WARMUP:-3}
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
debian_version=$(dpkg-query -W -f='${Version}' libopenblas0 2>/dev/null || echo "?")

# numpy's OpenBLAS: the same protocol as sgemm_timer.c (about 1 s warm-up, median of SECONDS calls)
cat > "$work/sgemm_numpy.py" <<'PY'
import json, sys, time
import numpy as np
m, n, k, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
rng = np.random.default_rng(1)
a = (rng.random((m, k), dtype=np.float32) - 0.5)
b = (rng.random((k, n), dtype=np.float32) - 0.5)
c = np.empty((m, n), dtype=np.float32)
t0, warm = time.perf_counter(), 0
while warm < 3 or time.perf_counter() - t0 < 1.0:
    np.matmul(a, b, out=c)
    warm += 1
reps = min(1000, max(3, int(seconds / ((time.perf_counter() - t0) / warm))))
t = []
for _ in range(reps):
    s = time.perf_counter()
    np.matmul(a, b, out=c)
    t.append(time.perf_counter() - s)
t.sort()
flops = 2.0 * m * n * k
print(json.dumps({"name": "numpy-matmul", "m": m, "n": n, "k": k, "reps": reps, "seconds": t[reps // 2],
                  "gflops": round(flops / t[reps // 2] * 1e-9, 2), "gflops_max": round(flops / t[0] * 1e-9, 2)}))
PY
numpy_version=$("$python" -c '
import numpy as np
b = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
assert "openblas" in b["name"].lower()
print(b["version"])' 2>/dev/null || true)
if [ -n "$numpy_version" ]; then
    echo "baselines: Debian OpenBLAS $debian_version (cblas_sgemm), numpy $("$python" -c 'import numpy; print(numpy.__version__)') with OpenBLAS $numpy_version ($python)"
else
    echo "baselines: Debian OpenBLAS $debian_version (cblas_sgemm); no numpy with bundled OpenBLAS on $python"
fi

gflops() { sed -n 's/.*"gflops": *\([0-9.]*\).*/\1/p'; }
best() { sed -n 's/.*"gflops_max": *\([0-9.]*\).*/\1/p'; }
blas_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$root/revtaf" bench gemm --m 64 --n 64 --k 64 --seconds 0.01 --warmup 0.01 >/dev/null # build the jar first
rows=()
for r in $(seq 1 "$rounds"); do
    ob=$("${blas_env[@]}" "$work/sgemm_timer" "$m" "$n" "$k" "$seconds")
    echo "round $r openblas $debian_version: $ob"
    np_med=0 np_best=0
    if [ -n "$numpy_version" ]; then
        nb=$("${blas_env[@]}" "$python" "$work/sgemm_numpy.py" "$m" "$n" "$k" "$seconds")
        echo "round $r numpy openblas $numpy_version: $nb"
        np_med=$(echo "$nb" | gflops) np_best=$(echo "$nb" | best)
    fi
    rv=$("$root/revtaf" bench gemm --m "$m" --n "$n" --k "$k" --device cpu --threads "$threads" \
        --seconds "$seconds" --warmup "$jit_warmup" --json)
    echo "round $r revtaf:   $rv"
    rows+=("$(echo "$rv" | gflops) $(echo "$ob" | gflops) $np_med $(echo "$rv" | best) $(echo "$ob" | best) $np_best")
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${rows[@]}" | awk -v m="$m" -v n="$n" -v k="$k" -v t="$threads" \
    -v dv="Debian OpenBLAS $debian_version" -v nv="numpy OpenBLAS $numpy_version" '
    function median(a, cnt,   i, j, x) { for (i = 2; i <= cnt; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2 }
    { j[NR] = $1; d[NR] = $2; p[NR] = $3; if ($4 > jb) jb = $4; if ($5 > db) db = $5; if ($6 > pb) pb = $6 }
    END {
        useNumpy = median(p, NR) > median(d, NR)
        for (i = 1; i <= NR; i++) { o[i] = useNumpy ? p[i] : d[i]; r[i] = j[i] / o[i] }
        ob = useNumpy ? pb : db; name = useNumpy ? nv : dv
        printf "gemm %dx%dx%d fp32, %d threads, %d rounds: revtaf median %.1f GFLOP/s; Debian OpenBLAS median %.1f", m, n, k, t, NR, median(j, NR), median(d, NR)
        if (median(p, NR) > 0) printf ", numpy OpenBLAS median %.1f", median(p, NR)
        printf "; against the best (%s): ratio (median of per-round ratios) %.3f; best calls: revtaf %.1f, openblas %.1f, ratio %.3f\n", name, median(r, NR), jb, ob, jb / ob
        printf "gemm-result revtaf=%.1f openblas=%.1f ratio=%.3f best_ratio=%.3f baseline=%s\n", median(j, NR), median(o, NR), median(r, NR), jb / ob, name }'
