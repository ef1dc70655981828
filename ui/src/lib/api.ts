// The only place the UI talks to the Rust side. Everything else imports these typed functions,
// so tests can replace this module.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { writeText } from '@tauri-apps/plugin-clipboard-manager';

export interface ModelInfo {
  name: string;
  path: string;
  architecture: string;
  context_window: number;
  file_size: number;
}

export type ModelState =
  | { state: 'loading' }
  | { state: 'ready'; model: ModelInfo }
  | { state: 'failed'; message: string };

export type SummaryStyle = 'sentence' | 'paragraph' | 'bullets' | 'actions';
export type RewriteMode = 'grammar' | 'shorter' | 'formal' | 'friendly';

/** A job and its options; languages are codes (`fr`) or names. */
export type Job =
  | { kind: 'summarize'; style: SummaryStyle; language?: string | null }
  | { kind: 'translate'; to: string; from?: string | null }
  | { kind: 'rewrite'; mode: RewriteMode }
  | { kind: 'classify'; labels: string[] }
  | { kind: 'extract' };

/** A job as it ran: languages named, the input's language as detected. */
export type ResolvedJob = Job & { detected: string | null };

export interface Conversation {
  id: number;
  title: string;
  model: string;
  created_at: number;
  updated_at: number;
  job: ResolvedJob | null;
}

export interface Language {
  code: string;
  name: string;
}

export interface Detection {
  language: Language | null;
  guess: string | null;
  confidence: number;
}

export type Stage =
  | 'splitting'
  | 'reading'
  | 'combining'
  | 'writing'
  | 'translating'
  | 'rewriting'
  | 'classifying'
  | 'extracting';

export interface Progress {
  stage: Stage;
  step: number;
  steps: number;
}

export type Role = 'system' | 'user' | 'assistant';

export interface Message {
  id: number;
  conversation_id: number;
  role: Role;
  content: string;
  created_at: number;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  time_to_first_token_ms: number | null;
  tokens_per_second: number | null;
  stopped: boolean;
}

export interface Completion {
  text: string;
  stopped: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  time_to_first_token_ms: number | null;
  tokens_per_second: number | null;
  dropped_turns: number;
}

export type ChatEvent =
  | { kind: 'started'; conversation: Conversation; message: Message }
  | { kind: 'token'; text: string }
  | ({ kind: 'progress' } & Progress)
  | { kind: 'finished'; message: Message; completion: Completion };

export type DocumentKind = 'text' | 'markdown' | 'html' | 'pdf' | 'docx' | 'odt' | 'csv' | 'code';

/** A kept document, without its text. */
export interface DocumentInfo {
  id: number;
  name: string;
  hash: string;
  size: number;
  kind: DocumentKind;
  /** For formats with pages (PDF). */
  pages: number | null;
  chars: number;
  addedAt: number;
}

/** A chunk of a document that an answer used. */
export interface Passage {
  chunkId: number;
  documentId: number;
  documentName: string;
  page: number | null;
  text: string;
}

export interface Source {
  messageId: number;
  passage: Passage;
}

/** A reply, with the passages it was answered from (none for an ordinary chat). */
export interface Answer {
  message: Message;
  sources: Passage[];
}

/** What became of one file of those added. */
export type Outcome =
  | { kind: 'added'; document: DocumentInfo; alreadyThere: boolean }
  | { kind: 'failed'; name: string; message: string };

/** Where adding files is: file `index` of `total`, and the page for PDFs. */
export interface Reading {
  name: string;
  index: number;
  total: number;
  page: number | null;
  pages: number | null;
}

export interface ConversationWithMessages {
  conversation: Conversation;
  messages: Message[];
  documents: DocumentInfo[];
  sources: Source[];
}

/** Waits until the model has loaded (or failed to). */
export function modelState(): Promise<ModelState> {
  return invoke('model_state');
}

export function listConversations(): Promise<Conversation[]> {
  return invoke('list_conversations');
}

export function openConversation(id: number): Promise<ConversationWithMessages> {
  return invoke('open_conversation', { id });
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
 * Sends a message; events stream to `onEvent` until the stored reply is returned. A
 * conversation about documents (or with `documents` attached now) is answered from them.
 */
export function sendMessage(
  conversationId: number | null,
  text: string,
  documents: number[],
  onEvent: (event: ChatEvent) => void,
): Promise<Answer> {
  return invoke('send_message', { conversationId, text, documents, onEvent: channel(onEvent) });
}

/** Runs a job into a new conversation; events stream like a chat reply. */
export function runJob(
  job: Job,
  text: string,
  onEvent: (event: ChatEvent) => void,
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
  onEvent: (event: ChatEvent) => void,
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

export type PopupStyle = 'sentence' | 'bullets';

export interface Settings {
  shortcut: string;
  popupStyle: PopupStyle;
  /** Language code that the popup's "Translate instead" uses. */
  translateTo: string;
  closeToTray: boolean;
}

export interface SettingsView {
  settings: Settings;
  /** Why the popup's shortcut does not work, when it does not. */
  shortcutProblem: string | null;
}

export function getSettings(): Promise<SettingsView> {
  return invoke('get_settings');
}

/** Saves settings; rejects (saving nothing) when a new shortcut cannot be used. */
export function saveSettings(settings: Settings): Promise<SettingsView> {
  return invoke('save_settings', { settings });
}

export type PopupAction = { kind: 'summarize'; style: PopupStyle } | { kind: 'translate' };

export type PopupEvent =
  | { kind: 'started'; action: PopupAction; target: string | null }
  | { kind: 'job'; event: ChatEvent }
  | { kind: 'done'; completion: Completion }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

/** What the popup's run `run` reports; a higher run replaces a lower one. */
export interface PopupMessage {
  run: number;
  event: PopupEvent;
}

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

/** Which window this page is in: the main window or the popup. */
export function windowLabel(): string {
  return getCurrentWindow().label;
}

/** Tauri rejects with the command's error sentence; anything else becomes its message. */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  return String(error);
}
