// The only place the UI talks to the Rust side. Everything else imports these typed functions,
// so tests can replace this module.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { writeText } from '@tauri-apps/plugin-clipboard-manager';

import type {
  Answer,
  ExportFormat,
  Branch,
  Completion,
  ConversationWithMessages,
  Conversation,
  Detection,
  DocumentInfo,
  DownloadedModel,
  DownloadProgress,
  HistoryState,
  Imported,
  Job,
  KnownModel,
  Language,
  Message,
  ModelState,
  Outcome,
  Period,
  Persona,
  PersonaFields,
  PopupAction,
  PopupMessage,
  Prices,
  Reading,
  Recommendations,
  Removed,
  Report,
  ReplyEvent,
  SearchHit,
  Settings,
  SettingsView,
} from './bindings';

// The types that cross from Rust are generated into bindings.ts (see src-tauri/src/bindings.rs).
export type * from './bindings';

export function modelState(): Promise<ModelState> {
  return invoke('model_state');
}

/** What the local model did over `period`, per day, job and model, and what it saved. */
export function usageReport(period: Period): Promise<Report> {
  return invoke('usage_report', { period });
}

/** The cloud prices usage is compared with. */
export function usagePrices(): Promise<Prices> {
  return invoke('usage_prices');
}

export function saveUsagePrices(prices: Prices): Promise<Prices> {
  return invoke('save_usage_prices', { prices });
}

/** Saves every usage record as CSV where the person picks; false when they cancelled. */
export function exportUsage(): Promise<boolean> {
  return invoke('export_usage');
}

/** Every model file Hearth knows, with its facts and whether it fits. */
export function listModels(): Promise<KnownModel[]> {
  return invoke('list_models');
}

/** The recommended models for this computer, and the file of the built-in one. */
export function recommendedModels(): Promise<Recommendations> {
  return invoke('recommended_models');
}

/** Adds the `.gguf` files at `paths`, each checked first; copied into Hearth's folder with `copy`. */
export function importModels(paths: string[], copy: boolean): Promise<Imported[]> {
  return invoke('import_models', { paths, copy });
}

/** Asks for `.gguf` files with the system's open dialog, then imports them (none when cancelled). */
export function pickModels(copy: boolean): Promise<Imported[]> {
  return invoke('pick_models', { copy });
}

/** Forgets an imported model, or deletes Hearth's own copy when `remove` confirms it. */
export function removeModel(path: string, remove: boolean): Promise<Removed> {
  return invoke('remove_model', { path, delete: remove });
}

/** Downloads the `.gguf` file at `url` into Hearth's models folder (going on from what an earlier try kept). */
export function downloadModel(
  url: string,
  sha256: string | null,
  onProgress: (p: DownloadProgress) => void,
): Promise<DownloadedModel> {
  return invoke('download_model', { url, sha256, onProgress: channel(onProgress) });
}

/** Stops the running download; with `discard`, what arrived of `url` is deleted too. */
export function stopDownload(url: string, discard: boolean): Promise<void> {
  return invoke('stop_download', { url, discard });
}

/** Switches to the model at `path`; rejects with the reason, the previous model kept. */
export function useModel(path: string): Promise<ModelState> {
  return invoke('use_model', { path });
}

export function listConversations(): Promise<Conversation[]> {
  return invoke('list_conversations');
}

export function openConversation(id: number): Promise<ConversationWithMessages> {
  return invoke('open_conversation', { id });
}

/** Messages and titles holding every word of `words` (the last may be half typed), newest first. */
export function searchHistory(words: string): Promise<SearchHit[]> {
  return invoke('search_history', { words });
}

/** Exports one conversation (null: all) to a file the person picks; false when they cancel. */
export function exportHistory(conversationId: number | null, format: ExportFormat): Promise<boolean> {
  return invoke('export_history', { conversationId, format });
}

/** Imports a JSON export the person picks; says what it did (null when they cancel). */
export function importHistory(): Promise<string | null> {
  return invoke('import_history');
}

export function renameConversation(id: number, title: string): Promise<void> {
  return invoke('rename_conversation', { id, title });
}

export function deleteConversation(id: number): Promise<void> {
  return invoke('delete_conversation', { id });
}

function channel<T>(handler: (value: T) => void): Channel<T> {
  const c = new Channel<T>();
  c.onmessage = handler;
  return c;
}

/**
 * Sends a message; events stream to `onEvent` until the stored reply is returned. `branch`
 * makes it a new version of an earlier question, or another reply to one; `persona` is the
 * persona the conversation talks with from now on.
 */
export function sendMessage(
  conversationId: number | null,
  text: string,
  branch: Branch,
  persona: number | null,
  onEvent: (event: ReplyEvent) => void,
): Promise<Message> {
  return invoke('send_message', { conversationId, text, branch, persona, onEvent: channel(onEvent) });
}

/**
 * Like `sendMessage`, in a conversation about documents (its own, and from now on
 * `documents`): answered from their passages, returned as the answer's sources.
 */
export function askDocuments(
  conversationId: number | null,
  text: string,
  documents: number[],
  branch: Branch,
  persona: number | null,
  onEvent: (event: ReplyEvent) => void,
): Promise<Answer> {
  return invoke('ask_documents', {
    conversationId,
    text,
    documents,
    branch,
    persona,
    onEvent: channel(onEvent),
  });
}

/** Shows the branch through one version of a message (down its newest replies). */
export function showBranch(conversationId: number, messageId: number): Promise<Message[]> {
  return invoke('show_branch', { conversationId, messageId });
}

export function listPersonas(): Promise<Persona[]> {
  return invoke('list_personas');
}

