#!/usr/bin/env bash
# compare-jars.sh OLD.jar NEW.jar [ROUNDS] - `revtaf bench gemm` and `bench conv` (cpu, defaults) of two
# builds, alternating ABBA (old,new then new,old ...) so a drifting machine load hits both alike.
# One JSON line per run on stdout: {"round", "jar", "load" (1-minute load average at the start),
# "gemm"|"conv": the bench --json result}. Build each jar with
#   ./mvnw -B -o -q -DskipTests -P '!cuda' package      (target/revtaf-*.jar, next to target/lib/)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD.jar NEW.jar [ROUNDS]" >&2; exit 2; }
old=$1 new=$2 rounds=${3:-5}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx6g)
for ((i = 1; i <= rounds; i++)); do
    if ((i % 2)); then order=(old new); else order=(new old); fi
    for v in "${order[@]}"; do
        jar=$old
        [ "$v" = new ] && jar=$new
        for k in gemm conv; do
            load=$(cut -d' ' -f1 /proc/loadavg)
            res=$("$java" "${flags[@]}" -jar "$jar" bench "$k" --json 2>/dev/null | tail -1)
            echo "{\"round\":$i,\"jar\":\"$v\",\"load\":$load,\"$k\":$res}"
        done
    done
done
