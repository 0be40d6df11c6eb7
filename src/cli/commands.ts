import { Command } from '@commander-js/extra-typings';
import { join } from 'node:path';
import { DEFAULT_BOOTSTRAP } from '../analysis/defaults.js';
import { DEFAULT_SCENARIO, SCENARIOS_DIR } from '../config/shipped.js';
import { PACKAGE_ROOT } from '../version.js';
import { defaultWorkers } from '../workers/threads.js';
import { action, shownPath } from './common.js';

/**
 * Every command: its arguments, flags and help, which is all `sapient --help` and a bad
 * flag need. Each action loads its command's module when the command runs, so that a
 * command pays only for what it uses (report's figures take vega; run takes the schema and
 * the simulator; --help takes neither).
 */

/** Accumulates a repeatable option (`--set a=1 --set b=2`). */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function runCommand() {
  return new Command('run')
    .description('Run one scenario with one seed and write its timeline, summary and manifest.')
    .argument('[scenario]', `a scenario file, or the name of a shipped scenario (default: baseline)`)
    .option('--seed <n>', "the run's seed (overrides the scenario's seed)")
    .option('--ticks <n>', 'the number of ticks (overrides the scenario)')
    .option('--set <path=value>', 'override a parameter; repeatable', collect)
    .option('-o, --out <dir>', 'output directory (default: results/<scenario>-seed<seed>, made fresh)')
    .option('-f, --force', 'allow an --out that already holds files (our three files in it are replaced, a report drawn from them removed; never a sweep\'s directory)')
    .option('-q, --quiet', 'print nothing on success')
    .addHelpText(
      'after',
      `
Parameters: docs/MODEL.md lists every parameter path with its default, unit and
range (${join(PACKAGE_ROOT, 'docs', 'MODEL.md')}).
A --set value is read as in a scenario file: 2, 0.5, true, grid, [0, 1].

Outputs, in the output directory:
  timeline.csv   one row per sample (tick 0, every sampleEvery ticks, the last tick)
  summary.csv    one row: takeoff, final and peak values, throughput
  manifest.json  version, git commit, command, resolved parameters, seed, catalogue

Without --out, results go to results/<scenario>-seed<seed> under the current directory,
or to the next free -2, -3... : an earlier run is never overwritten. An --out that
already holds files is refused unless --force is given, and a sweep's directory even
with it, as is one another run or a sweep is writing (its lock, sweep.lock).

Ctrl-C or SIGTERM stops the run and keeps its timeline so far; manifest.json then says
"status": "interrupted" and the tick reached. A world that would not fit in memory is
refused before anything runs (SAPIENT_MEMORY=8G sets the memory sapient may use).

Examples:
  $ sapient run                                   # the shipped baseline scenario
  $ sapient run baseline --seed 7 --ticks 20000
  $ sapient run my.yaml --set population.bands=40 --set migration.migrationRate=0.01
  $ sapient run baseline --set distillation.enabled=false --out results/no-language
  $ sapient run baseline --set skills.boostScale=0 --seed 3 --quiet`,
    )
    .action(action(async (scenario, options) => (await import('./run.js')).runScenario(scenario, options)));
}

function validateCommand() {
  return new Command('validate')
    .description('Check a scenario file, with any overrides, or a sweep file (every point of it), without running it.')
    .argument('<file>', 'a scenario or sweep file, or the name of a shipped scenario or sweep')
    .option('--set <path=value>', 'override a parameter; repeatable', collect)
    .option('--seed <n>', 'override the seed')
    .option('--ticks <n>', 'override the number of ticks')
    .addHelpText(
      'after',
      `
Every problem is reported, one line each, with the file and line or the flag it comes
from; the exit code is 0 when the file is valid and 2 when it is not. A sweep file is
recognised by its keys (scenario:, replicates:, vary:, sample:...): its scenario and
every point of its design are checked, as sapient sweep would before running.

Examples:
  $ sapient validate my-scenario.yaml
  $ sapient validate baseline --set population.bands=40 --set migration.topology=grid
  $ sapient validate my-sweep.yaml
  $ sapient validate population-size`,
    )
    .action(action(async (file, options) => (await import('./validate.js')).validate(file, options)));
}

