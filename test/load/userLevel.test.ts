import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStages } from '../../src/load/parseStages.js';
import { targetAt } from '../../src/load/targetAt.js';
import { nextUsersRise, usersAt, wholeUsers } from '../../src/load/userLevel.js';

test('usersAt rounds the ramp; without stages it is the users count for ever', () => {
  assert.equal(usersAt(undefined, 7, 0), 7);
  assert.equal(usersAt(undefined, 7, 1e9), 7);
  const stages = parseStages('10s:10,10s:0');
  for (let t = 0; t < 20_000; t += 250) assert.equal(usersAt(stages, 0, t), Math.round(targetAt(stages, 0, t) ?? 0), `t=${t}`);
  assert.equal(usersAt(stages, 0, 20_000), 0);
  assert.equal(wholeUsers(2.5), 3);
  assert.equal(wholeUsers(2.4999), 2);
});

test('nextUsersRise walks every rise of a ramp, including after a fall and at a jump', () => {
  const stages = parseStages('10s:10,10s:0,10s:4,0s:9,5s:9');
  const rises: { atMs: number; users: number }[] = [];
  for (let r = nextUsersRise(stages, 0, 0); r !== undefined; r = nextUsersRise(stages, 0, r.atMs)) rises.push(r);
  // Ground truth by brute force: scan the ramp in 1 ms steps for each change of the rounded count upwards.
  const truth: { atMs: number; users: number }[] = [];
  let prev = usersAt(stages, 0, 0);
  for (let t = 1; t < 35_000; t++) {
    const u = usersAt(stages, 0, t);
    if (u > prev) truth.push({ atMs: t, users: u });
    prev = u;
  }
  assert.equal(rises.length, truth.length);
  rises.forEach((r, i) => {
    const want = truth[i];
    assert.ok(want !== undefined);
    assert.equal(r.users, want.users);
    assert.ok(r.atMs <= want.atMs && want.atMs - r.atMs < 1, `rise ${i}: ${r.atMs} vs scan ${want.atMs}`);
  });
  assert.equal(nextUsersRise(undefined, 5, 0), undefined);
});
