// Inline SVG charts for the portfolio pages: bars with a title and description (role="img"),
// always shown beside a table of the same figures. Pure geometry; the view draws it.
import type { Band } from '../../domain/portfolio/dora.ts';

export interface Chart {
  id: string;
  title: string;
  desc: string;
  width: number;
  height: number;
  bars: { x: number; y: number; w: number; h: number; label: string; text: string }[];
  axis: { y: number; text: string }[];
  labels: { x: number; text: string }[];
  baseline: number;
  /** The figures, for the table that goes with the chart. */
  rows: { label: string; text: string }[];
}

const nice = (max: number): number => {
  if (max <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(max)));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p;
};

/**
 * A bar chart of `values` (null: no data, drawn as nothing and written as "no data") labelled
 * `labels`; `format` writes a value for the table and the axis.
 */
export function barChart(
  id: string,
  title: string,
  labels: string[],
  values: (number | null)[],
  format: (v: number) => string,
): Chart {
  const width = 640;
  const height = 220;
  const left = 56;
  const bottom = 36;
  const top = 10;
  const plotH = height - bottom - top;
  const max = nice(Math.max(0, ...values.map((v) => v ?? 0)));
  const step = (width - left - 8) / Math.max(1, labels.length);
  const w = Math.max(2, step * 0.7);
  const every = Math.ceil(labels.length / 12);
  const shown = values.filter((v): v is number => v !== null);
  const lo = shown.length ? Math.min(...shown) : null;
  const hi = shown.length ? Math.max(...shown) : null;
  return {
    id,
    title,
    desc:
      lo === null
        ? `${title}: no data in this period.`
        : `${title}, ${labels[0]} to ${labels.at(-1)}: from ${format(lo)} to ${format(hi!)}; the latest is ${values.at(-1) === null || values.at(-1) === undefined ? 'no data' : format(values.at(-1)!)}. The table below gives every figure.`,
    width,
    height,
    baseline: top + plotH,
    bars: values.flatMap((v, i) => {
      if (v === null) return [];
      const h = Math.max(v > 0 ? 1 : 0, (v / max) * plotH);
      return [
        {
          x: left + i * step + (step - w) / 2,
          y: top + plotH - h,
          w,
          h,
          label: labels[i]!,
          text: format(v),
        },
      ];
    }),
    axis: [0, 0.5, 1].map((f) => ({ y: top + plotH - f * plotH, text: format(max * f) })),
    labels: labels
      .map((text, i) => ({ x: left + i * step + step / 2, text }))
      .filter((_, i) => i % every === 0),
    rows: labels.map((label, i) => ({
      label,
      text: values[i] === null || values[i] === undefined ? 'no data' : format(values[i]),
    })),
  };
}

export const BAND_LABELS: Record<Band, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const BAND_TAGS: Record<Band, string> = {
  elite: 'govuk-tag--green',
  high: 'govuk-tag--turquoise',
  medium: 'govuk-tag--yellow',
  low: 'govuk-tag--red',
};

export const hours = (h: number): string =>
  h < 1
    ? `${Math.round(h * 60)} min`
    : h < 48
      ? `${h.toFixed(1)} h`
      : `${(h / 24).toFixed(1)} days`;
export const percent = (x: number): string => `${(x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0)}%`;
export const perWeek = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)} a week`;
export const count = (x: number): string => String(Math.round(x));
export const pounds = (x: number): string =>
  `£${x.toLocaleString('en-GB', { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;
