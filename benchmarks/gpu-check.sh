#!/usr/bin/env bash
# benchmarks/gpu-check.sh - the one prepared device check for a machine with an NVIDIA GPU and
# nothing but this repository and a JDK 25 (+ the CUDA toolkit's nvcc to build; without nvcc a
# prebuilt target/native/librevtaf_cuda.so is used). Steps:
#   1. GPU and driver info (nvidia-smi)
#   2. build librevtaf_cuda.so (make -C kernels cuda; PTXAS=1 also prints ptxas -v spill lines)
#   3. every cuda-tagged test on the GPU: through Maven offline when its repository is present
#      (-Dtest.groups=cuda), else the same checks compiled with plain javac (KernelParityMain)
#   4. a short benchmark: ms, GB/s and GFLOP/s per kernel and version against the device's peak,
#      each launch in an NVTX range (NSYS=1 records target/gpu-check.nsys-rep with Nsight Systems)
# Usage: benchmarks/gpu-check.sh [--no-bench]      Exit status: non-zero when a check fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
OUT=$ROOT/target/native
STATUS=0

find_java() {
    for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /opt/java/*25*; do
        if [ -n "$j" ] && [ -x "$j/bin/javac" ]; then echo "$j"; return; fi
    done
    if command -v javac >/dev/null; then dirname "$(dirname "$(readlink -f "$(command -v javac)")")"; fi
}
JAVA_HOME=$(find_java)
if [ -z "$JAVA_HOME" ]; then echo "gpu-check: no JDK 25 found (set JAVA_HOME)" >&2; exit 2; fi
export JAVA_HOME
JFLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Drevtaf.native.dir=$OUT"
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}

echo "== 1. device"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv 2>/dev/null \
    || echo "nvidia-smi not available"

echo "== 2. build librevtaf_cuda.so"
if [ -x "$NVCC" ]; then
    t0=$(date +%s)
    make -s -j"$(nproc)" -C kernels cuda OUT="$OUT" NVCC="$NVCC" || { echo "gpu-check: nvcc build failed" >&2; exit 2; }
    echo "built with $NVCC in $(( $(date +%s) - t0 )) s"
    if [ "${PTXAS:-0}" = 1 ]; then
        make -s -C kernels ptxas NVCC="$NVCC" | grep -B1 -E "[1-9][0-9]* bytes spill" || echo "ptxas: no kernel spills"
    fi
elif [ -f "$OUT/librevtaf_cuda.so" ]; then
    echo "nvcc not found: using the prebuilt $OUT/librevtaf_cuda.so"
else
    echo "gpu-check: neither nvcc ($NVCC) nor a prebuilt $OUT/librevtaf_cuda.so" >&2; exit 2
fi

echo "== 3. cuda-tagged tests on the GPU"
if [ -d "$HOME/.m2/repository/org/junit" ] && command -v make >/dev/null && command -v g++ >/dev/null; then
    ./mvnw -B -o -q -Dspotless.check.skip=true test -Dtest.groups=cuda -Dtest.excludedGroups= \
        -Dsurefire.failIfNoSpecifiedTests=false || STATUS=1
    grep -h "Tests run" target/surefire-reports/*Cuda*.txt 2>/dev/null
else
    echo "(no Maven repository here: running the same checks compiled with javac)"
    CLS=$ROOT/target/gpu-check-classes
    rm -rf "$CLS" && mkdir -p "$CLS"
    "$JAVA_HOME/bin/javac" -nowarn -proc:none --add-modules jdk.incubator.vector -d "$CLS" \
        -sourcepath src/main/java:bindings:src/test/java \
        src/test/java/org/revtaf/kernels/KernelParityMain.java src/test/java/org/revtaf/kernels/KernelBenchmark.java \
        2>&1 | grep -v -E "^Note:|warning" || true
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $JFLAGS -cp "$CLS" org.revtaf.kernels.KernelParityMain cuda || STATUS=1
fi

if [ "${1:-}" != "--no-bench" ]; then
    echo "== 4. benchmark (NVTX range around every launch)"
    if [ ! -d "$ROOT/target/gpu-check-classes/org" ]; then
        mkdir -p "$ROOT/target/gpu-check-classes"
        "$JAVA_HOME/bin/javac" -nowarn -proc:none --add-modules jdk.incubator.vector -d "$ROOT/target/gpu-check-classes" \
            -sourcepath src/main/java:bindings:src/test/java src/test/java/org/revtaf/kernels/KernelBenchmark.java \
            2>&1 | grep -v -E "^Note:|warning" || true
    fi
    BENCH=("$JAVA_HOME/bin/java" $JFLAGS -cp "$ROOT/target/gpu-check-classes" org.revtaf.kernels.KernelBenchmark cuda)
    if [ "${NSYS:-0}" = 1 ] && command -v nsys >/dev/null; then
        nsys profile -t cuda,nvtx -o "$ROOT/target/gpu-check" --force-overwrite true "${BENCH[@]}" || STATUS=1
    else
        "${BENCH[@]}" || STATUS=1
    fi
fi
echo "== gpu-check: $([ $STATUS = 0 ] && echo PASSED || echo FAILED)"
exit $STATUS
