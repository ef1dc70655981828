import { describe, expect, it } from 'vitest';
import { downloaded } from './models.svelte';

describe('download progress', () => {
  it('says how much arrived, how fast and how long is left', () => {
    expect(downloaded({ received: 41e6, total: 98e6, bytesPerSecond: 12e6 })).toBe('41 MB of 98 MB · 12 MB/s · 5 s left');
    expect(downloaded({ received: 5e6, total: null, bytesPerSecond: 0 })).toBe('5 MB');
  });
});
