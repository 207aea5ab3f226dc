#!/usr/bin/env bash
# npm test: the whole suite. Test files that touch no socket, child process or real clock (pure
# parsers, FSMs, statistics on injected clocks) run two at a time; the rest (interop tests against
# real peers, loopback media timing) run one at a time, so no timing test shares the CPUs with another.
# Extra arguments go to both runs (e.g. --test-name-pattern).
set -u
cd "$(dirname "$0")/.."
all=$(find test -name '*.test.ts' | sort)
# A file is "timed" when its name says interop or it uses sockets, processes, the system clock or an agent.
timed=$(grep -l -E 'SystemClock|performance\.now\(\)|createSocket|startAgent|runCli|spawn\(|\.interop\.' $all; find test -name '*.interop.test.ts')
timed=$(printf '%s\n' $timed | sort -u)
pure=$(comm -23 <(printf '%s\n' $all) <(printf '%s\n' $timed))
node --import tsx --test --test-concurrency=2 "$@" $pure
pure_rc=$?
node --import tsx --test --test-concurrency=1 "$@" $timed
timed_rc=$?
echo "voiceload tests: $(printf '%s\n' $pure | wc -l) pure files (2 at a time): exit $pure_rc; $(printf '%s\n' $timed | wc -l) timed files (1 at a time): exit $timed_rc"
[ "$pure_rc" -eq 0 ] && [ "$timed_rc" -eq 0 ]
