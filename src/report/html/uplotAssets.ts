import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { VoiceloadError } from '../../core/errors.js';

/** uPlot's browser build and stylesheet, to inline into the report (no network at view time). */
export interface ChartAssets {
  js: string;
  css: string;
}

/** Reads uPlot from node_modules (the `uplot` dependency); INTERNAL error when it is not installed. */
export function readUplotAssets(): ChartAssets {
  const require = createRequire(import.meta.url);
  try {
    return {
      js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  } catch (cause) {
    throw new VoiceloadError('INTERNAL', `cannot read the chart library uPlot: ${(cause as Error).message}`, { cause, hint: 'reinstall voiceload (npm ci): the uplot package is missing' });
  }
}
