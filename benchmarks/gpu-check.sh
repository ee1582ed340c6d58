#!/usr/bin/env bash
# benchmarks/gpu-check.sh - the one prepared device check. Needs only the NVIDIA driver, the CUDA
# toolkit (nvcc) and g++ (which nvcc needs anyway): no Java, no Maven, no network. The Java steps (5, 7)
# run from the bundle that `--prepare` packs where JDK 25 and Maven exist (benchmarks/gpu-bundle.sh:
# a jlinked runtime, the jar, the test classes) when it is carried as target/gpu-bundle.tar.gz.
#   1. device info (nvidia-smi)
#   2. build librevtaf_cuda.so with nvcc; the ptxas register/spill report (make ptxas, sm_90) compiles
#      in the background (one core) and is printed at the end
#   3. build the standalone harness kernels/tests/gpu_check.cpp (g++; calls the C ABI via dlopen)
#   4. correctness: every case of kernels/tests/gpu_check.fixtures (reference outputs written by the
#      Java references, org.revtaf.engine.kernels.GpuCheckFixtures), every version, forward and backward
#   5. the cuda-tagged JUnit tests: with the bundle's Java (CudaTestMain, JUnit Platform launcher) when
#      the bundle is there and no JDK 25 is (or --bundle), else through Maven offline where a JDK 25 and
#      a warm Maven repository exist, else skipped (and said so)
#   6. benchmark: ms, GB/s, GFLOP/s and share of the device's peak per kernel and version (tensor-core
#      versions against the TF32 peak), then cuBLAS GEMMs (fp32, TF32, BF16) as the yardstick
#      (NSYS=1 records target/gpu-check.nsys-rep with Nsight Systems)
#   7. from Java, `revtaf bench ... --device cuda --json`: the REVTAF training step (configs/tiny.yaml and
#      the paper-size configs/mimic-cxr-paper.yaml: images/s and device peak bytes) and `bench attention`
#      (fused vs the unfused composition at head dim 64, seq 1024, batch x heads 64, forward and train);
#      JSON lines also in target/gpu-check-java.jsonl; the same Java as step 5
# The Java side loads the librevtaf_cuda.so step 2 built (-Drevtaf.native.dir=target/native; the
# bundle's jar carries none). Every step runs under `timeout`, and on a GPU the whole check within
# GPU_CHECK_BUDGET_S (480) seconds: a step gets what is left; a compiler error or a failed check fails it.
# Usage: benchmarks/gpu-check.sh [--prepare] [--emu] [--bundle] [--quick] [--no-bench] [--no-ptxas]
#   --prepare  (here, with JDK 25 + Maven) pack target/gpu-bundle.tar.gz and stop (gpu-bundle.sh prepare)
#   --emu      the same harness against librevtaf_emu.so (g++ host emulation; no GPU, no nvcc): what
#              CI runs (GpuCheckTest) to prove the check itself works; --quick = tiny benchmark shapes
#   --bundle   steps 5 and 7 from the bundle even where a JDK 25 exists; with --emu (no GPU) they run
#              with the emulator standing in for the GPU on tiny shapes: the proof that the bundle is
#              self-sufficient (run it under `env -i PATH=/usr/bin:/bin HOME=$HOME`, no Java on PATH)
# Exit status: 0 passed; 1 a check failed; 2 build failure or bad usage; 3 no usable NVIDIA GPU.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
NATIVE=${REVTAF_NATIVE_DIR:-$PWD/target/native}
EMU=0 QUICK=0 BENCH=1 PTXAS=1 BUNDLE=0
for a in "$@"; do
    case "$a" in
    --prepare) [ $# = 1 ] || { echo "gpu-check: --prepare takes no other argument" >&2; exit 2; }
        exec benchmarks/gpu-bundle.sh prepare ;;
    --emu) EMU=1 ;;
    --bundle) BUNDLE=1 ;;
    --quick) QUICK=1 ;;
    --no-bench) BENCH=0 ;;
    --no-ptxas) PTXAS=0 ;;
    *) echo "gpu-check: unknown argument '$a' (usage: [--prepare] [--emu] [--bundle] [--quick] [--no-bench] [--no-ptxas])" >&2
        exit 2 ;;
    esac
