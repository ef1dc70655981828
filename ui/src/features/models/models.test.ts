import { describe, expect, it } from 'vitest';
import { ModelsState, downloaded, fileName, speed } from './models.svelte';

describe('download progress', () => {
  it('says how much arrived, how fast and how long is left', () => {
    expect(downloaded({ received: 41e6, total: 98e6, bytesPerSecond: 12e6 })).toBe('41 MB of 98 MB · 12 MB/s · 5 s left');
    expect(downloaded({ received: 5e6, total: null, bytesPerSecond: 0 })).toBe('5 MB');
  });
});

describe('a model\'s speed', () => {
  it('is "about" until measured here', () => {
    expect(speed({ tokensPerSecond: 23.6, measured: false })).toBe('about 24 tokens/s here');
    expect(speed({ tokensPerSecond: 7.25, measured: false })).toBe('about 7.3 tokens/s here');
    expect(speed({ tokensPerSecond: 31.4, measured: true })).toBe('31 tokens/s here');
  });
});

describe('the built-in model', () => {
  const model = (path: string) => ({
    path,
    name: 'm',
    architecture: 'llama',
    contextWindow: 4096,
    fileSize: 1,
  });

  it('is told apart by its file name on any system', () => {
    expect(fileName('/home/a/models/SmolLM2-135M-Instruct.Q4_1.gguf')).toBe('SmolLM2-135M-Instruct.Q4_1.gguf');
    expect(fileName('C:\\Users\\a\\models\\SmolLM2-135M-Instruct.Q4_1.gguf')).toBe('SmolLM2-135M-Instruct.Q4_1.gguf');
    const models = new ModelsState();
    models.builtIn = 'SmolLM2-135M-Instruct.Q4_1.gguf';
    const builtIn = model('C:\\models\\SmolLM2-135M-Instruct.Q4_1.gguf');
    expect(models.usesBuiltIn({ state: 'ready', model: builtIn })).toBe(true);
    expect(models.usesBuiltIn({ state: 'unloaded', model: builtIn })).toBe(true);
    expect(models.usesBuiltIn({ state: 'ready', model: model('/m/qwen2.5-1.5b-instruct-q4_k_m.gguf') })).toBe(false);
    expect(models.usesBuiltIn({ state: 'loading' })).toBe(false);
  });
});
