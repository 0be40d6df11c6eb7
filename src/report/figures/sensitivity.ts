import { METHODS, type Sensitivity } from '../sources/sensitivity.js';
import type { Figure } from './figure.js';

/**
 * The sensitivity indices of `sapient analyze`, with their intervals: one panel per output,
 * one row per parameter. Which indices depends on the design's method.
 */
export function sensitivityFigure(all: Sensitivity): Figure {
  // Indices analyze left empty (undefined for an output that does not vary) are not drawn.
  const drawn = METHODS[all.method].columns.filter((c) => !c.endsWith('_conf') && !c.includes('_ci_'));
  const sensitivity = { ...all, rows: all.rows.filter((r) => drawn.every((c) => r.values.get(c) !== null)) };
  const outputs = [...new Set(sensitivity.rows.map((r) => r.output))];
  const parameters = [...new Set(sensitivity.rows.map((r) => r.parameter))];
  const v = (row: Sensitivity['rows'][number], c: string) => row.values.get(c) ?? null;
  const height = Math.max(60, 22 * parameters.length);
  const facet = { row: { field: 'output', type: 'nominal', title: null, sort: outputs, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } } as const;
  const y = { field: 'parameter', type: 'nominal', title: null, sort: parameters } as const;

  if (sensitivity.method === 'prcc') {
    const values = sensitivity.rows.map((r) => ({ output: r.output, parameter: r.parameter, value: v(r, 'prcc'), low: v(r, 'prcc_ci_low'), high: v(r, 'prcc_ci_high'), p: v(r, 'p_value') }));
    return {
      id: 'sweep-sensitivity',
      title: 'Sensitivity: partial rank correlation of each output with each parameter',
      caption:
        'PRCC (Marino et al. 2008): the rank correlation of an output with a parameter once the other parameters’ linear (rank) effects are removed, from -1 to 1, ' +
        'with its 95% interval. An interval that crosses 0 says the sweep cannot tell the sign. Read from sensitivity.csv (sapient analyze).',
      spec: {
        data: { values },
        facet,
        spec: {
          width: 420,
          height,
          layer: [
            { mark: { type: 'rule', color: '#888888' }, encoding: { x: { datum: 0 } } },
            { mark: { type: 'rule', strokeWidth: 2, color: '#1f5f99' }, encoding: { y, x: { field: 'low', type: 'quantitative', title: 'PRCC', scale: { domain: [-1, 1] } }, x2: { field: 'high' } } },
            { mark: { type: 'point', filled: true, size: 50, color: '#1f5f99' }, encoding: { y, x: { field: 'value', type: 'quantitative' } } },
          ],
        },
      },
    };
  }

  if (sensitivity.method === 'sobol') {
    const values = sensitivity.rows.flatMap((r) =>
      (['S1', 'ST'] as const).map((index) => {
        const value = v(r, index) as number;
        const conf = v(r, `${index}_conf`) ?? 0;
        return { output: r.output, parameter: r.parameter, index: index === 'S1' ? 'first order (S1)' : 'total (ST)', value, low: value - conf, high: value + conf };
      }),
    );
    const byIndex = { yOffset: { field: 'index', type: 'nominal' }, color: { field: 'index', type: 'nominal', title: null, scale: { range: ['#e08214', '#1f5f99'] } } } as const;
    return {
      id: 'sweep-sensitivity',
      title: 'Sensitivity: Sobol indices of each output',
      caption:
        'S1: the share of the output’s variance due to the parameter alone; ST: due to the parameter with all its interactions (Saltelli 2010, Jansen). ' +
        'Bars: the 95% bootstrap interval (index ± conf). ST well above S1 marks interactions; both near 0, a parameter that does not matter. Read from sensitivity.csv (sapient analyze).',
      spec: {
        data: { values },
        facet,
        spec: {
          width: 420,
          height: height * 1.6,
          encoding: { y },
          layer: [
            { mark: { type: 'rule', color: '#888888' }, encoding: { x: { datum: 0 } } },
            { mark: { type: 'rule', strokeWidth: 2 }, encoding: { ...byIndex, x: { field: 'low', type: 'quantitative', title: 'index' }, x2: { field: 'high' } } },
            { mark: { type: 'point', filled: true, size: 45 }, encoding: { ...byIndex, x: { field: 'value', type: 'quantitative' } } },
          ],
        },
      },
    };
  }

  const values = sensitivity.rows.map((r) => {
    const star = v(r, 'mu_star') as number;
    const conf = v(r, 'mu_star_conf') ?? 0;
    return { output: r.output, parameter: r.parameter, mu_star: star, sigma: v(r, 'sigma'), low: star - conf, high: star + conf };
  });
  return {
    id: 'sweep-sensitivity',
    title: 'Sensitivity: Morris elementary effects',
    caption:
      'μ*: the mean absolute elementary effect of the parameter on the output (its importance), with its 95% bootstrap interval; σ: their standard deviation ' +
      '(non-linear effects or interactions). Parameters near the origin do not matter; far right, they do; high σ/μ*, they interact (Morris 1991, Campolongo et al. 2007). Read from sensitivity.csv (sapient analyze).',
    spec: {
      data: { values },
      facet: { column: { ...facet.row, header: undefined } },
      spec: {
        width: 300,
        height: 220,
        layer: [
          { mark: { type: 'rule', strokeWidth: 1.5, color: '#1f5f99' }, encoding: { x: { field: 'low', type: 'quantitative', title: 'μ*' }, x2: { field: 'high' }, y: { field: 'sigma', type: 'quantitative', title: 'σ' } } },
          { mark: { type: 'point', filled: true, size: 45, color: '#1f5f99' }, encoding: { x: { field: 'mu_star', type: 'quantitative' }, y: { field: 'sigma', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dx: 6, fontSize: 10 }, encoding: { x: { field: 'mu_star', type: 'quantitative' }, y: { field: 'sigma', type: 'quantitative' }, text: { field: 'parameter' } } },
        ],
      },
    },
  };
}
