// Generated from the Rust types by src-tauri/src/bindings.rs: do not edit by hand.

export type ModelInfo = { name: string, path: string, architecture: string, contextWindow: number, fileSize: number, };

export type ModelState = { "state": "loading" } | { "state": "ready", model: ModelInfo, } | { "state": "failed", message: string, } | { "state": "unloaded", model: ModelInfo, };

export type GgufInfo = { path: string, architecture: string, name: string | null, contextLength: number | null, fileSize: number, 
/**
 * The quantization the file says it was made with ("Q4_K_M", "Q8_0", ...), else the weight
 * type holding most of its bytes ("Q4_K", "F16", ...).
 */
quantization: string, 
/**
 * Values in all the tensors.
 */
parameters: number, 
/**
 * Transformer blocks, KV heads and the size of one head, where the file says: what the
 * KV cache costs per token.
 */
layers: number | null, kvHeads: number | null, headSize: number | null, 
/**
 * The width of the hidden state: what a prompt's activations cost per token.
 */
embeddingLength: number | null, };

export type Verdict = "fits" | "tight" | "tooBig";

export type Fit = { verdict: Verdict, 
/**
 * Tokens of context the estimate is for: the model's own, capped at Hearth's.
 */
context: number, weightsBytes: number, kvCacheBytes: number, 
/**
 * A prompt as long as the context, on its way through the model.
 */
activationsBytes: number, overheadBytes: number, neededBytes: number, availableBytes: number, 
/**
 * The numbers behind the verdict, as a sentence (see `summary`).
 */
summary: string, };

export type Origin = "hearth" | "imported" | "folder";

export type KnownModel = { 
/**
 * What the file is called (`naming::name_of`); the file name when it failed a check.
 */
name: string, path: string, origin: Origin, license: string | null, 
/**
 * The file's facts, when it passed every check.
 */
info: GgufInfo | null, fit: Fit | null, 
/**
 * Why the file cannot be used, when it failed a check.
 */
problem: string | null, };

export type Removed = { "kind": "forgotten", "path": string } | { "kind": "deleted", "path": string };

export type DownloadProgress = { received: number, total: number | null, 
/**
 * Over this session of the download, not counting what an earlier one fetched.
 */
bytesPerSecond: number, };

export type Imported = { "kind": "added", model: KnownModel, } | { "kind": "refused", path: string, message: string, };

export type DownloadedModel = { model: KnownModel, verified: boolean, };

export type CatalogEntry = { id: string, name: string, file: string, size: number, sha256: string, license: string, licenseUrl: string, architecture: string, 
/**
 * As the model's makers count them ("1.5B").
 */
parameters: string, contextLength: number, 
/**
 * What it is good for, in one line.
 */
goodFor: string, 
/**
 * The repository and revision it is downloaded from (`{mirror}/{repo}/resolve/{revision}/
 * {file}`); none for the built-in model, which comes another way (`source`).
 */
repo: string | null, revision: string | null, source: string | null, 
/**
 * The built-in model, the one Hearth comes with.
 */
default: boolean, 
/**
 * Its licence has conditions the person accepts before the download (Llama 3.2's).
 */
acceptLicense: boolean, };

export type Recommended = { entry: CatalogEntry, 
/**
 * Whether it would fit in the memory free now.
 */
fit: Fit, 
/**
 * Whether the disk has room to download it (true where the free space is not known).
 */
roomOnDisk: boolean, 
/**
 * Where it is, when one of the models folders has it.
 */
here: string | null, 
/**
 * Where it is downloaded from (the mirror's address, pinned to its revision).
 */
url: string | null, 
/**
 * How fast it would write here: measured once it has, else predicted.
 */
speed: Speed, };

export type Speed = { 
/**
 * Reply tokens a second.
 */
tokensPerSecond: number, 
/**
 * From this computer's own replies with the model, not predicted.
 */
measured: boolean, };

export type Recommendations = { builtIn: string | null, models: Array<Recommended>, 
/**
 * Memory free now, and disk free where downloads go (when the system says).
 */
memoryFree: number, diskFree: number | null, };

export type SummaryStyle = "sentence" | "paragraph" | "bullets" | "actions";

export type RewriteMode = "grammar" | "shorter" | "formal" | "friendly";

