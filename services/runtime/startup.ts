// Starts the parts of a long-running command (pipeline, review app, partner instance, feed) as one
// unit. Reads: a start function per part. Writes: nothing itself. Guarantees: start-up fails whole
// or succeeds whole: when a part cannot start, every part already started is stopped (newest first)
// and one STARTUP_FAILED error names the part and the reason; `stopAll` stops them the same way.
import { PrecursorRiskError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';

export interface Stoppable {
  stop(): Promise<unknown>;
}

export interface Startup {
  /** Starts one part; on failure stops what was started and throws STARTUP_FAILED naming `name`. */
  part<T extends Stoppable>(name: string, start: () => Promise<T> | T): Promise<T>;
  /** Stops every started part, newest first; a part's failure to stop is logged, not thrown. */
  stopAll(): Promise<void>;
  /** The parts started so far, oldest first. */
  readonly started: readonly string[];
}

/** Why a value failed, in one line: the first line of its message, with the system error code. */
export function oneLine(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const first = message.split('\n')[0]!.trim();
  const code = typeof e?.code === 'string' && !first.includes(e.code) ? ` (${e.code})` : '';
  return `${first}${code}`;
}

export function createStartup(logger: Logger, opts: { stopTimeoutMs?: number } = {}): Startup {
  const parts: Array<{ name: string; stop: () => Promise<void> }> = [];
  const stopTimeoutMs = opts.stopTimeoutMs ?? 15_000;

  async function stopAll(): Promise<void> {
    while (parts.length > 0) {
      const { name, stop } = parts.pop()!;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not stop within ${stopTimeoutMs} ms`)), stopTimeoutMs);
        timer.unref();
      });
      try {
        await Promise.race([stop(), timeout]);
      } catch (err) {
        logger.warn({ err, part: name }, 'a part did not stop cleanly');
      } finally {
        clearTimeout(timer);
      }
    }
  }

  return {
    get started() {
      return parts.map((p) => p.name);
    },
    async part<T extends Stoppable>(name: string, start: () => Promise<T> | T): Promise<T> {
      let value: T;
      try {
        value = await start();
      } catch (err) {
        await stopAll();
        throw new PrecursorRiskError('STARTUP_FAILED', `could not start ${name}: ${oneLine(err)}`, {
          cause: err,
        });
      }
      parts.push({ name, stop: async () => void (await value.stop()) });
      return value;
    },
    stopAll,
  };
}
