import { describe, expect, it } from 'vitest';
import { duration, type ProgressStream, startProgress } from '../src/cli/progress.js';

/** A stand-in for stderr that keeps what is written, and a clock the test moves by hand. */
function fakes(isTTY: boolean) {
  const stream: ProgressStream & { text: string } = { isTTY, columns: 200, text: '', write: (s: string) => (stream.text += s) };
  const clock = { t: 0, now: () => clock.t };
  return { stream, clock };
}

describe('progress', () => {
  it('shows nothing with --quiet, even on a terminal', () => {
    const { stream, clock } = fakes(true);
    const p = startProgress({ total: 100, unit: 'ticks', label: 'x', quiet: true, stream, now: clock.now, showAfter: 0 });
    clock.t = 5000;
    p.update(50);
    p.stop();
    expect(stream.text).toBe('');
  });

  it('off a terminal, shows nothing unless plain lines are asked for', () => {
    const { stream, clock } = fakes(false);
    const p = startProgress({ total: 100, unit: 'ticks', label: 'x', stream, now: clock.now });
    clock.t = 60_000;
    p.update(50);
    p.stop();
    expect(stream.text).toBe('');
  });

  it('off a terminal, prints a plain line at most every plainEvery ms, with failures and ETA', () => {
    const { stream, clock } = fakes(false);
    const p = startProgress({ total: 40, unit: 'runs', label: 'sweep demography', stream, now: clock.now, plainEvery: 5000 });
    clock.t = 1000;
    p.update(1);
    expect(stream.text).toBe('');
    clock.t = 10_000;
    p.update(10, 2);
    clock.t = 12_000;
    p.update(12, 2);
    p.stop();
    expect(stream.text).toBe('sapient: sweep demography: 10/40 runs (25%), 2 failed, 10 s elapsed, ETA 30 s\n');
  });

  it('on a terminal, draws a bar only once the job has taken showAfter ms, and clears it at the end', () => {
    const { stream, clock } = fakes(true);
    const p = startProgress({ total: 100_000, unit: 'ticks', label: 'baseline (seed 1)', stream, now: clock.now, showAfter: 1000 });
    clock.t = 500;
    p.update(5000);
    expect(stream.text).toBe('');
    clock.t = 2000;
    p.update(20_000);
    expect(stream.text).toContain('baseline (seed 1) [');
    expect(stream.text).toContain('20% 20,000/100,000 ticks | 2.0 s elapsed | ETA 8.0 s');
    p.stop();
    // The bar's line is erased (ESC [2K) so that the run's report takes its place.
    expect(stream.text.endsWith('\x1B[2K')).toBe(true);
  });

  it('keeps the elapsed time on a terminal of 60 columns: the label and the bar go first', () => {
    const lineAt = (columns: number, label: string) => {
      const { stream, clock } = fakes(true);
      stream.columns = columns;
      const p = startProgress({ total: 36, unit: 'runs', label, stream, now: clock.now, showAfter: 0 });
      clock.t = 245_000;
      p.update(12);
      // The last line drawn, without the terminal's control sequences.
      const lines = stream.text.replace(/\x1B(\[[0-9;]*[A-Za-z]|[78])/g, '\n').split(/[\r\n]/).filter((l) => l.trim() !== '');
      p.stop();
      return lines.at(-1) as string;
    };
    for (const columns of [60, 80, 120]) {
      const line = lineAt(columns, 'population-size');
      expect(line.length, line).toBeLessThan(columns);
      expect(line).toContain('33% 12/36 runs | 4 min 05 s elapsed | ETA 8 min 10 s');
    }
    expect(lineAt(120, 'population-size')).toMatch(/^population-size \[/);
    expect(lineAt(80, 'population-size')).toMatch(/^\[/);
    expect(lineAt(60, 'population-size')).toBe('33% 12/36 runs | 4 min 05 s elapsed | ETA 8 min 10 s');
    // Narrower still, the time left stays.
    expect(lineAt(40, 'population-size')).toBe('33% 12/36 runs | ETA 8 min 10 s');
  });

  it('a job shorter than showAfter leaves no trace on a terminal', () => {
    const { stream, clock } = fakes(true);
    const p = startProgress({ total: 10, unit: 'ticks', label: 'x', stream, now: clock.now });
    clock.t = 900;
    p.update(10);
    p.stop();
    expect(stream.text).toBe('');
  });

  it('writes durations as people read them', () => {
    expect([0.043, 0.999, 9.8, 9.96, 42.4, 59.6, 245, 3599.6, 7620].map(duration)).toEqual([
      '0.04 s', '1.0 s', '9.8 s', '10 s', '42 s', '1 min 00 s', '4 min 05 s', '1 h 00 min', '2 h 07 min',
    ]);
  });
});
