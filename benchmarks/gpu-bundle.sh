#!/usr/bin/env bash
# benchmarks/gpu-bundle.sh - the Java side of the GPU check, for GPU machines that have the NVIDIA
# driver, the CUDA toolkit and g++ but no Java, no Maven and no network (issue 18).
#   benchmarks/gpu-bundle.sh prepare   (here, with JDK 25 and the warm Maven repository; what
#                                       `benchmarks/gpu-check.sh --prepare` runs)
#     builds the jar and the test classes offline (-P '!cuda': librevtaf_cuda.so is built on the GPU
#     machine by gpu-check.sh step 2) and fills target/gpu-bundle/:
#       runtime/       a jlinked Java runtime: the modules jdeps finds in the jar, its dependencies, the
#                      test classes and their jars (java.desktop for image decoding, jdk.incubator.vector)
#                      + jdk.zipfs; --strip-debug --no-header-files --no-man-pages (gzip compresses it)
#       lib/           revtaf.jar (without a librevtaf_cuda.so of its own: the one gpu-check.sh just
#                      built with nvcc is the only one the JVM can load) and its runtime dependencies
#       test/classes/  the test classes (CudaTestMain runs the cuda-tagged ones)
#       test/lib/      the test-scope jars (JUnit Platform launcher and engine, ...)
#       BUNDLE.txt     commit, date, JDK and modules it was built from
#     then packs it as ONE file, target/gpu-bundle.tar.gz (the `run` tool carries at most 64 MiB of
#     ignored paths): prints its size, fails above 60 MB.
#   benchmarks/gpu-bundle.sh unpack    (on the GPU machine; gpu-check.sh calls it) unpacks
#     target/gpu-bundle.tar.gz into target/gpu-bundle/ unless that copy is already unpacked.
# Exit status: 0 done; 1 the bundle is too large; 2 build failure or bad usage.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TARBALL=target/gpu-bundle.tar.gz
BUNDLE=target/gpu-bundle
MAX_BYTES=60000000

die() {
    echo "gpu-bundle: $1" >&2
    exit "${2:-2}"
}

unpack() {
    [ -f "$TARBALL" ] || die "$TARBALL not found: run benchmarks/gpu-check.sh --prepare where JDK 25 and Maven exist, then carry it"
    if [ -f "$BUNDLE/.unpacked" ] && [ ! "$TARBALL" -nt "$BUNDLE/.unpacked" ]; then return 0; fi
    rm -rf "$BUNDLE"
    tar -xzf "$TARBALL" -C target || die "cannot unpack $TARBALL"
    touch "$BUNDLE/.unpacked"
    [ -x "$BUNDLE/runtime/bin/java" ] || die "$TARBALL holds no runtime/bin/java"
    echo "gpu-bundle: unpacked $TARBALL ($(sed -n 's/^commit: //p' "$BUNDLE/BUNDLE.txt"))"
}

# the java.*/jdk.* modules that a jar or class folder needs: its module descriptor's requires when it
# has one (jdeps cannot analyse a named module without all of its peers), jdeps otherwise
modules_of() {
    local f=$1 cp=$2 desc
    desc=$("$JDK/bin/jar" --describe-module --file "$f" --release 25 2>/dev/null | grep '^requires ' || true)
    if [ -n "$desc" ]; then
        awk '$2 ~ /^(java|jdk)\./ {print $2}' <<<"$desc"
    else
        "$JDK/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps --class-path "$cp" "$f" \
            | tail -n 1 | tr ',' '\n'
    fi
}

