// The models Hearth knows and switching between them. Only it calls the models API.
import * as api from '../../lib/api';

export class ModelsState {
  list = $state<api.KnownModel[]>([]);
  /** While the list is being read again (files may have come or gone since it was shown). */
  refreshing = $state(false);
  /** The path of the model being switched to, while it loads. */
  switching = $state<string | null>(null);
  error = $state<string | null>(null);
  /** What the last import or removal did. */
  notice = $state<string | null>(null);
  /** Imports copy the file into Hearth's folder (else it is used where it is). */
  copy = $state(false);
  /** The path of the model whose deletion waits for a confirmation. */
  confirming = $state<string | null>(null);
  /** The download being typed, and how the running one goes. */
  link = $state('');
  sha256 = $state('');
  downloading = $state(false);
  progress = $state<api.DownloadProgress | null>(null);
  /** A download stopped or failed part-way: what arrived may be kept for the next try. */
  unfinished = $state(false);
  /** The recommended models, and the file of the built-in one. */
  recommended = $state<api.Recommended[]>([]);
  builtIn = $state<string | null>(null);
  /** Memory free now and disk free where downloads go (null: the system did not say). */
  memoryFree = $state(0);
  diskFree = $state<number | null>(null);
  /** The id of the recommended model whose licence waits to be accepted. */
  accepting = $state<string | null>(null);
  /** The id of the recommended model being downloaded. */
  getting = $state<string | null>(null);

  async refresh(): Promise<void> {
    this.refreshing = true;
    try {
      const [list, recommendations] = await Promise.all([api.listModels(), api.recommendedModels()]);
      this.list = list;
      this.recommended = recommendations.models;
      this.builtIn = recommendations.builtIn;
      this.memoryFree = recommendations.memoryFree;
      this.diskFree = recommendations.diskFree;
    } catch (e) {
      this.error = api.errorText(e);
    } finally {
      this.refreshing = false;
    }
  }

  /** Imports dropped files, or (no paths) the files picked in the open dialog. */
  async import(paths: string[] | null = null): Promise<void> {
    this.error = null;
    this.notice = null;
    try {
      const outcomes = paths === null ? await api.pickModels(this.copy) : await api.importModels(paths, this.copy);
      const refused = outcomes.flatMap((o) => (o.kind === 'refused' ? [o.message] : []));
      const added = outcomes.flatMap((o) => (o.kind === 'added' ? [o.model.name] : []));
      if (added.length > 0) this.notice = `Added ${added.join(', ')}.`;
      if (refused.length > 0) this.error = refused.join(' ');
      await this.refresh();
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  /** Downloads the file at `link`; stopped, what arrived is kept for the next try. */
  async download(): Promise<api.KnownModel | null> {
    if (this.downloading) return null;
    this.error = null;
    this.notice = null;
    this.downloading = true;
    this.progress = null;
    try {
      const { model, verified } = await api.downloadModel(
        this.link.trim(),
        this.sha256.trim() || null,
        (p) => (this.progress = p),
      );
      this.notice = verified
        ? `Downloaded and checked ${model.name}.`
        : `Downloaded ${model.name}. Not verified: no sha256 was given or known for this file, so it was only checked as a model file.`;
      this.unfinished = false;
      this.link = '';
      this.sha256 = '';
      await this.refresh();
      return model;
    } catch (e) {
      this.error = api.errorText(e);
      this.unfinished = true;
      return null;
    } finally {
      this.downloading = false;
    }
  }

  /**
   * Downloads a recommended model from its pinned address (checked against the catalog's size
   * and sha256); a licence with conditions is accepted first (`accepted`). The model, once
   * downloaded and listed, for the caller to switch to.
   */
  async get(model: api.Recommended, accepted = false): Promise<api.KnownModel | null> {
    if (model.url === null || this.downloading) return null;
    if (model.entry.acceptLicense && !accepted) {
      this.accepting = model.entry.id;
      return null;
    }
    this.accepting = null;
    this.getting = model.entry.id;
    this.link = model.url;
    this.sha256 = '';
    try {
      return await this.download();
    } finally {
      this.getting = null;
    }
  }

  async stopDownload(discard: boolean): Promise<void> {
    try {
      await api.stopDownload(this.link.trim(), discard);
      if (discard) {
        this.progress = null;
        this.unfinished = false;
        this.error = null;
        this.notice = 'The unfinished download was deleted.';
      }
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  /** Forgets an imported model; Hearth's own copy is deleted once `confirmed`. */
  async remove(model: api.KnownModel, confirmed = false): Promise<void> {
    this.error = null;
    this.notice = null;
    if (model.origin === 'hearth' && !confirmed) {
      this.confirming = model.path;
      return;
    }
    this.confirming = null;
    try {
      const removed = await api.removeModel(model.path, confirmed);
      this.notice = removed.kind === 'deleted' ? `Deleted ${model.name}.` : `${model.name} is no longer listed; the file is where it was.`;
      await this.refresh();
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  /** Whether the model in use (loaded, or unloaded while idle) is the built-in one. */
  usesBuiltIn(current: api.ModelState): boolean {
    if (this.builtIn === null || (current.state !== 'ready' && current.state !== 'unloaded')) return false;
    return fileName(current.model.path) === this.builtIn;
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

/** The last part of a path, whichever separator the system uses. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

/** 98362432 as "98 MB", 1.2e9 as "1.2 GB". */
export function size(bytes: number): string {
  return bytes < 1e9 ? `${Math.round(bytes / 1e6)} MB` : `${(bytes / 1e9).toFixed(1)} GB`;
}

/** 134515008 as "135M", 1.71e9 as "1.7B". */
export function parameters(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : `${Math.round(n / 1e6)}M`;
}

/** "about 24 tokens/s here", or "34 tokens/s here" once measured. */
export function speed(s: api.Speed): string {
  const rate = s.tokensPerSecond >= 10 ? Math.round(s.tokensPerSecond) : Number(s.tokensPerSecond.toFixed(1));
  return s.measured ? `${rate} tokens/s here` : `about ${rate} tokens/s here`;
}

/** What a speed rests on, on hover. */
export const SPEED_BASIS: Record<string, string> = {
  true: 'The median speed of its replies on this computer.',
  false: "Predicted from the file's size and this computer's memory speed; replaced by the real figure once it has answered.",
};

export const VERDICTS: Record<api.Verdict, string> = { fits: 'fits', tight: 'tight', tooBig: 'too big' };

/** "41 MB of 98 MB · 12 MB/s · 5 s left" (what is known of it). */
export function downloaded(p: api.DownloadProgress): string {
  const parts = [p.total === null ? size(p.received) : `${size(p.received)} of ${size(p.total)}`];
  if (p.bytesPerSecond > 0) {
    parts.push(`${size(p.bytesPerSecond)}/s`);
    if (p.total !== null) parts.push(`${Math.ceil((p.total - p.received) / p.bytesPerSecond)} s left`);
  }
  return parts.join(' · ');
}
