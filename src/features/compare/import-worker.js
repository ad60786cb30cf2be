// The import worker (started by src/features/compare/import.rs through src/util/worker.rs): reads a benchmark JSON
// off the main thread, so a file of any size up to the page's limit never stalls the page and
// its text never enters the app's wasm memory, which never shrinks.
//
// Contract. Posts {type: 'ready'} as soon as it runs (the client's start timeout watches for
// it). Then takes one request {type: 'import', file, maxLines, maxChars, tiers, textBackChars}
// and answers with progress messages {type: 'progress', phase: 'reading' | 'parsing', done,
// total} and exactly one of:
//   {type: 'parsed', json}      a compact JSON text: the file's top-level fields the page
//                               reads, its first `maxLines` result lines, `results_total` (how
//                               many the file held); every string cut to `maxChars`, every
//                               array or object the page does not read replaced by an empty
//                               one of the same type (so the page's own validation still names
//                               the wrong type), ±Infinity (a number too large for a double)
//                               as the string "Infinity". Its size is bounded by the request,
//                               whatever the file's.
//   {type: 'invalid', message, text}  not JSON: the parser's message, and the text itself only
//                               when it is at most `textBackChars` long (else null).
//   {type: 'error', message}    the file could not be read.
// Every limit comes in the request (src/features/compare/mod.rs holds them), none is decided here.
postMessage({ type: 'ready' });

/** A value the page does not read further, as small as it can be while keeping its type. */
function small(v, maxChars) {
  if (typeof v === 'string') return v.length > maxChars ? v.slice(0, maxChars) : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return [];
  if (v && typeof v === 'object') return {};
  return v;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Only `keys` of an object, each made small; anything else made small as a whole. */
function pick(v, keys, maxChars) {
  if (!isObject(v)) return small(v, maxChars);
  const out = {};
  for (const k of keys) if (Object.hasOwn(v, k)) out[k] = small(v[k], maxChars);
  return out;
}

function compactLine(r, req) {
  if (!isObject(r)) return small(r, req.maxChars);
  const out = {};
  for (const k of ['kernel', 'size']) if (Object.hasOwn(r, k)) out[k] = small(r[k], req.maxChars);
  if (Object.hasOwn(r, 'median_ns')) out.median_ns = pick(r.median_ns, req.tiers, req.maxChars);
  return out;
}

function compact(doc, req) {
  if (!isObject(doc)) return small(doc, req.maxChars);
  const out = {};
  for (const k of ['engine', 'engine_version', 'set', 'source_text']) {
    if (Object.hasOwn(doc, k)) out[k] = small(doc[k], req.maxChars);
  }
  if (Object.hasOwn(doc, 'env')) out.env = pick(doc.env, ['userAgent', 'browser', 'set', 'date'], req.maxChars);
  if (Object.hasOwn(doc, 'results')) {
    const r = doc.results;
    if (Array.isArray(r)) {
      out.results = r.slice(0, req.maxLines).map((line) => compactLine(line, req));
      out.results_total = r.length;
    } else {
      out.results = small(r, req.maxChars);
    }
  }
  return out;
}

/** The file's text, read in chunks so progress can be shown. */
async function readText(file) {
  const total = file.size;
  const reader = file.stream().getReader();
  const decoder = new TextDecoder();
  const parts = [];
  let done = 0;
  let last = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    done += chunk.value.byteLength;
    parts.push(decoder.decode(chunk.value, { stream: true }));
    const now = performance.now();
    if (now - last > 100) {
      last = now;
      postMessage({ type: 'progress', phase: 'reading', done, total });
    }
  }
  parts.push(decoder.decode());
  return parts.join('');
}

async function run(req) {
  let text;
  try {
    text = await readText(req.file);
  } catch (e) {
    postMessage({ type: 'error', message: String(e && e.message ? e.message : e) });
    return;
  }
  postMessage({ type: 'progress', phase: 'parsing', done: req.file.size, total: req.file.size });
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    postMessage({ type: 'invalid', message: String(e && e.message ? e.message : e), text: text.length <= req.textBackChars ? text : null });
    return;
  }
  text = null;
  postMessage({ type: 'parsed', json: JSON.stringify(compact(doc, req)) });
}

onmessage = (ev) => {
  const req = ev.data;
  if (!req || req.type !== 'import') return;
  run(req).catch((e) => postMessage({ type: 'error', message: String(e && e.message ? e.message : e) }));
};
