/**
 * sapient as a library: scenarios in, timelines and summaries out. Importing it has no side
 * effects; the command line (src/cli) is a thin layer over these functions.
 */
export { simulate, step, foundWorld, engineFor, engineOf, type Engine, type RunOptions, type Summary } from './sim/run.js';
export { createWorld, type World, type ChannelCounts } from './sim/world.js';
export { observe, type Sample, SAMPLE_COLUMNS, SERIES } from './sim/observe.js';
export { Rng, stream } from './sim/rng.js';
export { scenarioSchema, PARAMS, paramSpec, type ParamSpec, type Scenario, type ScenarioInput, type ScenarioEvent } from './config/schema.js';
export { loadScenario, validateScenario, parseSetFlag, defineScenario, type Override, type LoadedScenario } from './config/scenario.js';
export { scenarioNotes } from './config/notes.js';
export { readDocument, parseText, type SourceDocument } from './config/document.js';
export { InputError, formatProblem, inReadingOrder, type Problem } from './config/problems.js';
export { worldMemory, memoryBudget, runMemoryProblem, timelineRows, timelineBytes, type MemoryNeed, type MemoryBudget } from './config/memory.js';
export { TIMELINE_COLUMNS, SUMMARY_COLUMNS, cell, csvLine, timelineValues, summaryValues } from './io/records.js';
export { loadSweep, type Sweep } from './batch/sweep-file.js';
export { runSweep, type SweepOptions, type SweepProgress, type SweepResult } from './batch/sweep.js';
export { mergeShards, type MergeResult } from './batch/merge.js';
export { runSeed } from './batch/seeds.js';
export { analyzeSweep, type AnalyzeOptions, type AnalysisResult } from './analysis/analyze.js';
export { kaplanMeier, survivalMedian, type Observation, type SurvivalRow, type SurvivalMedian } from './analysis/survival.js';
export { sobolIndices, type SaltelliOutputs, type SobolIndices } from './analysis/sobol-indices.js';
export { elementaryEffects, morrisStatistics, type Trajectory, type MorrisStatistics } from './analysis/morris-effects.js';
export { partialRankCorrelations, type PartialCorrelation } from './analysis/prcc.js';
export { saltelliDesign, morrisDesign, latinHypercube } from './batch/design.js';
export { sobolPoints } from './batch/sobol.js';
