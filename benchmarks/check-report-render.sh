#!/usr/bin/env bash
# Render check of report.html (issue 15): writes the sample report built from synthetic studies
# (stand-in model outputs), opens it in headless Chromium (Debian's package, installed when
# missing), saves a full-page screenshot and fails when the page made any network request. A
# control page that does load from the network must be caught, which shows the detector works.
# Not part of `mvn test` (a browser start alone takes 10-20 s); the test suite checks the HTML is
# self-contained (HtmlReportTest). About a minute.
#
#   benchmarks/check-report-render.sh [OUT_DIR] [REPORT_HTML]   (default target/report-check)
#
# With REPORT_HTML (e.g. runs/demo/report.html after `./revtaf demo`) that page is checked instead of
# the sample report.
#
# Output: OUT_DIR/sample/report.html, OUT_DIR/sample/plots/*.png, OUT_DIR/screenshot.png,
# OUT_DIR/netlog.json; exit 0 when the page rendered and made no request.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${1:-target/report-check}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
case "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" in
    *\"2[5-9]*) ;;
    *) export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ;;
esac
if ! command -v chromium >/dev/null; then
    echo "check-report-render: installing Debian's chromium" >&2
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
# offline when the Maven repository is warm; MVN_FLAGS= to allow downloads
./mvnw -B -q ${MVN_FLAGS--o} test-compile
./mvnw -B -q ${MVN_FLAGS--o} exec:exec -Dexec.scope=test -Drun.main=org.revtaf.edges.report.RenderCheck \
    -Dapp.args="$OUT $(command -v chromium)${2:+ $(realpath "$2")}"