/** Adds a persona (`id` null) or changes one. */
export function savePersona(id: number | null, fields: PersonaFields): Promise<Persona> {
  return invoke('save_persona', { id, fields });
}

export function deletePersona(id: number): Promise<void> {
  return invoke('delete_persona', { id });
}

/** The persona a conversation talks with from its next reply (null: none). */
export function setConversationPersona(conversationId: number, personaId: number | null): Promise<void> {
  return invoke('set_conversation_persona', { conversationId, personaId });
}

/** Instructions of the conversation's own, in place of its persona's (blank: none). */
export function setConversationInstructions(conversationId: number, instructions: string): Promise<void> {
  return invoke('set_conversation_instructions', { conversationId, instructions });
}

/** Runs a job into a new conversation; events stream like a chat reply. */
export function runJob(
  job: Job,
  text: string,
  onEvent: (event: ReplyEvent) => void,
): Promise<Message> {
  return invoke('run_job', { job, text, onEvent: channel(onEvent) });
}

/** Reads and keeps the files at `paths`; progress goes to `onReading`. */
export function addDocuments(paths: string[], onReading: (r: Reading) => void): Promise<Outcome[]> {
  return invoke('add_documents', { paths, onReading: channel(onReading) });
}

/** Asks for files with the system's open dialog, then adds them (none when cancelled). */
export function pickDocuments(onReading: (r: Reading) => void): Promise<Outcome[]> {
  return invoke('pick_documents', { onReading: channel(onReading) });
}

export function listDocuments(): Promise<DocumentInfo[]> {
  return invoke('list_documents');
}

export function documentText(id: number): Promise<string> {
  return invoke('document_text', { id });
}

export function deleteDocument(id: number): Promise<void> {
  return invoke('delete_document', { id });
}

/** Summarizes or translates a document into a new conversation about it. */
export function runDocumentJob(
  id: number,
  job: Job,
  onEvent: (event: ReplyEvent) => void,
): Promise<Message> {
  return invoke('run_document_job', { id, job, onEvent: channel(onEvent) });
}

/** Saves `text` where the person picks in the save dialog; false when they cancelled. */
export function saveText(fileName: string, text: string): Promise<boolean> {
  return invoke('save_text', { fileName, text });
}

export type DropEvent = { kind: 'over' } | { kind: 'drop'; paths: string[] } | { kind: 'leave' };

/** Files dragged over and dropped on the window. */
export function onFileDrop(handler: (event: DropEvent) => void): Promise<UnlistenFn> {
  return getCurrentWebview().onDragDropEvent((e) => {
    const p = e.payload;
    if (p.type === 'drop') handler({ kind: 'drop', paths: p.paths });
    else if (p.type === 'leave') handler({ kind: 'leave' });
    else handler({ kind: 'over' });
  });
}

export function languages(): Promise<Language[]> {
  return invoke('languages');
}

export function detectLanguage(text: string): Promise<Detection> {
  return invoke('detect_language', { text });
}

export function copyText(text: string): Promise<void> {
  return writeText(text);
}

export function stopGeneration(): Promise<void> {
  return invoke('stop_generation');
}




export function historyState(): Promise<HistoryState> {
  return invoke('history_state');
}

/** Opens the locked history with a passphrase, or with the keyring again when `null`. */
export function unlockHistory(passphrase: string | null): Promise<HistoryState> {
  return invoke('unlock_history', { passphrase });
}

/** Keeps the history that cannot be opened aside and starts a new one (keyring when `null`). */
export function startNewHistory(passphrase: string | null): Promise<HistoryState> {
  return invoke('start_new_history', { passphrase });
}

/** Re-encrypts the history: its key from a new passphrase, or kept in the keyring when `null`. */
export function changeHistoryKey(passphrase: string | null): Promise<HistoryState> {
  return invoke('change_history_key', { passphrase });
}

export function getSettings(): Promise<SettingsView> {
  return invoke('get_settings');
}

/** Saves settings; rejects (saving nothing) when a new shortcut cannot be used. */
export function saveSettings(settings: Settings): Promise<SettingsView> {
  return invoke('save_settings', { settings });
}



/** What the popup's run `run` reports; a higher run replaces a lower one. */

export function onPopup(handler: (message: PopupMessage) => void): Promise<UnlistenFn> {
  return listen<PopupMessage>('popup', (e) => handler(e.payload));
}

export function popupRun(action: PopupAction): Promise<void> {
  return invoke('popup_run', { action });
}

export function popupClose(): Promise<void> {
  return invoke('popup_close');
}

/** Keeps the popup's text and result in history and shows them in the main window. */
export function popupOpenInHearth(): Promise<void> {
  return invoke('popup_open_in_hearth');
}

/** The main window is asked to show conversation `id` (kept from the popup). */
export function onOpenConversation(handler: (id: number) => void): Promise<UnlistenFn> {
  return listen<number>('open-conversation', (e) => handler(e.payload));
}

/** Every change of the model's state: loading, ready, failed, unloaded while idle. */
export function onModelState(handler: (state: ModelState) => void): Promise<UnlistenFn> {
  return listen<ModelState>('model-state', (e) => handler(e.payload));
}

/** The history locked while the app runs (its file replaced under it): unlock it again. */
export function onHistoryState(handler: (state: HistoryState) => void): Promise<UnlistenFn> {
  return listen<HistoryState>('history-state', (e) => handler(e.payload));
}

/** Which window this page is in: the main window or the popup. */
export function windowLabel(): string {
  return getCurrentWindow().label;
}

/** Commands reject with a `CommandError` (its sentence); anything else becomes its message. */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}
