import type { OnboardingProgress, Store } from '../../../src/store/types';

/** A store whose next `getProgress` holds its result until released: a replica paused between reading progress and writing it. */
export interface PausedRead {
  store: Store;
  /** Resolves once the paused read has read the row. */
  read: Promise<OnboardingProgress | undefined>;
  release(): void;
}

/**
 * Wraps `store` so that the first `getProgress` after this call reads the row, then waits for
 * `release()` before handing it back; later reads (a retry) go straight through. Everything
 * else is the store itself, so the paused step commits through the real database.
 */
export function pauseNextRead(store: Store): PausedRead {
  let signal!: (p: OnboardingProgress | undefined) => void;
  let release!: () => void;
  const read = new Promise<OnboardingProgress | undefined>((resolve) => (signal = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let armed = true;
  const paused = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'getProgress') {
        return async (platform: string, userId: string) => {
          const progress = await target.getProgress(platform, userId);
          if (!armed) return progress;
          armed = false;
          signal(progress);
          await released;
          return progress;
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: paused, read, release };
}
