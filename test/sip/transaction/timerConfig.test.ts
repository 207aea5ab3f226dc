import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TIMER_CONFIG, resolveTimers } from '../../../src/sip/transaction/timerConfig.js';

const opts = { timeout: 5000 };

test('timers derive from T1/T2/T4 as RFC 3261 Table 4 says', opts, () => {
  for (const cfg of [DEFAULT_TIMER_CONFIG, { t1Ms: 100, t2Ms: 1000, t4Ms: 1500 }, { t1Ms: 2000, t2Ms: 8000, t4Ms: 5000 }]) {
    const t = resolveTimers(cfg);
    assert.equal(t.timerAMs, cfg.t1Ms);
    assert.equal(t.timerEMs, cfg.t1Ms);
    assert.equal(t.timerGMs, cfg.t1Ms);
    for (const k of ['timerBMs', 'timerFMs', 'timerHMs', 'timerJMs', 'timerLMs', 'timerMMs'] as const) assert.equal(t[k], 64 * cfg.t1Ms, k);
    assert.equal(t.timerIMs, cfg.t4Ms);
    assert.equal(t.timerKMs, cfg.t4Ms);
    assert.equal(t.timerDMs, Math.max(32_000, 64 * cfg.t1Ms), 'Timer D: at least 32 s');
  }
});

test('partial overrides keep the other defaults, bad values are refused', opts, () => {
  const t = resolveTimers({ t1Ms: 250 });
  assert.equal(t.t2Ms, DEFAULT_TIMER_CONFIG.t2Ms);
  assert.equal(t.t4Ms, DEFAULT_TIMER_CONFIG.t4Ms);
  assert.throws(() => resolveTimers({ t1Ms: 0 }), RangeError);
  assert.throws(() => resolveTimers({ t2Ms: Number.NaN }), RangeError);
});
