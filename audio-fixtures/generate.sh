#!/usr/bin/env bash
# Regenerates voiceload's audio fixtures and their manifest.
#
# Caller utterances: espeak-ng at its native 22050 Hz (so loading exercises the resampler), mono
# 16-bit. espeak's own silence (0-13 ms before, ~350 ms after, all exact zeros) is trimmed, then exactly
# 300 ms of digital silence is added before and 200 ms after. The manifest records the measured speech
# offsets, not these numbers.
# Agent greeting: the far end's audio for interop tests, 8 kHz mono 16-bit WAV plus raw μ-law
# (SIPp 3.6.1's rtp_stream sends the file's bytes as they are, so it must have no header).
# Agent replies: what the simulated agent says in its turns, 8 kHz mono 16-bit, 200 ms lead silence.
#
# Needs espeak-ng and sox (Debian packages of those names) and node with the project's dev deps.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for tool in espeak-ng sox node; do
  command -v "$tool" >/dev/null || { echo "generate.sh: $tool not found" >&2; exit 1; }
done

# espeak voice and speed fixed so regeneration is stable.
speak() { # name text
  espeak-ng -v en-us -s 160 -w "$tmp/$1.raw.wav" "$2"
}

# sox: -D disables dither, so silence stays digital zero and files are reproducible;
# `silence 1 1s 0` drops leading exact-zero samples (done on both ends via reverse).
TRIM=(silence 1 1s 0 reverse silence 1 1s 0 reverse)

caller() { # name text
  speak "$1" "$2"
  sox -D "$tmp/$1.raw.wav" -b 16 -c 1 "$here/$1.wav" "${TRIM[@]}" pad 0.3 0.2
}

caller caller-order-status "Hello, I would like to check my order status."
caller caller-order-number "Yes, the order number is four five six."
caller caller-goodbye "Thank you, goodbye."

speak agent-greeting "Hi, thanks for calling. How can I help you today?"
sox -D "$tmp/agent-greeting.raw.wav" -b 16 -c 1 -r 8000 "$here/agent-greeting.wav" "${TRIM[@]}" pad 0.2 0.3
sox -D "$here/agent-greeting.wav" -r 8000 -c 1 -t ul "$here/agent-greeting.ul"

agent_reply() { # name text
  speak "$1" "$2"
  sox -D "$tmp/$1.raw.wav" -b 16 -c 1 -r 8000 "$here/$1.wav" "${TRIM[@]}" pad 0.2 0.3
}
agent_reply agent-reply-order "Let me check that for you. Your order shipped yesterday."
agent_reply agent-reply-goodbye "You are welcome. Have a great day!"

# The text of each file is passed on so the manifest can record it.
cd "$here/.."
node --import tsx audio-fixtures/manifest.ts \
  "caller-order-status.wav|caller|Hello, I would like to check my order status." \
  "caller-order-number.wav|caller|Yes, the order number is four five six." \
  "caller-goodbye.wav|caller|Thank you, goodbye." \
  "agent-greeting.wav|agent|Hi, thanks for calling. How can I help you today?" \
  "agent-reply-order.wav|agent|Let me check that for you. Your order shipped yesterday." \
  "agent-reply-goodbye.wav|agent|You are welcome. Have a great day!"
