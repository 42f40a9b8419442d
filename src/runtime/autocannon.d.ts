// The part of autocannon 8's API infra uses (it ships no types; @types/autocannon describes 7).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  interface Instance extends EventEmitter {
    stop(): void;
  }
  function autocannon(options: Record<string, unknown>): Instance;
  export default autocannon;
}