function scenariosCommand() {
  return new Command('scenarios')
    .description('List the scenarios and sweeps shipped with sapient, with what each shows.')
    .addHelpText(
      'after',
      `
The files are in ${SCENARIOS_DIR}. A shipped scenario can be named instead of given as a file.

Examples:
  $ sapient scenarios
  $ sapient run baseline --seed 7
  $ sapient validate baseline
  $ cp ${shownPath(DEFAULT_SCENARIO)} my.yaml   # a starting point for your own`,
    )
    .action(action(async () => (await import('./scenarios.js')).listShipped()));
}

function sweepCommand() {
  return new Command('sweep')
    .description('Run every point and replicate of a sweep file on worker threads; write timelines, summaries and per-point statistics.')
    .argument('<sweep>', 'a sweep file, or the name of a shipped sweep')
    .option('-w, --workers <n>', `worker threads (default: ${defaultWorkers()}, the available parallelism)`)
    .option('-o, --out <dir>', 'output directory (default: results/<sweep>, made fresh; with --resume, exactly results/<sweep>)')
    .option('--resume', 'finish the sweep recorded in --out: completed runs are kept, the others run (starts it if --out is empty)')
    .option('--shard <i/n>', 'run only the i-th of n parts of the sweep (i from 0); combine the parts with sapient merge')
    .option('--ticks <n>', 'the number of ticks of every run (as set: ticks: N in the sweep file)')
    .option('--set <path=value>', 'override a parameter of every run, as set: in the sweep file; repeatable', collect)
    .option('-f, --force', 'start afresh in an --out that already holds files (replacing the sweep files in it, removing the indices and report drawn from them)')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      `
Outputs, in the output directory (README.md, section Sweeps, describes every column):
  timeline.csv    one row per run and sample: run_id, point_id, replicate, seed, the
                  point's parameters, then the timeline columns of sapient run
  summary.csv     one row per run: the same key columns, then the summary columns
  points.csv      one row per point: runs, failures, mean, sd and 95% interval of the
                  main figures, share of runs that took off, Kaplan-Meier medians
                  (not written by a shard)
  survival.csv    per point, the Kaplan-Meier curve of the takeoff year (runs without
                  a takeoff censored at their length); survival-t25.csv and
                  survival-t75.csv the same for L >= 0.25 and L >= 0.75
  failures.csv    runs that threw: point, replicate, seed and the error
  manifest.json   the design (every point and seed), version, git commit, times, workers
  scenario.json   the scenario every run starts from: a run is repeated alone by
                  sapient run scenario.json --seed <seed> --set <path>=<value>...

The tables are byte-identical whatever --workers is (apart from wall_* columns).
Ctrl-C stops at once and keeps every finished run; --resume finishes the rest, also after
a killed process or an error (a full disk: the manifest says "failed"), and the files end
exactly as if nothing had happened. One sweep or run at a time writes in a directory (its
sweep.lock): another is refused.

Exit codes: 0 done, 1 internal error or a write the system refused (a full disk; the
runs recorded are kept, and the command that finishes them is printed), 2 bad input
(nothing run), 3 some runs failed (failures.csv), 130 interrupted by Ctrl-C (143 by
SIGTERM).

Examples:
  $ sapient sweep population-size --workers 8
  $ sapient sweep population-size --ticks 5000 --out results/quick   # a shipped sweep, tried quickly
  $ sapient sweep my-sweep.yaml --out results/my-sweep --resume
  $ sapient sweep my-sweep.yaml --shard 3/10 --out results/my-sweep-3   # one machine of ten
  $ sapient merge results/my-sweep-* --out results/my-sweep
  $ sapient analyze results/my-sweep                # sensitivity indices
  $ sapient report results/my-sweep                 # figures in results/my-sweep/report.html`,
    )
    .action(action(async (file, options) => (await import('./sweep.js')).sweep(file, options)));
}

function mergeCommand() {
  return new Command('merge')
    .description('Combine the shard directories of one sweep (sapient sweep --shard i/n) into the files one machine would have written.')
    .argument('<dirs...>', 'the output directories of all n shards, each finished')
    .requiredOption('-o, --out <dir>', 'the directory for the merged sweep')
    .option('-f, --force', 'write into an --out that already holds files (replacing the sweep files in it, removing the indices and report drawn from them)')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      `
The merged timeline.csv, summary.csv, failures.csv, points.csv and survival tables are
byte-identical to those of the same sweep run on one machine (apart from wall_* columns). Shards of
different sweeps, a shard given twice, a missing or unfinished shard are refused, and
nothing is written.

Exit codes: 0 done, 2 bad input (nothing written), 3 the merged sweep has failed runs
(failures.csv; the merged files are written all the same).

Examples:
  $ sapient merge results/my-sweep-0 results/my-sweep-1 results/my-sweep-2 --out results/my-sweep
  $ sapient merge results/my-sweep-shard*of4 --out results/my-sweep`,
    )
    .action(action(async (dirs, options) => (await import('./merge.js')).merge(dirs, options)));
}

