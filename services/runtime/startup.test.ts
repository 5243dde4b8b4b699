import { describe, expect, it } from 'vitest';
import { PrecursorRiskError } from '../common/errors.ts';
import { createRootLogger } from '../common/logger.ts';
import { createStartup, oneLine } from './startup.ts';

const logger = createRootLogger('silent');

describe('startup', () => {
  it('stops the parts already started, newest first, and names the part that failed', async () => {
    const events: string[] = [];
    const startup = createStartup(logger);
    const part = (name: string) => ({ stop: async () => void events.push(`stop ${name}`) });
    await startup.part('the pipeline', () => part('pipeline'));
    await startup.part('the review app', async () => part('review'));
    const failing = startup.part('the partner app', () => {
      throw Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8081\nstack'), {
        code: 'EADDRINUSE',
      });
    });
    await expect(failing).rejects.toThrow(
      'could not start the partner app: listen EADDRINUSE: address already in use 127.0.0.1:8081',
    );
    await failing.catch((err: unknown) => {
      expect(err).toBeInstanceOf(PrecursorRiskError);
      expect((err as PrecursorRiskError).code).toBe('STARTUP_FAILED');
    });
    expect(events).toEqual(['stop review', 'stop pipeline']);
    expect(startup.started).toEqual([]);
  });

  it('stopAll stops each part once and survives a part that fails or hangs on stop', async () => {
    const events: string[] = [];
    const startup = createStartup(logger, { stopTimeoutMs: 50 });
    await startup.part('a', () => ({ stop: async () => void events.push('a') }));
    await startup.part('hangs', () => ({ stop: () => new Promise<void>(() => {}) }));
    await startup.part('b', () => ({
      stop: async () => {
        events.push('b');
        throw new Error('boom');
      },
    }));
    expect(startup.started).toEqual(['a', 'hangs', 'b']);
    await startup.stopAll();
    await startup.stopAll();
    expect(events).toEqual(['b', 'a']);
  });

  it('oneLine keeps the first line and adds the system code when the message lacks it', () => {
    expect(oneLine(Object.assign(new Error('no such file\nat x'), { code: 'ENOENT' }))).toBe(
      'no such file (ENOENT)',
    );
    expect(oneLine(new Error('ENOENT: no such file'))).toBe('ENOENT: no such file');
    expect(oneLine('plain')).toBe('plain');
  });
});
