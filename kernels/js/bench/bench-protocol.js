// The benchmark worker's protocol: every message the page (src/features/bench/mod.rs `RunRequest`,
// src/features/sweep/mod.rs `SweepRequest`, a cancel) sends it, and every message it posts back (read by
// src/features/bench/mod.rs `WorkerMsg` and src/features/sweep/mod.rs `SweepMsg`, and by tests/bench/run.mjs). The worker
// builds its messages only here, and the tests check what it posts against `invalid`, so a
// renamed type or field shows in `node --test` before it shows as a stalled page.

/** The requests the worker accepts, by `type`. */
export const REQUEST = Object.freeze({ run: 'run', sweep: 'sweep', calibrate: 'calibrate', cancel: 'cancel' });

/** Every message the worker posts, by `type`, with the fields it always carries. */
export const FIELDS = Object.freeze({
  ready: [],
  tiers: ['status'],
  memory: ['bytes', 'modules'],
  ceilings: ['ceilings'],
  progress: ['kernel', 'size', 'tier', 'done', 'total'],
  row: ['row'],
  done: ['rows', 'summary', 'env', 'tiers', 'memory_bytes', 'ceilings', 'forms', 'thread_scaling'],
  calibrated: ['forms', 'elapsed_ms'],
  cancelled: [],
  error: ['message'],
  sweep_progress: ['tier', 'threads', 'n', 'done', 'total'],
  sweep_point: ['point'],
  sweep_done: ['elapsed_ms', 'timed_out'],
});

/** The worker's first word, posted as soon as its script runs: the page's start timeout waits
 *  for it. */
export const ready = () => ({ type: 'ready' });
/** Which tiers loaded: `{ [tier]: { ok, reason, load_ms } }`. */
export const tiers = (status) => ({ type: 'tiers', status });
/** Bytes of the worker's wasm memories: `{ bytes, modules: { [tier]: bytes } }`. */
export const memory = ({ bytes, modules }) => ({ type: 'memory', bytes, modules });
/** The case being timed: `{ kernel, size, tier, done, total }` from `runBench`. */
export const progress = (p) => ({ type: 'progress', ...p });
export const row = (r) => ({ type: 'row', row: r });
/** This engine's ceilings (bench.js `measureCeilings`), measured before the cases. */
export const ceilings = (c) => ({ type: 'ceilings', ceilings: c });
/** The finished run; `ceilings` again (null when they were not measured); `forms`: the form
 *  each wasm tier ran each kernel with forms in (`{ [tier]: { [kernel]: { form, by, … } } }`);
 *  `thread_scaling`: threads.js `threadScaling`'s answer when the run asked for it, else null. */
export const done = ({ rows, summary, env, tiers: status, memory_bytes, ceilings: c = null, forms = {}, thread_scaling = null }) =>
  ({ type: 'done', rows, summary, env, tiers: status, memory_bytes, ceilings: c, forms, thread_scaling });
/** The calibration's picks per wasm tier (bench.js `calibrate`) and what it took in all. */
export const calibrated = ({ forms, elapsed_ms }) => ({ type: 'calibrated', forms, elapsed_ms });
export const cancelled = () => ({ type: 'cancelled' });
/** A run or sweep that threw: its message, never the error object (it does not clone). */
export const error = (e) => ({ type: 'error', message: String(e?.message || e) });
/** The sweep's case being timed: `{ tier, threads, n, done, total }` from `runSweep`. */
export const sweepProgress = (p) => ({ type: 'sweep_progress', ...p });
export const sweepPoint = (point) => ({ type: 'sweep_point', point });
export const sweepDone = ({ elapsed_ms, timedOut }) => ({ type: 'sweep_done', elapsed_ms, timed_out: timedOut });

/** Why `msg` is not a message of this protocol, or null when it is one. */
export function invalid(msg) {
  if (msg === null || typeof msg !== 'object') return `not an object: ${msg}`;
  const fields = FIELDS[msg.type];
  if (!fields) return `unknown type ${JSON.stringify(msg.type)}`;
  const missing = fields.filter((f) => msg[f] === undefined);
  return missing.length ? `${msg.type} lacks ${missing.join(', ')}` : null;
}
