// The models Hearth knows and switching between them. Only it calls the models API.
import * as api from '../../lib/api';

export class ModelsState {
  list = $state<api.KnownModel[]>([]);
  /** The path of the model being switched to, while it loads. */
  switching = $state<string | null>(null);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    try {
      this.list = await api.listModels();
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  /** Switches to `model`; the new state of the model, or the old one's with the reason. */
  async use(model: api.KnownModel): Promise<api.ModelState | null> {
    this.switching = model.path;
    this.error = null;
    try {
      return await api.useModel(model.path);
    } catch (e) {
      this.error = api.errorText(e);
      return null;
    } finally {
      this.switching = null;
    }
  }
}

/** 98362432 as "98 MB", 1.2e9 as "1.2 GB". */
export function size(bytes: number): string {
  return bytes < 1e9 ? `${Math.round(bytes / 1e6)} MB` : `${(bytes / 1e9).toFixed(1)} GB`;
}

/** 134515008 as "135M", 1.71e9 as "1.7B". */
export function parameters(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : `${Math.round(n / 1e6)}M`;
}

export const VERDICTS: Record<api.Verdict, string> = { fits: 'fits', tight: 'tight', tooBig: 'too big' };
