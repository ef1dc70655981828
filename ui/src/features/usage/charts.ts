// The usage report turned into what the charts draw: one label per day, one series per source
// or per model. Kept apart from the drawing so it can be tested without a canvas.
import type { Asker, Day, Report, Spread, Summary } from '../../lib/api';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  /** Drawn dashed: a 90th percentile beside its median. */
  dashed?: boolean;
}

export interface ChartData {
  labels: string[];
  series: Series[];
}

/** What asked, as the charts name and color it. */
export const ASKERS: Record<Asker, { label: string; color: string }> = {
  chat: { label: 'Chat', color: '#3b6fd8' },
  summarize: { label: 'Summaries', color: '#2f9e6e' },
  translate: { label: 'Translations', color: '#d8893b' },
  rewrite: { label: 'Rewrites', color: '#9b59b6' },
  classify: { label: 'Classifications', color: '#c0392b' },
  extract: { label: 'Extractions', color: '#16a0b5' },
  popup: { label: 'Popup', color: '#e0b020' },
  document: { label: 'Documents', color: '#7f8c8d' },
  api: { label: 'Local API', color: '#5d6d7e' },
};

const MODEL_COLORS = ['#3b6fd8', '#d8893b', '#2f9e6e', '#9b59b6', '#c0392b', '#16a0b5'];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-03-09" as "Mar 9" (read as written: the day is already the person's own). */
export function dayLabel(date: string): string {
  const [, month, day] = date.split('-').map(Number);
  return `${MONTHS[month - 1] ?? '?'} ${day}`;
}

function perSource(report: Report, value: (s: Summary) => number): ChartData {
  const present = report.sources.map((g) => g.key as Asker).filter((key) => key in ASKERS);
  return {
    labels: report.days.map((d) => dayLabel(d.date)),
    series: present.map((asker) => ({
      label: ASKERS[asker].label,
      color: ASKERS[asker].color,
      values: report.days.map((d) => {
        const group = d.sources.find((g) => g.key === asker);
        return group ? value(group.summary) : 0;
      }),
    })),
  };
}

/** Prompt (read) or reply (written) tokens per day, one stacked series per source. */
export function tokensBySource(report: Report, which: 'prompt' | 'reply'): ChartData {
  return perSource(report, (s) => (which === 'prompt' ? s.promptTokens : s.completionTokens));
}

export function requestsBySource(report: Report): ChartData {
  return perSource(report, (s) => s.requests);
}

/** The median and 90th percentile per day of each model, `null` on days it did not write. */
function perModel(report: Report, spread: (s: Summary) => Spread, scale = 1): ChartData {
  const at = (d: Day, model: string, pick: (s: Spread) => number | null) => {
    const group = d.models.find((g) => g.key === model);
    const value = group ? pick(spread(group.summary)) : null;
    return value === null ? null : value * scale;
  };
  return {
    labels: report.days.map((d) => dayLabel(d.date)),
    series: report.models.flatMap((g, i) => {
      const color = MODEL_COLORS[i % MODEL_COLORS.length];
      return [
        { label: `${g.key} (median)`, color, values: report.days.map((d) => at(d, g.key, (s) => s.median)) },
        { label: `${g.key} (90th pct)`, color, dashed: true, values: report.days.map((d) => at(d, g.key, (s) => s.p90)) },
      ];
    }),
  };
}

/** Time to first token, in seconds. */
export function firstTokenByModel(report: Report): ChartData {
  return perModel(report, (s) => s.timeToFirstTokenMs, 1 / 1000);
}

export function speedByModel(report: Report): ChartData {
  return perModel(report, (s) => s.tokensPerSecond);
}

export function costPerDay(report: Report): ChartData {
  return {
    labels: report.days.map((d) => dayLabel(d.date)),
    series: [{ label: 'Cost avoided (US$)', color: '#2f9e6e', values: report.days.map((d) => d.total.costAvoided) }],
  };
}

/** Dollars: cents for sums of a cent or more, else enough places to show what there is. */
export function money(dollars: number): string {
  if (dollars === 0) return '$0';
  return dollars >= 0.01 ? `$${dollars.toFixed(2)}` : `$${dollars.toPrecision(2)}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