function analyzeCommand() {
  return new Command('analyze')
    .description("Sensitivity indices from a finished sweep's files: which parameters the outputs depend on.")
    .argument('<dir>', 'the output directory of a finished sweep, or of sapient merge')
    .option('--output <column>', 'a numeric column of summary.csv to analyse; repeatable (default: the figures of points.csv)', collect)
    .option('--bootstrap <n>', `bootstrap resamples of the Sobol and Morris intervals (default ${DEFAULT_BOOTSTRAP})`)
    .option('--seed <n>', "seed of the bootstrap (default: the sweep's root seed)")
    .option('-f, --force', 'replace the indices of an earlier analysis made with other options')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      `
The sweep's design decides the indices (README.md, section Sensitivity analysis):
  saltelli   sensitivity.csv: output, parameter, S1, S1_conf, ST, ST_conf (first and
             total order, with 95% bootstrap half-widths); with secondOrder: true also
             sensitivity-s2.csv: output, parameter_1, parameter_2, S2, S2_conf
  morris     sensitivity.csv: output, parameter, mu, mu_star, sigma, mu_star_conf
  lhs, sobol, or a vary: grid
             sensitivity.csv: output, parameter, prcc, prcc_ci_low, prcc_ci_high, p_value
Replicates are averaged per point; sensitivity-outputs.csv says, per output, how many
points entered the indices and the share of the variance that is replicate noise.
The same directory, outputs, --bootstrap and --seed give the same bytes.

Exit codes: 0 done, 2 bad input (nothing written).

Examples:
  $ sapient sweep henrich-saltelli --out results/henrich-saltelli
  $ sapient analyze results/henrich-saltelli --output final_mean_level
  $ sapient analyze results/sensitivity --output takeoff_year --output final_lexicon_shared
  $ sapient report results/henrich-saltelli        # the indices drawn with their intervals`,
    )
    .action(action(async (dir, options) => (await import('./analyze.js')).analyze(dir, options)));
}

function reportCommand() {
  return new Command('report')
    .description("Write one self-contained HTML page of figures and tables from a run's or a sweep's output directory.")
    .argument('<dir>', 'the output directory of sapient run, sapient sweep (or a shard of it), or sapient merge')
    .option('-o, --out <file>', 'the HTML file to write (default: report.html in <dir>)')
    .option('-f, --force', 'replace the file if it exists (without it, an existing report is never overwritten)')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      `
A run's report: L(t) = lexicon_shared / K with the 0.25 and 0.75 lines and the times of
the stasis' end, the takeoff and L = 0.75; a close-up of a rise too quick to see there;
mean mastered and skills present; each
channel's events per gain over time. Time is in years, or in generations where a tick
is one (demography: generational).

A sweep's report: per point, the median and 10-90% band of L(t) over replicates; the
Kaplan-Meier curves of the takeoff and of the end of the stasis (from survival.csv and
survival-t25.csv, or estimated from summary.csv when they are absent); takeoff time and
stasis against each parameter; a heatmap of the median stasis when two parameters are
varied on a grid; the sensitivity indices of sensitivity.csv (sapient analyze) with their
intervals and the outputs' replicate noise; the provenance (version, commit, sweep file,
seeds, the command that repeats one run).

The page loads nothing: its figures are SVG drawn here, its style is inline, it has no
script. timeline.csv is streamed, so memory does not grow with the number of runs.

Exit codes: 0 done, 1 internal error or a write the system refused (a full disk), 2 bad
input (a directory sapient did not write, a malformed table, an existing report without
--force; nothing is written).

Examples:
  $ sapient report results/baseline-seed1
  $ sapient report results/population-size
  $ sapient report results/population-size --out population-size.html --force`,
    )
    .action(action(async (dir, options) => (await import('./report.js')).report(dir, options)));
}

export function commands() {
  return [runCommand(), validateCommand(), scenariosCommand(), sweepCommand(), mergeCommand(), analyzeCommand(), reportCommand()];
}
