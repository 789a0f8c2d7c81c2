// Entry of the transfer-opening worker thread. A worker does not inherit the main thread's
// TypeScript loader when Accord was started through bin/accord.mjs, so it registers tsx itself.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import('./open-worker.ts');
// Loaded and listening: a spare (worker-spares.ts) can take a job at once.
parentPort.postMessage({ kind: 'loaded' });
