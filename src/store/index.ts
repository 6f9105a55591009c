export { openStore } from './open';
export { ResilientStore } from './resilient';
export { StoreBotStorage } from './botframeworkStorage';
export { StoreError, isStoreError, redactUrl } from './errors';
export type { StoreErrorCode } from './errors';
export type * from './types';