export type Job = { "kind": "summarize", style: SummaryStyle, 
/**
 * The summary's language; the input's own when absent.
 */
language?: string | null, } | { "kind": "translate", to: string, 
/**
 * The input's language; detected when absent.
 */
from?: string | null, } | { "kind": "rewrite", mode: RewriteMode, } | { "kind": "classify", labels: Array<string>, } | { "kind": "extract" };

export type ResolvedJob = { 
/**
 * The input's language as detected, when the detector was sure.
 */
detected: string | null, } & ({ "kind": "summarize", style: SummaryStyle, 
/**
 * The summary's language; the input's own when absent.
 */
language?: string | null, } | { "kind": "translate", to: string, 
/**
 * The input's language; detected when absent.
 */
from?: string | null, } | { "kind": "rewrite", mode: RewriteMode, } | { "kind": "classify", labels: Array<string>, } | { "kind": "extract" });

export type Conversation = { id: number, title: string, model: string, createdAt: number, updatedAt: number, 
/**
 * The job and options that started it (`None` for a chat).
 */
job: ResolvedJob | null, 
/**
 * The last message of the branch shown (`None` before the first message).
 */
shownId: number | null, 
/**
 * The persona it talks with, if any.
 */
personaId: number | null, 
/**
 * Instructions of its own, in place of the persona's.
 */
instructions: string | null, };

export type Language = { 
/**
 * ISO 639-1, as in `--to fr`.
 */
code: string, name: string, };

export type Detection = { 
/**
 * One of `LANGUAGES`, when the text is in one of them and the detector is sure enough.
 */
language: Language | null, 
/**
 * The detector's guess by name, also for languages Hearth does not list.
 */
guess: string | null, confidence: number, };

export type Stage = "splitting" | "reading" | "combining" | "writing" | "translating" | "rewriting" | "classifying" | "extracting";

export type Progress = { stage: Stage, step: number, steps: number, };

export type Role = "system" | "user" | "assistant";

export type Message = { id: number, conversationId: number, role: Role, content: string, createdAt: number, 
/**
 * How a reply went; `None` for a person's message (and a reply imported without them).
 */
measurements: Measurements | null, 
/**
 * The model that wrote a reply (its file's name).
 */
model: string | null, 
/**
 * The message this one follows (`None` for a conversation's first message).
 */
parentId: number | null, 
/**
 * The ids of every version of this message (those with the same parent), oldest first,
 * this one among them.
 */
versions: Array<number>, };

export type Measurements = { promptTokens: number, 
/**
 * The reply's tokens.
 */
completionTokens: number, timeToFirstTokenMs: number | null, tokensPerSecond: number | null, 
/**
 * From the request reaching the engine to its last token (0 for replies kept before
 * Hearth timed them and imported without it).
 */
durationMs: number, 
/**
 * Stopped before its end (the Stop button, or cut short by an error).
 */
stopped: boolean, };

export type Completion = { 
/**
 * The answer; a thinking model's reasoning is in `thinking`, not here.
 */
text: string, thinking: string | null, 
/**
 * Earlier messages left out so the request fits the context window.
 */
droppedTurns: number, 
/**
 * The model that wrote it (its file's name).
 */
model: string, promptTokens: number, 
/**
 * The reply's tokens.
 */
completionTokens: number, timeToFirstTokenMs: number | null, tokensPerSecond: number | null, 
/**
 * From the request reaching the engine to its last token (0 for replies kept before
 * Hearth timed them and imported without it).
 */
durationMs: number, 
/**
 * Stopped before its end (the Stop button, or cut short by an error).
 */
stopped: boolean, };

export type ReplyEvent = { "kind": "started", conversation: Conversation, message: Message, } | { "kind": "token", text: string, } | { "kind": "note", text: string, } | { "kind": "progress" } & Progress | { "kind": "finished", message: Message, completion: Completion, };

export type Branch = { "kind": "next" } | { "kind": "edit", "id": number } | { "kind": "regenerate", "id": number };

export type DocumentKind = "text" | "markdown" | "html" | "pdf" | "docx" | "odt" | "csv" | "code";

export type DocumentInfo = { id: number, name: string, hash: string, size: number, kind: DocumentKind, 
/**
 * For formats with pages.
 */
pages: number | null, chars: number, addedAt: number, };

export type Passage = { chunkId: number, documentId: number, documentName: string, page: number | null, text: string, };

export type Source = { messageId: number, passage: Passage, };

export type Answer = { message: Message, sources: Array<Passage>, };

