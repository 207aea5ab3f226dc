import type { CapacityDoc } from '../../capacity/capacityFile.js';
import type { TurnStageBreakdown } from '../../load/loadTypes.js';
import type { RecordingEntry } from '../../load/recordingSink.js';
import type { MetricHistograms } from '../../results/metricHistograms.js';
import type { RunSummaryDoc } from '../../results/runSummaryDoc.js';
import type { ScrapeRow } from '../../scrape/scrapeCsv.js';

/** One capacity step's summary (steps/level-N/step-summary.json), when the search kept it. */
export interface CapacityStepSummary {
  level: number;
  summary: RunSummaryDoc;
}

/** Everything the HTML report is built from: the files of one `--out` directory, already parsed. */
export interface ReportInputs {
  /** The directory, as given (shown in the report's title line). */
  dir: string;
  summary: RunSummaryDoc;
  /** timeline.csv as header names → cells per row; none when the file is absent. */
  timeline: Record<string, string>[] | null;
  histograms: MetricHistograms | null;
  /** ttfa_ms samples per turn index (0-based), null where no reply started, from calls.ndjson. */
  turnTtfaMs: (number | null)[][];
  /** `run --livekit`: each turn index's stage breakdowns (null where none was observed), from calls.ndjson. */
  turnStages?: (TurnStageBreakdown | null)[][];
  recordings: RecordingEntry[] | null;
  capacity: CapacityDoc | null;
  capacitySteps: CapacityStepSummary[];
  /** scrape.csv (`--scrape`), when the directory has one. */
  scrape?: ScrapeRow[];
  /** A capacity search's directory: the run part of the report is this step (its measured window in the cards). */
  runStep?: { level: number; dir: string };
}
