import { VoiceloadError } from '../../core/errors.js';
import { normalSample, type Rng } from '../../core/rng.js';

/** A provider latency model: what one simulated STT/LLM/TTS call (or a dispatch) takes. */
export interface LatencyDistribution {
  readonly medianMs: number;
  readonly p95Ms: number;
  /** Mean of the distribution (what Little's law needs; above the median for a right-skewed latency). */
  readonly meanMs: number;
  sampleMs(rng: Rng): number;
}

/** z such that Φ(z) = 0.95 for the standard normal. */
export const Z_95 = 1.6448536269514722;

/**
 * Lognormal latency from its median and 95th percentile — the two numbers providers publish and
 * dashboards show. ln X ~ N(μ, σ²) with μ = ln median and σ = (ln p95 − ln median) / z₀.₉₅;
 * p95 == median degenerates to a fixed latency. Right skew with a long tail is what measured
 * STT/LLM/TTS latencies look like, and a lognormal is never negative.
 */
export function lognormalFromMedianP95(medianMs: number, p95Ms: number): LatencyDistribution {
  if (!Number.isFinite(medianMs) || !Number.isFinite(p95Ms) || medianMs <= 0 || p95Ms < medianMs) {
    throw new VoiceloadError('CONFIG', `invalid latency distribution: median ${medianMs} ms, p95 ${p95Ms} ms`, {
      hint: 'a latency needs 0 < median ≤ p95 (both finite, in milliseconds)',
    });
  }
  const mu = Math.log(medianMs);
  const sigma = (Math.log(p95Ms) - mu) / Z_95;
  if (sigma === 0) return fixedLatency(medianMs);
  return {
    medianMs,
    p95Ms,
    meanMs: Math.exp(mu + (sigma * sigma) / 2),
    sampleMs: (rng: Rng) => Math.exp(mu + sigma * normalSample(rng)),
  };
}

/** A latency that is always `ms` (draws nothing from the rng). */
export function fixedLatency(ms: number): LatencyDistribution {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new VoiceloadError('CONFIG', `invalid fixed latency: ${ms} ms`, { hint: 'a latency is a finite number of milliseconds ≥ 0' });
  }
  return { medianMs: ms, p95Ms: ms, meanMs: ms, sampleMs: () => ms };
}
