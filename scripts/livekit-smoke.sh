#!/usr/bin/env bash
# voiceload against your own LiveKit project, end to end: provision a trunk and dispatch rule, place a
# few observed calls, write the report with the per-turn STT/LLM/TTS breakdown, tear everything down.
# Not run in CI (it needs a LiveKit project and reaches the internet).
#
# Needs, in the environment:
#   LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET   your project's (as for LiveKit's own tools)
#   VL_NUMBER        the number the trunk accepts, e.g. +15550100
#   VL_SIP_HOST      your project's SIP host (LiveKit Cloud: <id>.sip.livekit.cloud, project settings)
#   VL_ALLOWED       this machine's public IP or CIDR, e.g. 203.0.113.7/32 (the trunk accepts only it)
# Optional:
#   VL_AGENT         agent name to dispatch explicitly (default: automatic dispatch)
#   VL_CALLS         calls to place (default 5), VL_LOCAL_IP (address for SIP/RTP, default: voiceload's)
#   VL_OUT           results directory (default results/livekit-smoke)
#   VL_SCENARIO      the conversation (default scenarios/demo.yaml)
# The agent should run with `voiceload/livekit-agent` attached (examples/livekit-agent shows how):
# without it the calls are still measured, but the report has no stage breakdown.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
vl() { node --import tsx "$here/src/cli/main.ts" "$@"; }
: "${LIVEKIT_URL:?set LIVEKIT_URL}" "${LIVEKIT_API_KEY:?set LIVEKIT_API_KEY}" "${LIVEKIT_API_SECRET:?set LIVEKIT_API_SECRET}"
: "${VL_NUMBER:?set VL_NUMBER, e.g. +15550100}" "${VL_SIP_HOST:?set VL_SIP_HOST, e.g. <id>.sip.livekit.cloud}" "${VL_ALLOWED:?set VL_ALLOWED to the public IP/32 of this machine}"
calls="${VL_CALLS:-5}"
out="${VL_OUT:-results/livekit-smoke}"
state="$(mktemp -d)/livekit-state.json"

setup_args=(--number "$VL_NUMBER" --allowed-address "$VL_ALLOWED" --sip-host "$VL_SIP_HOST" --state "$state")
[[ -n "${VL_AGENT:-}" ]] && setup_args+=(--agent-name "$VL_AGENT")
vl livekit setup "${setup_args[@]}"
# Whatever happens from here, delete exactly what setup created.
trap 'vl livekit teardown --state "$state" || echo "teardown failed: run voiceload livekit teardown --state $state" >&2' EXIT

uri="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).sipUri)' "$state")"
run_args=(run "${VL_SCENARIO:-$here/scenarios/demo.yaml}" --target "$uri" -m "$calls" -l "$calls" -r 1 --livekit --out "$out" --tag smoke=livekit)
[[ -n "${VL_LOCAL_IP:-}" ]] && run_args+=(--local-ip "$VL_LOCAL_IP")
vl "${run_args[@]}"
echo "report: $out/report.html"
