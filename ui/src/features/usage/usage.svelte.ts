// The Usage view's state: the period shown, its report, and the price table being edited.
// Only it calls the usage API.
import * as api from '../../lib/api';

export const PERIODS: { period: api.Period; label: string }[] = [
  { period: 'today', label: 'Today' },
  { period: 'week', label: '7 days' },
  { period: 'month', label: '30 days' },
  { period: 'all', label: 'All' },
];

export class UsageState {
  period = $state<api.Period>('week');
  report = $state<api.Report | null>(null);
  /** The price table as stored, and the copy being edited. */
  prices = $state<api.Prices | null>(null);
  draft = $state<api.Prices | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  async refresh(): Promise<void> {
    this.error = null;
    try {
      const [report, prices] = await Promise.all([api.usageReport(this.period), api.usagePrices()]);
      this.report = report;
      this.showPrices(prices);
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  async show(period: api.Period): Promise<void> {
    this.period = period;
    await this.refresh();
  }

  addPrice(): void {
    this.draft?.list.push({ model: '', input: 0, output: 0, source: 'you', taken: today() });
  }

  removePrice(index: number): void {
    this.draft?.list.splice(index, 1);
  }

  /** Stores the edited table (prices the person changed are marked as theirs) and redraws. */
  async savePrices(): Promise<void> {
    if (this.draft === null) return;
    this.error = null;
    this.notice = null;
    try {
      const saved = await api.saveUsagePrices(marked(this.draft, this.prices));
      this.showPrices(saved);
      this.report = await api.usageReport(this.period);
      this.notice = 'Prices saved.';
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  async exportCsv(): Promise<void> {
    this.error = null;
    this.notice = null;
    try {
      if (await api.exportUsage()) this.notice = 'Usage exported.';
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  private showPrices(prices: api.Prices): void {
    this.prices = prices;
    this.draft = structuredClone(prices);
  }
}

function today(): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** `draft` with every price that differs from `stored` named as the person's own, from today. */
export function marked(draft: api.Prices, stored: api.Prices | null): api.Prices {
  const before = new Map((stored?.list ?? []).map((p) => [p.model, p]));
  return {
    compareWith: draft.compareWith,
    list: draft.list.map((p) => {
      const old = before.get(p.model);
      const changed = !old || old.input !== p.input || old.output !== p.output;
      return changed ? { ...p, source: 'you', taken: today() } : { ...p };
    }),
  };
}
