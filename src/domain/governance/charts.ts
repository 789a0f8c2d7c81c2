// Geometry for the accessible SVG charts the pages draw: the risk heat map and the dashboard's
// trend lines. Pure functions; the templates add role="img", <title>, <desc>, text labels and a
// table alternative.
import { addDays } from './common.ts';
import type { HeatCell, Rating } from './risk.view.ts';
import { IMPACT_LABELS, LIKELIHOOD_LABELS } from './risk.view.ts';

/** Fills with dark text on top (contrast above 4.5:1), never colour alone: each cell is labelled. */
export const RATING_FILL: Record<Rating, string> = {
  low: '#cce2d8',
  medium: '#fff7bf',
  high: '#fcd6c3',
  'very high': '#f4cdc6',
};

export interface HeatMapSvg {
  width: number;
  height: number;
  cells: {
    x: number;
    y: number;
    w: number;
    h: number;
    fill: string;
    count: number;
    rating: Rating;
    cx: number;
    cy: number;
  }[];
  rows: { y: number; label: string }[];
  cols: { x: number; label: string }[];
  title: string;
  desc: string;
}

export function heatMapSvg(grid: HeatCell[][]): HeatMapSvg {
  const left = 130;
  const top = 10;
  const w = 92;
  const h = 56;
  const cells = grid.flatMap((row, r) =>
    row.map((c, i) => ({
      x: left + i * w,
      y: top + r * h,
      w,
      h,
      fill: RATING_FILL[c.rating],
      count: c.refs.length,
      rating: c.rating,
      cx: left + i * w + w / 2,
      cy: top + r * h + h / 2,
    })),
  );
  const total = cells.reduce((n, c) => n + c.count, 0);
  const by = (rt: Rating) => cells.filter((c) => c.rating === rt).reduce((n, c) => n + c.count, 0);
  return {
    width: left + 5 * w + 10,
    height: top + 5 * h + 50,
    cells,
    rows: grid.map((row, r) => ({
      y: top + r * h + h / 2,
      label: `${row[0]!.likelihood} ${LIKELIHOOD_LABELS[row[0]!.likelihood - 1]}`,
    })),
    cols: IMPACT_LABELS.map((label, i) => ({
      x: left + i * w + w / 2,
      label: `${i + 1} ${label}`,
    })),
    title: 'Risk heat map: open risks by likelihood and impact',
    desc: `${total} open risk${total === 1 ? '' : 's'}: ${by('very high')} very high, ${by('high')} high, ${by('medium')} medium, ${by('low')} low. Likelihood runs up, impact across. The table below lists each cell.`,
  };
}

export interface LineChartSvg {
  width: number;
  height: number;
  path: string;
  dots: { x: number; y: number }[];
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
  plot: { left: number; top: number; right: number; bottom: number };
  title: string;
  desc: string;
}

const shortDay = (d: string): string =>
  new Date(`${d}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });

/** A line over the days from `from` to `to`; gaps where no value was recorded. */
export function lineChart(
  points: { day: string; value: number | null }[],
  o: { from: string; to: string; unit: 'share' | 'count'; title: string },
): LineChartSvg {
  const plot = { left: 56, top: 12, right: 580, bottom: 150 };
  const days = Math.max(
    1,
    Math.round((Date.parse(`${o.to}T00:00:00Z`) - Date.parse(`${o.from}T00:00:00Z`)) / 86_400_000),
  );
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const max = o.unit === 'share' ? 1 : Math.max(1, ...values);
  const x = (day: string): number =>
    plot.left +
    ((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${o.from}T00:00:00Z`)) / 86_400_000 / days) *
      (plot.right - plot.left);
  const y = (v: number): number => plot.bottom - (v / max) * (plot.bottom - plot.top);
  let path = '';
  let pen = false;
  const dots: { x: number; y: number }[] = [];
  for (const p of points) {
    if (p.value === null) {
      pen = false;
      continue;
    }
    const px = Math.round(x(p.day) * 10) / 10;
    const py = Math.round(y(p.value) * 10) / 10;
    path += `${pen ? 'L' : 'M'}${px},${py} `;
    pen = true;
    dots.push({ x: px, y: py });
  }
  const fmt = (v: number): string =>
    o.unit === 'share' ? `${Math.round(v * 100)}%` : String(Math.round(v));
  const ticks = o.unit === 'share' ? [0, 0.5, 1] : [0, max / 2, max];
  const known = points.filter((p) => p.value !== null);
  const first = known[0];
  const last = known[known.length - 1];
  return {
    width: 600,
    height: 180,
    path: path.trim(),
    dots,
    yTicks: ticks.map((t) => ({ y: y(t), label: fmt(t) })),
    xTicks: [o.from, addDays(o.from, Math.round(days / 2)), o.to].map((d) => ({
      x: x(d),
      label: shortDay(d),
    })),
    plot,
    title: `${o.title}: trend`,
    desc:
      first && last
        ? `${known.length} daily value${known.length === 1 ? '' : 's'} from ${shortDay(first.day)} (${fmt(first.value!)}) to ${shortDay(last.day)} (${fmt(last.value!)}).`
        : 'No values recorded yet.',
  };
}
