import { describe, expect, it } from 'vitest';
import type { Report, Summary } from '../../lib/api';
import { costPerDay, dayLabel, firstTokenByModel, money, requestsBySource, tokensBySource } from './charts';

function summary(requests: number, prompt: number, reply: number, first: number | null = null): Summary {
  return {
    requests,
    stopped: 0,
    promptTokens: prompt,
    completionTokens: reply,
    timeToFirstTokenMs: { median: first, p90: first === null ? null : first * 2 },
    tokensPerSecond: { median: null, p90: null },
    costAvoided: prompt / 1e6,
  };
}

const report: Report = {
  total: summary(3, 300, 30),
  days: [
    { date: '2026-03-09', total: summary(0, 0, 0), sources: [], models: [] },
    {
      date: '2026-03-10',
      total: summary(3, 300, 30),
      sources: [
        { key: 'chat', summary: summary(2, 100, 20) },
        { key: 'popup', summary: summary(1, 200, 10) },
      ],
      models: [{ key: 'small', summary: summary(3, 300, 30, 500) }],
    },
  ],
  sources: [
    { key: 'chat', summary: summary(2, 100, 20) },
    { key: 'popup', summary: summary(1, 200, 10) },
  ],
  models: [{ key: 'small', summary: summary(3, 300, 30, 500) }],
  clients: [],
  comparedWith: null,
};

describe('usage charts', () => {
  it('stack each source per day, with zero on days it was not used', () => {
    expect(tokensBySource(report, 'prompt')).toEqual({
      labels: ['Mar 9', 'Mar 10'],
      series: [
        { label: 'Chat', color: '#3b6fd8', values: [0, 100] },
        { label: 'Popup', color: '#e0b020', values: [0, 200] },
      ],
    });
    expect(tokensBySource(report, 'reply').series.map((s) => s.values)).toEqual([
      [0, 20],
      [0, 10],
    ]);
    expect(requestsBySource(report).series.map((s) => s.values)).toEqual([
      [0, 2],
      [0, 1],
    ]);
  });

  it('draw a model median and 90th percentile in seconds, with gaps where it did not write', () => {
    const series = firstTokenByModel(report).series;
    expect(series.map((s) => [s.label, s.values, s.dashed ?? false])).toEqual([
      ['small (median)', [null, 0.5], false],
      ['small (90th pct)', [null, 1], true],
    ]);
    expect(costPerDay(report).series[0].values).toEqual([0, 0.0003]);
  });

  it('write days and dollars for people', () => {
    expect(dayLabel('2026-12-03')).toBe('Dec 3');
    expect(money(0)).toBe('$0');
    expect(money(12.345)).toBe('$12.35');
    expect(money(0.000514)).toBe('$0.00051');
  });
});