done
JOBS=$(nproc 2>/dev/null || echo 2)
T0=$(date +%s)
BUDGET=${GPU_CHECK_BUDGET_S:-480}
[ $EMU = 1 ] && BUDGET=${GPU_CHECK_BUDGET_S:-0} # 0: no budget (the emulator runs on shared CI cores)

# step SECONDS DESCRIPTION CMD...: runs CMD under timeout (at most what is left of the budget),
# prints its status and duration
step() {
    local limit=$1 what=$2 t rc left
    shift 2
    t=$(date +%s)
    if [ "$BUDGET" -gt 0 ]; then
        left=$((T0 + BUDGET - t))
        if [ $left -lt 5 ]; then
            echo "gpu-check: $what not run: the ${BUDGET} s budget is spent" >&2
            return 124
        fi
        [ $left -lt "$limit" ] && limit=$left
    fi
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
    # the toolkit's lib64 (cuBLAS, cuDNN where present) for the harness's --cublas and the Java vendor paths
    export LD_LIBRARY_PATH="$(dirname "$(readlink -f "$NVCC")")/../lib64:${LD_LIBRARY_PATH:-}"
    step 360 "nvcc build" make -s -j"$JOBS" -C kernels cuda OUT="$NATIVE" NVCC="$NVCC" || exit 2
    if [ $PTXAS = 1 ]; then # a report, not a build (the library above compiled): in the background
        echo "-- ptxas (sm_90) report: compiling in the background, printed at the end"
        # timeout leads its own process group: a TERM to it (the trap, on an early exit) ends make's children too
        limit=300  # on a GPU: what the budget leaves, less 20 s to print the report
        [ "$BUDGET" -gt 0 ] && limit=$((T0 + BUDGET - 20 - $(date +%s)))
        timeout --kill-after=10 $((limit > 10 ? limit : 10)) \
            make -s -C kernels ptxas NVCC="$NVCC" >"$NATIVE/ptxas.txt" 2>"$NATIVE/ptxas.err" &
        PTXAS_PID=$! PTXAS_T0=$(date +%s)
        trap 'kill "$PTXAS_PID" 2>/dev/null' EXIT
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
# JAVA: bundle (target/gpu-bundle, unpacked from the carried .tar.gz), jdk (Maven and ./revtaf) or none
JAVA=none
if [ $BUNDLE = 1 ] || { [ -z "$JDK" ] && [ -e target/gpu-bundle.tar.gz ]; }; then
    benchmarks/gpu-bundle.sh unpack || exit 2
    JAVA=bundle
    built=$(sed -n 's/^commit: //p' target/gpu-bundle/BUNDLE.txt) tree=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
    echo "Java: the bundle ($built, $(sed -n 's/^built: //p' target/gpu-bundle/BUNDLE.txt)), working tree at $tree"
    [ "${built%% *}" = "$tree" ] || echo "WARNING: the bundle's jar and tests are from $built, not the working tree's" \
        "$tree: rerun benchmarks/gpu-check.sh --prepare where Java is when the Java side changed" >&2
elif [ -n "$JDK" ] && [ -d "$HOME/.m2/repository/org/junit" ]; then
    JAVA=jdk
fi
# the bundle's java with the launcher's flags; NATIVE_FOR_JAVA: where it finds librevtaf_cuda.so
NATIVE_FOR_JAVA=$NATIVE
if [ $EMU = 1 ]; then # the emulator stands in for the GPU under the name the cuda device loads
    NATIVE_FOR_JAVA=$PWD/target/gpu-check-emu-as-cuda
    mkdir -p "$NATIVE_FOR_JAVA" && ln -sf "$NATIVE/librevtaf_emu.so" "$NATIVE_FOR_JAVA/librevtaf_cuda.so"
fi
B=$PWD/target/gpu-bundle
BJAVA=("$B/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC
    -Xss8m "${GPU_CHECK_JAVA_MEM:-$([ $EMU = 1 ] && echo -Xmx4g || echo -XX:MaxRAMPercentage=50)}" -Drevtaf.home="$PWD")
if [ $JAVA = bundle ]; then
    if [ $EMU = 1 ]; then # cuBLAS (CudaVendorGemmCudaTest) needs a real GPU: the kernel parity class only
        step 300 "cuda JUnit tests (bundle, emulator as the GPU)" "${BJAVA[@]}" -Drevtaf.native.dir="$NATIVE_FOR_JAVA" \
            -cp "$B/lib/*:$B/test/classes:$B/test/lib/*" org.revtaf.engine.backend.cuda.CudaTestMain \
            --class org.revtaf.engine.kernels.KernelParityCudaTest || STATUS=1
    else
        step 240 "cuda JUnit tests (bundle)" "${BJAVA[@]}" -Drevtaf.native.dir="$NATIVE" \
            -cp "$B/lib/*:$B/test/classes:$B/test/lib/*" org.revtaf.engine.backend.cuda.CudaTestMain || STATUS=1
    fi
elif [ $EMU = 1 ]; then
    echo "skipped: --emu without --bundle (the emulated suite is ./mvnw verify itself)"
elif [ $JAVA = jdk ]; then
    JAVA_HOME=$JDK step 420 "Maven cuda tests" ./mvnw -B -o -q -Dspotless.check.skip=true test -Dtest.groups=cuda \
        -Dtest.excludedGroups= -Dsurefire.failIfNoSpecifiedTests=false || STATUS=1
else
    echo "skipped: no JDK 25 and no bundle (carry target/gpu-bundle.tar.gz from benchmarks/gpu-check.sh --prepare);" \
        "step 4 checked every kernel"
fi

if [ $BENCH = 1 ]; then
    echo "== 6. benchmark (NVTX range around every launch)"
    ARGS=("$CHECK" "$LIB" --bench)
    [ $QUICK = 1 ] || [ $EMU = 1 ] && ARGS+=(--quick)
    [ $EMU = 1 ] || ARGS+=(--cublas) # cuBLAS GEMMs (fp32 / TF32 / BF16) as the yardstick, from the toolkit's lib64
    if [ "${NSYS:-0}" = 1 ] && command -v nsys >/dev/null; then
        step 300 "benchmark (nsys)" nsys profile -t cuda,nvtx -o target/gpu-check --force-overwrite true "${ARGS[@]}" \
            || STATUS=1
    else
        step 300 benchmark "${ARGS[@]}" || STATUS=1
    fi
fi

# java_bench SECONDS LABEL WORKLOAD ARGS...: one `revtaf bench WORKLOAD ARGS --json`, its JSON line kept
java_bench() {
    local limit=$1 label=$2 out rc
    shift 2
    out=$(mktemp)
    if [ $JAVA = bundle ]; then
        step "$limit" "$label" "${BJAVA[@]}" -Drevtaf.native.dir="$NATIVE_FOR_JAVA" -cp "$B/lib/*" \
            org.revtaf.edges.cli.Main bench "$@" --json >"$out"
    else
        step "$limit" "$label" ./revtaf bench "$@" --json >"$out"
    fi
    rc=$?
    cat "$out"
    grep '^{' "$out" >>target/gpu-check-java.jsonl
    rm -f "$out"
    return $rc
}
if [ $BENCH = 1 ]; then
    echo "== 7. from Java: the REVTAF training step (images/s, device peak bytes), attention fused vs unfused"
    rm -f target/gpu-check-java.jsonl
    if [ $JAVA = none ] || { [ $EMU = 1 ] && [ $JAVA != bundle ]; }; then
        echo "skipped: $([ $EMU = 1 ] && echo "--emu without --bundle (CudaTrainStepTest trains on cuda-emu in ./mvnw verify)" \
            || echo "no JDK 25 and no bundle (carry target/gpu-bundle.tar.gz from benchmarks/gpu-check.sh --prepare)")"
    elif [ $EMU = 1 ]; then # proof of the bundle, not a figure: one tiny step and a tiny attention under emulation
        java_bench 240 "train-step tiny (cuda-emu)" train-step --config configs/tiny.yaml --device cuda-emu \
            --batch 1 --warmup 0 --iters 1 || STATUS=1
        java_bench 120 "attention (cuda-emu)" attention --device cuda-emu --batch 1 --heads 2 --seq 16 --dim 8 \
            --pass train --seconds 0.05 --warmup 0 || STATUS=1
    else
        # first the figures the issues ask for (the tiny and paper-size training step on the default paths -
        # cuBLAS / cuDNN where they load: the JSON's vendor_paths says which - and issue 18's attention shape:
        # head dim 64, sequence 1024, batch x heads 64), then the variants, so that a short budget drops those
        java_bench 120 "train-step tiny" train-step --config configs/tiny.yaml --device cuda --warmup 3 --iters 5 \
            || STATUS=1
        for pass in forward train; do
            java_bench 60 "attention $pass" attention --device cuda --batch 8 --heads 8 --seq 1024 --dim 64 \
                --causal false --pass "$pass" --seconds 1 --warmup 1 || STATUS=1
        done
        [ $QUICK = 1 ] || java_bench 200 "train-step paper" train-step --config configs/mimic-cxr-paper.yaml \
            --device cuda --warmup 1 --iters 3 || STATUS=1
        # the tiny step on our own kernels for every family, and on the vendor paths with TF32 tensor cores
        JAVA_TOOL_OPTIONS="-Drevtaf.cuda.gemm=own -Drevtaf.cuda.conv=own -Drevtaf.cuda.norm=own -Drevtaf.cuda.pool=own" \
            java_bench 90 "train-step tiny (own kernels)" train-step --config configs/tiny.yaml --device cuda \
            --warmup 3 --iters 5 || STATUS=1
        JAVA_TOOL_OPTIONS="-Drevtaf.cuda.math=tf32" java_bench 90 "train-step tiny (vendor TF32)" train-step \
            --config configs/tiny.yaml --device cuda --warmup 3 --iters 5 || STATUS=1
        # the attention training pass on the tensor-core versions (not the defaults): forward 5 + backward 7
        # (TF32 operands), forward 6 + backward 8 (BF16); the property reaches the JVM through JAVA_TOOL_OPTIONS
        for fb in 5:7 6:8; do
            JAVA_TOOL_OPTIONS="-Drevtaf.cuda.kernelVersion=attention_fwd:${fb%:*},attention_bwd:${fb#*:}" \
                java_bench 60 "attention train (fwd ${fb%:*}, bwd ${fb#*:})" attention --device cuda --batch 8 \
                --heads 8 --seq 1024 --dim 64 --causal false --pass train --seconds 1 --warmup 1 || STATUS=1
        done
        # the same with bf16 q, k, v through the ABI (cast once on the device; forward 4 + backward 8)
        JAVA_TOOL_OPTIONS="-Drevtaf.cuda.attention.bf16=true" java_bench 60 "attention train (bf16 inputs, fwd 4, bwd 8)" \
            attention --device cuda --batch 8 --heads 8 --seq 1024 --dim 64 --causal false --pass train --seconds 1 \
            --warmup 1 || STATUS=1
    fi
fi

if [ -n "${PTXAS_PID:-}" ]; then
    echo "== 8. ptxas (sm_90): kernels that spill"
    wait "$PTXAS_PID"
    rc=$?
    trap - EXIT
    echo "   (ptxas report: $(( $(date +%s) - PTXAS_T0 )) s in the background)"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        echo "(ptxas report incomplete: timed out; partial report in $NATIVE/ptxas.txt)"
    elif [ "$rc" != 0 ]; then
        cat "$NATIVE/ptxas.err" >&2
        STATUS=1
    else
        grep -B2 -E "[1-9][0-9]* bytes spill" "$NATIVE/ptxas.txt" | grep -E "Compiling|spill" || echo "no kernel spills"
        echo "   (full report: $NATIVE/ptxas.txt)"
    fi
fi
echo "== gpu-check: $([ $STATUS = 0 ] && echo PASSED || echo FAILED) in $(( $(date +%s) - T0 )) s"
exit $STATUS