prepare() {
    JDK=""
    for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
        if [ -n "$j" ] && [ -x "$j/bin/jlink" ] && "$j/bin/java" -version 2>&1 | grep -q '"25'; then JDK=$j; break; fi
    done
    [ -n "$JDK" ] || die "--prepare needs a JDK 25 with jlink (set JAVA_HOME)"
    export JAVA_HOME=$JDK
    local t0 log=target/gpu-bundle-build.log
    t0=$(date +%s)
    mkdir -p target
    echo "== gpu-bundle: build the jar and the test classes (Maven offline, -P '!cuda'; log $log)"
    if ! ./mvnw -B -o -q -P '!cuda' -DskipTests -Dspotless.check.skip=true package >"$log" 2>&1 \
        || ! ./mvnw -B -o -q -P '!cuda' dependency:build-classpath -Dmdep.includeScope=test \
            -Dmdep.outputFile="$PWD/target/gpu-bundle-test.classpath" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "the Maven build failed (full log: $log)"
    fi
    local jar cp f
    jar=$(ls -t target/revtaf-[0-9]*.jar | head -n 1)
    cp=$(cat target/gpu-bundle-test.classpath)
    rm -rf "$BUNDLE" "$TARBALL"
    mkdir -p "$BUNDLE/lib" "$BUNDLE/test/lib"
    cp "$jar" "$BUNDLE/lib/revtaf.jar"
    cp target/lib/*.jar "$BUNDLE/lib/"
    if unzip -l "$BUNDLE/lib/revtaf.jar" org/revtaf/native/librevtaf_cuda.so >/dev/null 2>&1; then
        zip -q -d "$BUNDLE/lib/revtaf.jar" org/revtaf/native/librevtaf_cuda.so || die "cannot drop the jar's librevtaf_cuda.so"
    fi
    # the fuzz tests (org.revtaf.fuzz) and Jazzer (9 MB that gzip cannot shrink) stay out: never tagged cuda
    cp -r target/test-classes "$BUNDLE/test/classes"
    rm -rf "$BUNDLE/test/classes/org/revtaf/fuzz"
    cp=$(tr ':' '\n' <<<"$cp" | grep -v '/com/code-intelligence/' | paste -sd: -)
    for f in ${cp//:/ }; do
        [ -e "$BUNDLE/lib/$(basename "$f")" ] || cp "$f" "$BUNDLE/test/lib/"
    done

    echo "== gpu-bundle: modules (jdeps)"
    local mods
    mods=$({
        modules_of "$BUNDLE/lib/revtaf.jar" "$cp"
        modules_of "$BUNDLE/test/classes" "$cp:$BUNDLE/lib/revtaf.jar"
        for f in ${cp//:/ }; do modules_of "$f" "$cp"; done
        printf '%s\n' java.desktop jdk.incubator.vector jdk.zipfs
    } | grep -E '^(java|jdk)\.[a-z.]+$' | sort -u | paste -sd, -)
    echo "$mods"
    echo "== gpu-bundle: jlink"
    # no --compress: gzip -9 of the whole archive shrinks an uncompressed lib/modules to 19 MB, jlink's
    # zip-9 to 26 MB that gzip cannot shrink further (JDK 25, these modules, 2026-12-06)
    "$JDK/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages \
        --output "$BUNDLE/runtime" || die "jlink failed"
    {
        echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
        echo "built: $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n)"
        echo "jdk: $("$JDK/bin/java" -version 2>&1 | head -n 1)"
        echo "modules: $mods"
    } >"$BUNDLE/BUNDLE.txt"
    echo "== gpu-bundle: pack $TARBALL"
    tar -cf - -C target --exclude=.unpacked gpu-bundle | gzip -9 >"$TARBALL.part" || die "tar failed"
    mv "$TARBALL.part" "$TARBALL"
    local bytes
    bytes=$(stat -c %s "$TARBALL")
    du -sh "$BUNDLE/runtime" "$BUNDLE/lib" "$BUNDLE/test" | sed 's/^/   /'
    echo "gpu-bundle: $TARBALL is $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB (limit $((MAX_BYTES / 1000000)) MB)," \
        "built in $(($(date +%s) - t0)) s"
    [ "$bytes" -le $MAX_BYTES ] || die "$TARBALL is over $((MAX_BYTES / 1000000)) MB: it cannot travel" 1
    echo "carry it to the GPU machine (run tool: carry [\"$TARBALL\"]) and run benchmarks/gpu-check.sh there"
}

case "${1:-}" in
prepare) prepare ;;
unpack) unpack ;;
*) die "usage: benchmarks/gpu-bundle.sh prepare|unpack" ;;
esac