export type Added = { document: DocumentInfo, alreadyThere: boolean, };

export type Outcome = { "kind": "added" } & Added | { "kind": "failed", name: string, message: string, };

export type Reading = { name: string, index: number, total: number, page: number | null, pages: number | null, };

export type ConversationWithMessages = { conversation: Conversation, messages: Array<Message>, documents: Array<DocumentInfo>, sources: Array<Source>, };

export type SearchHit = { conversationId: number, title: string, 
/**
 * The matching message; `None` when the title is what matched.
 */
messageId: number | null, role: Role | null, 
/**
 * The matching part of the message (or the title), matches between `MATCH_START` and
 * `MATCH_END`.
 */
snippet: string, createdAt: number, };

export type Persona = { id: number, name: string, 
/**
 * The system prompt of its conversations.
 */
instructions: string, temperature: number, 
/**
 * The longest reply, in tokens.
 */
maxTokens: number, };

export type PersonaFields = { name: string, instructions: string, temperature: number, maxTokens: number, };

export type ExportFormat = "markdown" | "json";

export type PopupStyle = "sentence" | "bullets";

export type Settings = { 
/**
 * The global shortcut that opens the popup, as written by the user ("Ctrl+Shift+Space").
 */
shortcut: string, popupStyle: PopupStyle, 
/**
 * The language code "Translate instead" translates into.
 */
translateTo: string, 
/**
 * Closing the main window keeps Hearth in the tray, so the shortcut keeps working.
 */
closeToTray: boolean, 
/**
 * The model is unloaded (its memory returned) after this many seconds without a request;
 * 0 keeps it loaded.
 */
unloadAfterSeconds: number, 
/**
 * Where recommended models are downloaded from, laid out like Hugging Face (a company's
 * mirror); empty for `HEARTH_MODEL_MIRROR`, else Hugging Face.
 */
modelMirror: string, };

export type SettingsView = { settings: Settings, 
/**
 * Why the popup's shortcut does not work, when it does not.
 */
shortcutProblem: string | null, };

export type PopupAction = { "kind": "summarize", style: PopupStyle, } | { "kind": "translate" };

export type PopupEvent = { "kind": "started", action: PopupAction, 
/**
 * The language a translation goes into.
 */
target: string | null, } | { "kind": "job", event: ReplyEvent, } | { "kind": "done", completion: Completion, } | { "kind": "failed", message: string, } | { "kind": "closed" };

export type PopupMessage = { run: number, event: PopupEvent, };

export type CommandError = { message: string, };

export type KeptIn = "keyring" | "passphrase";

export type Needs = "passphrase" | "newPassphrase" | "keyring" | "tryAgain" | "newHistory";

export type HistoryState = { "state": "open", keptIn: KeptIn, } | { "state": "locked", needs: Needs, message: string, };

export type Asker = "chat" | "summarize" | "translate" | "rewrite" | "classify" | "extract" | "popup" | "document" | "api";

export type Period = "today" | "week" | "month" | "all";

export type Spread = { median: number | null, p90: number | null, };

export type Summary = { requests: number, stopped: number, promptTokens: number, completionTokens: number, 
/**
 * Over the requests that wrote anything.
 */
timeToFirstTokenMs: Spread, tokensPerSecond: Spread, 
/**
 * What the same tokens would have cost on the cloud model compared with, in US dollars.
 */
costAvoided: number, };

export type Group = { key: string, summary: Summary, };

export type Day = { 
/**
 * The local date, `YYYY-MM-DD`.
 */
date: string, total: Summary, sources: Array<Group>, models: Array<Group>, };

export type Price = { model: string, 
/**
 * US dollars per million prompt tokens.
 */
input: number, 
/**
 * US dollars per million reply tokens.
 */
output: number, 
/**
 * Where the figures were read ("you" for the person's own).
 */
source: string, 
/**
 * When they were read (a date, as written).
 */
taken: string, };

export type Prices = { 
/**
 * The model in `list` that costs are worked out with.
 */
compareWith: string, list: Array<Price>, };

export type Report = { total: Summary, 
/**
 * Every day of the period, oldest first, those without requests too (so charts show the
 * gaps); for all time, from the first request's day.
 */
days: Array<Day>, sources: Array<Group>, models: Array<Group>, 
/**
 * The local API's requests, by client (its token's name).
 */
clients: Array<Group>, comparedWith: Price | null, };
