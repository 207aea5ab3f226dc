/** A uniform pseudo-random source on [0, 1). Seeded, so a simulation can be replayed exactly. */
export type Rng = () => number;

/**
 * sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator, from PractRand): 128 bits of state, a
 * counter that guarantees a period of at least 2^32, and good statistical quality for its size.
 * The seed is spread over the state and the first outputs are discarded, as the author recommends, so
 * nearby seeds (1, 2, 3…) give unrelated streams.
 */
export function createRng(seed: number): Rng {
  let a = 0x9e3779b9 ^ (seed >>> 0);
  let b = 0x243f6a88;
  let c = 0xb7e15162 ^ Math.imul(seed >>> 0, 0x85ebca6b);
  let d = Math.trunc(seed / 0x100000000) >>> 0; // high bits of seeds beyond 2^32
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 0x100000000;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/**
 * A new independent generator seeded from `rng`: one per simulated component (each stage, the
 * dispatcher) keeps their streams apart, so adding draws in one does not shift the others.
 */
export function forkRng(rng: Rng): Rng {
  return createRng(Math.floor(rng() * 0x100000000));
}

/** A standard normal draw (mean 0, variance 1) by the Box–Muller transform; uses two uniform draws. */
export function normalSample(rng: Rng): number {
  const u1 = 1 - rng(); // (0, 1]: ln(0) must never happen
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
