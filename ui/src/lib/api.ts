// The only place the UI talks to the Rust side. Everything else imports these typed functions,
// so tests can replace this module.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
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

export interface ConversationWithMessages {
  conversation: Conversation;
  messages: Message[];
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

/** Sends a message; events stream to `onEvent` until the stored reply is returned. */
export function sendMessage(
  conversationId: number | null,
  text: string,
  onEvent: (event: ChatEvent) => void,
): Promise<Message> {
  const channel = new Channel<ChatEvent>();
  channel.onmessage = onEvent;
  return invoke('send_message', { conversationId, text, onEvent: channel });
}

/** Runs a job into a new conversation; events stream like a chat reply. */
export function runJob(
  job: Job,
  text: string,
  onEvent: (event: ChatEvent) => void,
): Promise<Message> {
  const channel = new Channel<ChatEvent>();
  channel.onmessage = onEvent;
  return invoke('run_job', { job, text, onEvent: channel });
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
