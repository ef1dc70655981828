// The window's state: conversations, the open one, the reply being generated, the model, and
// the last error. Components read it and call its actions; only it calls the API.
import * as api from '../../lib/api';

/** What the conversation view needs to edit questions, regenerate replies and move between versions. */
export interface Branching {
  readonly editing: number | null;
  readonly generating: boolean;
  changeable(message: api.Message): boolean;
  startEdit(id: number | null): void;
  edit(id: number, text: string): Promise<void>;
  regenerate(id: number): Promise<void>;
  show(id: number): Promise<void>;
}

export class ChatState implements Branching {
  conversations = $state<api.Conversation[]>([]);
  current = $state<api.Conversation | null>(null);
  messages = $state<api.Message[]>([]);
  /** The reply as it streams in, while a generation runs. */
  streaming = $state<string | null>(null);
  generating = $state(false);
  model = $state<api.ModelState>({ state: 'loading' });
  lastCompletion = $state<api.Completion | null>(null);
  /** Where a running job is, for long jobs. */
  progress = $state<api.Progress | null>(null);
  /** The notes on a long text's parts while a job reads it (not part of the reply). */
  notes = $state('');
  error = $state<string | null>(null);
  /** What the last export or import did. */
  notice = $state<string | null>(null);
  /** The documents the open conversation is about (for a new one: those it will be about). */
  documents = $state<api.DocumentInfo[]>([]);
  /** The passages each answer used, by message id. */
  sources = $state<Record<number, api.Passage[]>>({});
  /** The persona a new conversation talks with, from its first message. */
  persona = $state<number | null>(null);
  /** The question being edited in place, if any. */
  editing = $state<number | null>(null);
  private generatingIn: number | null = null;

  async init(): Promise<void> {
    await this.refresh();
    try {
      this.model = await api.modelState();
    } catch (e) {
      this.model = { state: 'failed', message: api.errorText(e) };
    }
  }

  async refresh(): Promise<void> {
    await this.attempt(async () => {
      this.conversations = await api.listConversations();
    });
  }

  /** Opens a conversation; at message `at` (a search result) when given, on whatever branch it is. */
  async open(id: number, at: number | null = null): Promise<void> {
    await this.attempt(async () => {
      const { conversation, messages, documents, sources } = await api.openConversation(id);
      this.current = conversation;
      this.editing = null;
      this.messages =
        at === null || messages.some((m) => m.id === at) ? messages : await api.showBranch(id, at);
      this.documents = documents;
      this.sources = {};
      for (const { messageId, passage } of sources) {
        this.sources[messageId] = [...(this.sources[messageId] ?? []), passage];
      }
      this.streaming = this.generatingIn === id ? (this.streaming ?? '') : null;
    });
  }

  startNew(): void {
    this.current = null;
    this.editing = null;
    this.messages = [];
    this.streaming = null;
    this.documents = [];
    this.sources = {};
  }

  /** A new conversation about `doc`: the next message asks about it. */
  askAbout(doc: api.DocumentInfo): void {
    if (this.current === null && !this.documents.some((d) => d.id === doc.id)) {
      this.documents = [...this.documents, doc];
      return;
    }
    this.startNew();
    this.documents = [doc];
  }

  /**
   * Sends a chat message in the open conversation (a new one when none is open); a
   * conversation about documents is answered from them, with sources.
   */
  send(text: string): Promise<void> {
    return this.ask(text, { kind: 'next' });
  }

  /** Sends `text` as a new version of question `id`; the old version stays, one arrow away. */
  edit(id: number, text: string): Promise<void> {
    this.editing = null;
    return this.ask(text, { kind: 'edit', id });
  }

  /** Asks reply `id`'s question again; the new reply goes beside the old. */
  regenerate(id: number): Promise<void> {
    return this.ask('', { kind: 'regenerate', id });
  }

  private ask(text: string, branch: api.Branch): Promise<void> {
    const id = this.current?.id ?? null;
    const documents = this.documents.map((d) => d.id);
    const persona = id === null ? this.persona : null;
    // A conversation about documents is answered from them, with the passages as sources.
    if (documents.length === 0) {
      return this.stream(id, (onEvent) => api.sendMessage(id, text, branch, persona, onEvent));
    }
    return this.stream(id, async (onEvent) => {
      const answer = await api.askDocuments(id, text, documents, branch, persona, onEvent);
      if (answer.sources.length > 0) this.sources[answer.message.id] = answer.sources;
      return answer.message;
    });
  }

  /** The persona the open conversation talks with from its next reply (or a new one's). */
  async choosePersona(id: number | null): Promise<void> {
    const current = this.current;
    if (current === null) {
      this.persona = id;
      return;
    }
    await this.attempt(async () => {
      await api.setConversationPersona(current.id, id);
      this.changeCurrent(current.id, { personaId: id });
    });
  }

  /** Instructions of the open conversation's own, in place of its persona's (blank: none). */
  async setInstructions(text: string): Promise<void> {
    const current = this.current;
    if (current === null) return;
    await this.attempt(async () => {
      await api.setConversationInstructions(current.id, text);
      this.changeCurrent(current.id, { instructions: text.trim() === '' ? null : text.trim() });
    });
  }

  /** Shows version `id` of a message, with the newest replies after it. */
  async show(id: number): Promise<void> {
    const current = this.current;
    if (current === null || this.generating) return;
    await this.attempt(async () => {
      this.messages = await api.showBranch(current.id, id);
    });
  }

