// mulberry32, small, fast, seedable: every random test must be replayable from its printed seed. One copy, shared
// with the local server's seeded jitter.
export { seeded as prng } from '../../demo/server/jitter.js';
