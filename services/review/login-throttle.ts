// Login rate limiting: counts failed sign-ins per client address and per user name in a sliding
// window and refuses further attempts (429 with Retry-After) once either is over its limit.
// In memory, like sessions. Guarantees: a success does not reset the per-address count.
export interface LoginThrottle {
  /** Seconds to wait, or 0 when an attempt may proceed. */
  retryAfter(ip: string, username: string): number;
  recordFailure(ip: string, username: string): void;
  recordSuccess(username: string): void;
}

export interface LoginThrottleOptions {
  clock: { now(): Date };
  windowMs?: number;
  maxPerUser?: number;
  maxPerAddress?: number;
}

export function createLoginThrottle(opts: LoginThrottleOptions): LoginThrottle {
  const windowMs = opts.windowMs ?? 15 * 60_000;
  const maxPerUser = opts.maxPerUser ?? 5;
  const maxPerAddress = opts.maxPerAddress ?? 20;
  const failures = new Map<string, number[]>();
  const now = () => opts.clock.now().getTime();

  const recent = (key: string, t: number): number[] => {
    const list = (failures.get(key) ?? []).filter((x) => t - x < windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  const wait = (list: number[], max: number, t: number) =>
    list.length < max ? 0 : Math.ceil((list[list.length - max]! + windowMs - t) / 1000);

  return {
    retryAfter(ip, username) {
      const t = now();
      return Math.max(
        wait(recent(`ip:${ip}`, t), maxPerAddress, t),
        wait(recent(`user:${username.toLowerCase()}`, t), maxPerUser, t),
      );
    },
    recordFailure(ip, username) {
      const t = now();
      for (const key of [`ip:${ip}`, `user:${username.toLowerCase()}`])
        failures.set(key, [...recent(key, t), t]);
      if (failures.size > 100_000) failures.clear(); // a flood of names must not exhaust memory
    },
    recordSuccess(username) {
      failures.delete(`user:${username.toLowerCase()}`);
    },
  };
}