  /** A job's own text and result are not edited or regenerated in the chat; its follow-ups are. */
  changeable(message: api.Message): boolean {
    if (this.current?.job == null) return true;
    return message.parentId !== null && message.parentId !== this.messages[0]?.id;
  }

  /** Edits question `id` in place (`null`: stops editing). */
  startEdit(id: number | null): void {
    this.editing = this.generating ? null : id;
  }

  /** Up in an empty composer: edits the last question of the person's; false when there is none. */
  editLast(): boolean {
    const last = this.messages.filter((m) => m.role === 'user' && this.changeable(m)).at(-1);
    if (last === undefined || this.generating) return false;
    this.editing = last.id;
    return true;
  }

  /** Summarizes or translates a document into a new conversation about it. */
  runDocumentJob(doc: api.DocumentInfo, job: api.Job): Promise<void> {
    if (this.generating) return Promise.resolve();
    this.startNew();
    this.documents = [doc];
    return this.stream(null, (onEvent) => api.runDocumentJob(doc.id, job, onEvent));
  }

  /** Saves a reply as a text file named after the conversation. */
  async save(text: string): Promise<void> {
    // "Translation: notes.docx" becomes "Translation notes.docx.txt": no characters that
    // file systems refuse.
    const title = (this.current?.title ?? 'Hearth').replace(/[\\/:*?"<>|]+/g, '');
    const name = `${title.replace(/\s+/g, ' ').trim()}.txt`;
    await this.attempt(async () => {
      await api.saveText(name, text);
    });
  }

  /** Runs a job on `text`; its result streams into a new conversation. */
  runJob(job: api.Job, text: string): Promise<void> {
    if (this.generating) return Promise.resolve();
    this.startNew();
    return this.stream(null, (onEvent) => api.runJob(job, text, onEvent));
  }

  /** The one way a reply streams in, for chats and jobs alike. */
  private async stream(
    startIn: number | null,
    start: (onEvent: (event: api.ReplyEvent) => void) => Promise<api.Message>,
  ): Promise<void> {
    if (this.generating) return;
    this.error = null;
    this.generating = true;
    this.progress = null;
    this.notes = '';
    let conversationId = startIn;
    try {
      await start((event) => {
        if (event.kind === 'started') {
          conversationId = event.conversation.id;
          this.generatingIn = conversationId;
          if (this.current === null || this.current.id === conversationId) {
            this.current = event.conversation;
            // The message's branch leaves the one shown after its parent (an edit or a
            // regeneration), or at the end (a new message).
            const parent = event.message.parentId;
            const keep = parent === null ? 0 : this.messages.findIndex((m) => m.id === parent) + 1;
            this.messages = [...this.messages.slice(0, keep), event.message];
            this.streaming = '';
          }
          void this.refresh();
        } else if (event.kind === 'progress') {
          if (this.current?.id === conversationId) this.progress = event;
        } else if (event.kind === 'note') {
          if (this.current?.id === conversationId) this.notes += event.text;
        } else if (event.kind === 'token') {
          if (this.current?.id === conversationId) {
            this.streaming = (this.streaming ?? '') + event.text;
          }
        } else {
          this.generating = false;
          this.lastCompletion = event.completion;
          if (this.current?.id === conversationId) {
            this.messages = [...this.messages, event.message];
            this.streaming = null;
          }
        }
      });
    } catch (e) {
      this.fail(e);
      // Show what was stored, a reply cut short included.
      if (conversationId !== null && this.current?.id === conversationId) {
        await this.open(conversationId);
      }
    } finally {
      this.generating = false;
      this.generatingIn = null;
      this.streaming = null;
      this.progress = null;
      this.notes = '';
      await this.refresh();
    }
  }

  /** Exports one conversation (null: all of them) to a file the person picks. */
  async exportHistory(conversationId: number | null, format: api.ExportFormat): Promise<void> {
    this.notice = null;
    await this.attempt(async () => {
      if (await api.exportHistory(conversationId, format)) this.notice = 'Exported. The file is not encrypted: keep it somewhere private.';
    });
  }

  /** Imports the conversations of a JSON export the person picks. */
  async importHistory(): Promise<void> {
    this.notice = null;
    await this.attempt(async () => {
      const done = await api.importHistory();
      if (done === null) return;
      this.notice = done;
      await this.refresh();
    });
  }

  /** Copies `text` to the clipboard; false (with the error shown) when that failed. */
  copy(text: string): Promise<boolean> {
    return this.attempt(() => api.copyText(text));
  }

  async stop(): Promise<void> {
    await this.attempt(async () => {
      await api.stopGeneration();
    });
  }

  async rename(id: number, title: string): Promise<void> {
    await this.attempt(async () => {
      await api.renameConversation(id, title);
      this.changeCurrent(id, { title: title.trim() });
      await this.refresh();
    });
  }

  async remove(id: number): Promise<void> {
    await this.attempt(async () => {
      await api.deleteConversation(id);
      if (this.current?.id === id) this.startNew();
      await this.refresh();
    });
  }

  /** Changes the open conversation as stored, if it is still conversation `id`. */
  private changeCurrent(id: number, change: Partial<api.Conversation>): void {
    if (this.current?.id === id) this.current = { ...this.current, ...change };
  }

  fail(e: unknown): void {
    this.error = api.errorText(e);
  }

  /** Runs `work`, showing its error in the banner; false when it failed. */
  private async attempt(work: () => Promise<unknown>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }
}
