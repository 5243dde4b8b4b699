import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, pipelineConfigSchema, reviewConfigSchema } from './config.ts';

describe('config', () => {
  it('applies the contract defaults and freezes', () => {
    const c = loadConfig(pipelineConfigSchema, {});
    expect(c.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(c.CLICKHOUSE_URL).toBe('http://127.0.0.1:8123');
    expect(c.KAFKA_TOPIC).toBe('manifests.v1');
    expect(Object.isFrozen(c)).toBe(true);
    expect(loadConfig(reviewConfigSchema, {}).REVIEW_PORT).toBe(8080);
  });

  it('reads SECURE_COOKIES as a boolean, off unless set', () => {
    expect(loadConfig(reviewConfigSchema, {}).SECURE_COOKIES).toBe(false);
    expect(loadConfig(reviewConfigSchema, { SECURE_COOKIES: 'true' }).SECURE_COOKIES).toBe(true);
    expect(loadConfig(reviewConfigSchema, { SECURE_COOKIES: '0' }).SECURE_COOKIES).toBe(false);
    expect(() => loadConfig(reviewConfigSchema, { SECURE_COOKIES: 'yes please' })).toThrow(/SECURE_COOKIES/);
  });

  it('names the variable and what was expected, on one line', () => {
    const bad: [Record<string, string>, string][] = [
      [{ KAFKA_BROKERS: 'nonsense' }, 'KAFKA_BROKERS'],
      [{ CLICKHOUSE_URL: 'ftp://x' }, 'CLICKHOUSE_URL'],
      [{ REVIEW_PORT: '99999' }, 'REVIEW_PORT'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ];
    for (const [env, name] of bad) {
      const schema = name === 'REVIEW_PORT' ? reviewConfigSchema : pipelineConfigSchema;
      let error: unknown;
      try {
        loadConfig(schema, env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const msg = (error as Error).message;
      expect(msg).toContain(name);
      expect(msg).not.toContain('\n');
    }
  });

  it('parses broker lists', () => {
    expect(loadConfig(pipelineConfigSchema, { KAFKA_BROKERS: 'a:1, b.example:9093' }).KAFKA_BROKERS).toEqual([
      'a:1',
      'b.example:9093',
    ]);
  });
});
