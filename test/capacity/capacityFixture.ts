import type { CapacityResult, CapacitySettings } from '../../src/capacity/capacityTypes.js';

/** A finished search: capacity 40, broke at 45 on TTFA. */
export const RESULT: CapacityResult = {
  by: 'concurrency',
  effectiveCapacity: 40,
  breakingLevel: 45,
  firstBrokenSlo: { source: 'ttfa_ms: p(95)<1200', limit: 1200, actual: 1530 },
  stopReason: 'resolved',
  levels: [
    { level: 10, phase: 'ramp', passed: true, collapsed: false, failureRate: 0, brokenSlos: [] },
    { level: 50, phase: 'ramp', passed: false, collapsed: false, failureRate: 0.004, brokenSlos: ['ttfa_ms: p(95)<1200'] },
    { level: 40, phase: 'refine', passed: true, collapsed: false, failureRate: 0, brokenSlos: [] },
    { level: 45, phase: 'refine', passed: false, collapsed: false, failureRate: 0.002, brokenSlos: ['ttfa_ms: p(95)<1200'] },
  ],
  hint: { component: 'STT/LLM/TTS queueing', signal: 'ttfa_ms', fromLevel: 40, evidence: 'ttfa_ms p95 rose 2.3x from level 10 to 45 (past 1.5x from level 40)' },
};
export const PARTS: { version: string; settings: CapacitySettings; slos: string[] } = {
  version: '0.1.0',
  settings: { by: 'concurrency', start: 10, ramp: { kind: 'factor', factor: 5 }, max: 200, resolution: 5 },
  slos: ['ttfa_ms: p(95)<1200'],
};
