import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Completion, Conversation, Measurements, Message, ReplyEvent } from '../../lib/api';

// The window's state over a stand-in for the backend: what the state does with the events a
// reply streams (the real backend's side is tested end to end).
vi.mock('../../lib/api', async (original) => ({
  ...(await original<typeof import('../../lib/api')>()),
  listConversations: vi.fn(async () => []),
  openConversation: vi.fn(),
  sendMessage: vi.fn(),
}));

import * as api from '../../lib/api';
import { ChatState } from './chat.svelte';

const conversation: Conversation = {
  id: 7,
  title: 'Hello',
  model: 'model.gguf',
  createdAt: 0,
  updatedAt: 0,
  job: null,
  shownId: null,
  personaId: null,
  instructions: null,
};

function message(id: number, role: 'user' | 'assistant', content: string, parentId: number | null): Message {
  return {
    id,
    conversationId: 7,
    role,
    content,
    createdAt: 0,
    measurements: null,
    model: null,
    parentId,
    versions: [id],
  };
}

const measured: Measurements = {
  promptTokens: 12,
  completionTokens: 3,
  timeToFirstTokenMs: 40,
  tokensPerSecond: 30,
  durationMs: 140,
  stopped: false,
};

const completion: Completion = { text: 'Hi there.', thinking: null, droppedTurns: 0, model: 'model.gguf', ...measured };

const question = message(1, 'user', 'Hello', null);
const reply = message(2, 'assistant', 'Hi there.', 1);

describe('ChatState.send', () => {
  beforeEach(() => vi.clearAllMocks());

  it('shows the question at once, the reply as it streams, then the stored reply', async () => {
    const chat = new ChatState();
    const seen: (string | null)[] = [];
    vi.mocked(api.sendMessage).mockImplementation(async (_id, _text, _branch, _persona, onEvent) => {
      const events: ReplyEvent[] = [
        { kind: 'started', conversation, message: question },
        { kind: 'token', text: 'Hi' },
        { kind: 'token', text: ' there.' },
      ];
      for (const event of events) {
        onEvent(event);
        seen.push(chat.streaming);
      }
      expect(chat.generating).toBe(true);
      expect(chat.messages.map((m) => m.content)).toEqual(['Hello']);
      onEvent({ kind: 'finished', message: reply, completion });
      return reply;
    });

    await chat.send('Hello');

    expect(api.sendMessage).toHaveBeenCalledWith(null, 'Hello', { kind: 'next' }, null, expect.any(Function));
    expect(seen).toEqual(['', 'Hi', 'Hi there.']);
    expect(chat.current?.id).toBe(7);
    expect(chat.messages.map((m) => [m.id, m.content])).toEqual([
      [1, 'Hello'],
      [2, 'Hi there.'],
    ]);
    expect(chat.streaming).toBeNull();
    expect(chat.generating).toBe(false);
    expect(chat.lastCompletion).toEqual(completion);
    expect(chat.error).toBeNull();
  });

  it('on an error after the start, says why and shows what was stored', async () => {
    const chat = new ChatState();
    const cut = { ...reply, content: 'Hi', measurements: { ...measured, completionTokens: 1, stopped: true } };
    vi.mocked(api.sendMessage).mockImplementation(async (_id, _text, _branch, _persona, onEvent) => {
      onEvent({ kind: 'started', conversation, message: question });
      onEvent({ kind: 'token', text: 'Hi' });
      throw { message: 'The model failed while answering: out of memory' };
    });
    vi.mocked(api.openConversation).mockResolvedValue({
      conversation,
      messages: [question, cut],
      documents: [],
      sources: [],
    });

    await chat.send('Hello');

    expect(chat.error).toBe('The model failed while answering: out of memory');
    expect(api.openConversation).toHaveBeenCalledWith(7);
    expect(chat.messages.map((m) => [m.content, m.measurements?.stopped ?? false])).toEqual([
      ['Hello', false],
      ['Hi', true],
    ]);
    expect(chat.streaming).toBeNull();
    expect(chat.generating).toBe(false);
  });

  it('a reply to another conversation does not stream into the one shown', async () => {
    const chat = new ChatState();
    chat.current = { ...conversation, id: 9 };
    vi.mocked(api.sendMessage).mockImplementation(async (_id, _text, _branch, _persona, onEvent) => {
      onEvent({ kind: 'started', conversation, message: question });
      onEvent({ kind: 'token', text: 'Hi' });
      expect(chat.streaming).toBeNull();
      onEvent({ kind: 'finished', message: reply, completion });
      return reply;
    });

    await chat.send('Hello');

    expect(chat.current?.id).toBe(9);
    expect(chat.messages).toEqual([]);
  });
});
