// The harness: run record shapes, history, verdict composition, the seeded schedule and run loop.
export type * from './record.js';
