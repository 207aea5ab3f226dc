// Conversation scenarios: YAML schema, validation with positioned problems, lint warnings.
export * from './scenario.js';
export { parseScenario, SCENARIO_PASSWORD_ENV } from './parseScenario.js';
export { loadScenario } from './loadScenario.js';
export { lintScenario } from './lintScenario.js';
export { validateScenario, findExecutable, TTS_COMMAND, type ScenarioValidation } from './validateScenario.js';
export { ScenarioError, type ScenarioProblem } from './scenarioError.js';
export { parseTemplate, renderTemplate, templateNames, BUILTIN_TEMPLATE_NAMES, type Template, type TemplatePart } from './template.js';
export { parseCsv, type CsvTable } from './parseCsv.js';
