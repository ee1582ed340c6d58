#!/usr/bin/env bash
# benchmarks/gpu-check.sh - the one prepared device check. Needs only the NVIDIA driver, the CUDA
# toolkit (nvcc) and g++ (which nvcc needs anyway): no Java, no Maven, no network.
#   1. device info (nvidia-smi)
#   2. build librevtaf_cuda.so with nvcc, then the ptxas register/spill report (make ptxas, sm_90)
#   3. build the standalone harness kernels/tests/gpu_check.cpp (g++; calls the C ABI via dlopen)
#   4. correctness: every case of kernels/tests/gpu_check.fixtures (reference outputs written by the
#      Java references, org.revtaf.engine.kernels.GpuCheckFixtures), every version, forward and backward
#   5. the cuda-tagged JUnit tests through Maven offline, only where a JDK 25 and a warm Maven
#      repository exist (skipped, and said so, on a bare GPU machine: step 4 covers the kernels)
#   6. benchmark: ms, GB/s, GFLOP/s and share of the device's peak per kernel and version (tensor-core
#      versions against the TF32 peak), then cuBLAS GEMMs (fp32, TF32, BF16) as the yardstick
#      (NSYS=1 records target/gpu-check.nsys-rep with Nsight Systems)
# Every step runs under `timeout`; a compiler error or a failed check fails the script.
# Usage: benchmarks/gpu-check.sh [--emu] [--quick] [--no-bench] [--no-ptxas]
#   --emu    the same harness against librevtaf_emu.so (g++ host emulation; no GPU, no nvcc): what
#            CI runs (GpuCheckTest) to prove the check itself works; --quick = tiny benchmark shapes
# Exit status: 0 passed; 1 a check failed; 2 build failure or bad usage; 3 no usable NVIDIA GPU.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
NATIVE=${REVTAF_NATIVE_DIR:-$PWD/target/native}
EMU=0 QUICK=0 BENCH=1 PTXAS=1
for a in "$@"; do
    case "$a" in
    --emu) EMU=1 ;;
    --quick) QUICK=1 ;;
    --no-bench) BENCH=0 ;;
    --no-ptxas) PTXAS=0 ;;
    *) echo "gpu-check: unknown argument '$a' (usage: [--emu] [--quick] [--no-bench] [--no-ptxas])" >&2; exit 2 ;;
    esac
done
JOBS=$(nproc 2>/dev/null || echo 2)
T0=$(date +%s)

# step SECONDS DESCRIPTION CMD...: runs CMD under timeout, prints its status and duration
step() {
    local limit=$1 what=$2 t rc
    shift 2
    t=$(date +%s)
    timeout --kill-after=10 "$limit" "$@"
    rc=$?
    if [ $rc = 124 ] || [ $rc = 137 ]; then
        echo "gpu-check: $what TIMED OUT after ${limit} s" >&2
    elif [ $rc != 0 ]; then
        echo "gpu-check: $what failed (exit $rc)" >&2
    fi
    echo "   ($what: $(( $(date +%s) - t )) s)"
    return $rc
}

if [ $EMU = 1 ]; then
    LIB=$NATIVE/librevtaf_emu.so
    echo "== 1. device: host emulation (no GPU used)"
    echo "== 2. build librevtaf_emu.so (g++)"
    step 600 "emulator build" make -s -j"$JOBS" -C kernels emu OUT="$NATIVE" || exit 2
else
    LIB=$NATIVE/librevtaf_cuda.so
    NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
    echo "== 1. device"
    if command -v nvidia-smi >/dev/null; then
        step 30 nvidia-smi nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem \
            --format=csv || echo "(nvidia-smi failed: the harness decides below whether a GPU is usable)"
    else
        echo "nvidia-smi not found"
    fi
    echo "== 2. build librevtaf_cuda.so ($NVCC)"
    if [ ! -x "$NVCC" ]; then echo "gpu-check: nvcc not found ($NVCC); set NVCC" >&2; exit 2; fi
    step 360 "nvcc build" make -s -j"$JOBS" -C kernels cuda OUT="$NATIVE" NVCC="$NVCC" || exit 2
    if [ $PTXAS = 1 ]; then
        echo "-- ptxas (sm_90): kernels that spill"
        step 240 "ptxas report" make -s -C kernels ptxas NVCC="$NVCC" >"$NATIVE/ptxas.txt"
        rc=$?
        if [ $rc = 124 ] || [ $rc = 137 ]; then  # a report, not a build: the library above compiled
            echo "(ptxas report incomplete: timed out; partial report in $NATIVE/ptxas.txt)"
        elif [ $rc != 0 ]; then
            exit 2
        else
            grep -B2 -E "[1-9][0-9]* bytes spill" "$NATIVE/ptxas.txt" | grep -E "Compiling|spill" || echo "no kernel spills"
            echo "   (full report: $NATIVE/ptxas.txt)"
        fi
    fi
fi
echo "== 3. build the harness (g++)"
step 120 "harness build" make -s -C kernels check OUT="$NATIVE" || exit 2
CHECK=$NATIVE/test/gpu_check

echo "== 4. correctness against the Java references (kernels/tests/gpu_check.fixtures)"
STATUS=0
step 300 "correctness" "$CHECK" "$LIB" --fixtures kernels/tests/gpu_check.fixtures
rc=$?
if [ $rc = 3 ]; then
    echo "gpu-check: no usable NVIDIA GPU (the build above is all that was checked)" >&2
    exit 3
fi
[ $rc = 0 ] || STATUS=1

echo "== 5. cuda-tagged JUnit tests"
JDK=""
for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    if [ -n "$j" ] && [ -x "$j/bin/javac" ] && "$j/bin/java" -version 2>&1 | grep -q '"25'; then JDK=$j; break; fi
done
if [ $EMU = 1 ]; then
    echo "skipped: --emu (the emulated suite is ./mvnw verify itself)"
elif [ -z "$JDK" ] || [ ! -d "$HOME/.m2/repository/org/junit" ]; then
    echo "skipped: no JDK 25 or no Maven repository on this machine (step 4 checked every kernel)"
else
    JAVA_HOME=$JDK step 420 "Maven cuda tests" ./mvnw -B -o -q -Dspotless.check.skip=true test -Dtest.groups=cuda \
        -Dtest.excludedGroups= -Dsurefire.failIfNoSpecifiedTests=false || STATUS=1
fi

if [ $BENCH = 1 ]; then
    echo "== 6. benchmark (NVTX range around every launch)"
    ARGS=("$CHECK" "$LIB" --bench)
    [ $QUICK = 1 ] || [ $EMU = 1 ] && ARGS+=(--quick)
    if [ $EMU = 0 ]; then  # cuBLAS GEMMs (fp32 / TF32 / BF16) as the yardstick, from the toolkit's lib64
        ARGS+=(--cublas)
        export LD_LIBRARY_PATH="$(dirname "$(readlink -f "$NVCC")")/../lib64:${LD_LIBRARY_PATH:-}"
    fi
    if [ "${NSYS:-0}" = 1 ] && command -v nsys >/dev/null; then
        step 300 "benchmark (nsys)" nsys profile -t cuda,nvtx -o target/gpu-check --force-overwrite true "${ARGS[@]}" \
            || STATUS=1
    else
        step 300 benchmark "${ARGS[@]}" || STATUS=1
    fi
fi
echo "== gpu-check: $([ $STATUS = 0 ] && echo PASSED || echo FAILED) in $(( $(date +%s) - T0 )) s"
exit $STATUS
