// SIPp XML scenarios: parse (with positions), keywords, and a load run over one shared SIP transport.
export { readXml, LineIndex, type XmlAttribute, type XmlElement, type XmlNode, type XmlPosition, type XmlProblem, type XmlText } from './xmlReader.js';
export { parseSippScenario, SippScenarioError, offsetPosition } from './parseSippScenario.js';
export type { SippScenario, SippCommand, SendCommand, RecvCommand, PauseCommand, NopCommand, LabelCommand, MediaAction, SourceAt } from './sippScenario.js';
export { scanKeywords, classifyKeyword, SIMPLE_KEYWORDS, type Keyword, type KeywordToken, type SimpleKeyword } from './sippKeywords.js';
export { buildSippMessage, type KeywordValues } from './buildSippMessage.js';
export { parseInjectionFile, injectionRecord, type InjectionFile, type InjectionOrder } from './injectionFile.js';
export { readPcapRtp, type PcapRtpPacket } from './pcapAudio.js';
export { resolveSippRunOptions, parseSippTarget, type SippRunOptions, type ResolvedSippRunOptions } from './sippRunOptions.js';
export { runSippScenario, type SippRunDeps } from './runSippScenario.js';
export { SippCall, type SippCallContext, type SippCallHooks } from './sippCall.js';
export { SippCallHub, type SippCallHubOptions } from './sippCallHub.js';
export type { SippCallMedia, SippMediaFactory } from './sippCallMedia.js';
export { createSippMediaFactory, loadSippMediaFiles, resolveMediaPath, type SippMediaFiles, type SippMediaOptions, type SippMediaPorts } from './sippMedia.js';
export { summarizeSippRun } from './summarizeSippRun.js';
export { formatSippCall, formatSippSummary } from './formatSippRun.js';
export type { SippCallResult, SippFailureCode, SippRunResult, SippRunSummary } from './sippResult.js';
