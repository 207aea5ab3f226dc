/**
 * Upper tail of the standard normal, P(Z > z), via erfc. The rational Chebyshev fit of erfc
 * (Numerical Recipes' `erfcc`) has a fractional error below 1.2e-7 everywhere, so tiny
 * p-values keep their magnitude instead of rounding to 0 as 1 − Φ(z) would.
 */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}
