#!/usr/bin/env bash
# Runs the built test suite and, when it fails, ends with what went wrong:
# the failed expectations, fatal errors and the crashed thread of every
# crash, so the last screen of a CI log names the cause.
set -uo pipefail
cd "$(dirname "$0")/.."
log=.build/test.log
crashes=.build/crashes
rm -rf "$crashes" && mkdir -p "$crashes"
# A crash report is written to a file, quickly (no line tables), and only
# for the crashed thread: a full report of the test process can take minutes
# on a loaded machine, and every other test waits that long.
export SWIFT_BACKTRACE="enable=yes,interactive=no,symbolicate=fast,threads=crashed,images=none,output-to=$PWD/$crashes"
swift test --skip-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo
    echo "== the suite failed (exit $status); what went wrong:"
    grep -a -E "✘|Fatal error|Program crashed|error:" "$log" | grep -a -v "Supports NULL byte" | cut -c1-600 | head -60
    for f in "$crashes"/*; do
        [ -f "$f" ] || continue
        echo "== crash report $f"
        head -80 "$f"
    done
fi
exit "$status"
