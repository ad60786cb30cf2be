// Kernel forms (issue 28 part 3): the SIMD modules carry two forms of LIF, STDP, efficiency and
// block sums (kernels/ABI.md "Kernel forms"); the page's calibration times both and selects
// the faster per kernel. Here: the names against the Rust side, the choice as a pure function
// of its timings, selection and its refusals in every module, and a calibration that selects
// what it reports, keeps overrides, and stops at its budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CALIBRATION_BUDGET_MS, CALIBRATION_ROUNDS, FORMS, FORM_TIE, calibrate, calibrationBatchCalls, liveModel, pickForm, selectForms } from '../bench/bench.js';
import { RELAXED_OK, loadModule } from './modules.mjs';

const vectors = JSON.parse(readFileSync(process.env.SASI_JS_VECTORS || new URL('../../../target/js-vectors.json', import.meta.url).pathname, 'utf8'));
const BAD_ARGUMENT = -6;

test("the kernels and forms are the Rust side's, in its order", () => {
  assert.deepEqual(FORMS, vectors.forms);
  assert.ok(CALIBRATION_BUDGET_MS <= 150, 'at most 150 ms in all (issue 28)');
});

test("the choice is the lower of the forms' least times, and a tie keeps the form the module starts in", () => {
  assert.deepEqual(pickForm({ lanes: [2, 3, 2.1], loop: [1, 1.1, 5] }, 'lanes'), { form: 'loop', ratio: 2 });
  assert.equal(pickForm({ lanes: [1, 1, 1], loop: [3, 3, 3] }, 'loop').form, 'lanes');
  // Rounds another thread preempted (the slow ones) do not decide: loop's least is 1.
  assert.equal(pickForm({ lanes: [1.5, 1.5, 1.5, 1.5], loop: [9, 1, 8, 7] }, 'lanes').form, 'loop');
  const near = 1 + FORM_TIE / 2;
  assert.deepEqual(pickForm({ lanes: [near], loop: [1] }, 'lanes').form, 'lanes', 'within the tie: the start form');
  assert.deepEqual(pickForm({ lanes: [near], loop: [1] }, 'loop').form, 'loop');
  assert.deepEqual(pickForm({ lanes: [], loop: [1] }, 'lanes'), { form: 'lanes', ratio: 1 }, 'no timings: no change');
  assert.deepEqual(pickForm({ lanes: [NaN, NaN], loop: [1] }, 'loop'), { form: 'loop', ratio: 1 });
  assert.deepEqual(pickForm({ lanes: [0, 0], loop: [1] }, 'loop'), { form: 'loop', ratio: 1 }, 'a clock that did not move: no change');
  // The same timings give the same answer, whatever their order.
  const t = { lanes: [3, 1, 2], loop: [1.5, 1.4, 9] };
  assert.deepEqual(pickForm(t, 'lanes'), pickForm({ lanes: [2, 3, 1], loop: [9, 1.5, 1.4] }, 'lanes'));
  // The GEMM's forms by their own names.
  const gemm = ['broadcast', 'shuffle'];
  assert.deepEqual(pickForm({ broadcast: [3, 3.1, 2.9], shuffle: [2, 2, 2.1] }, 'broadcast', gemm), { form: 'shuffle', ratio: 2.9 / 2 });
  assert.equal(pickForm({ broadcast: [2, 2], shuffle: [2.1, 2.1] }, 'broadcast', gemm).form, 'broadcast');
});

test("a timed batch is sized from the forms' whole warm-ups, not from one call the clock cannot resolve", () => {
  // 3 µs a call: 1 ms of batch is 333 calls, whatever one call read on a 20 µs clock.
  assert.equal(calibrationBatchCalls([{ calls: 1000, ms: 3 }, { calls: 2000, ms: 6 }], 1), 333);
  // A slow kernel: one call per batch at least.
  assert.equal(calibrationBatchCalls([{ calls: 30, ms: 90 }, { calls: 30, ms: 90 }], 1), 1);
  // A clock that never moved (or no calls): the cap, not a division by zero.
  assert.equal(calibrationBatchCalls([{ calls: 30, ms: 0 }, { calls: 30, ms: 0 }], 1), calibrationBatchCalls([], 1));
  assert.ok(calibrationBatchCalls([], 1) >= 200, 'the cap is a millisecond of a few-µs call');
  assert.equal(calibrationBatchCalls([{ calls: 1e6, ms: 1 }], 1), calibrationBatchCalls([], 1), 'capped');
});

test('every module selects each form of each kernel, reports it, and refuses others', async () => {
  for (const name of ['scalar', 'simd', ...(RELAXED_OK ? ['relaxed'] : [])]) {
    const x = await loadModule(name);
    for (let k = 0; k < FORMS.kernels.length; k++) {
      // The scalar module starts in its plain loops; the GEMM starts in broadcast everywhere.
      const start = name === 'scalar' && FORMS.kernels[k] !== 'dense_batch' ? 1 : 0;
      assert.equal(x.variant_form(k), start, `${name} ${FORMS.kernels[k]} starts in ${FORMS.forms[k][start]}`);
      for (let f = 0; f < FORMS.forms[k].length; f++) {
        assert.equal(x.variant_select(k, f), 0);
        assert.equal(x.variant_form(k), f);
      }
      assert.equal(x.variant_select(k, 2), BAD_ARGUMENT, 'no third form');
      assert.equal(x.variant_form(k), 1, 'a refused selection changes nothing');
    }
    assert.equal(x.variant_select(5, 0), BAD_ARGUMENT, 'no sixth kernel');
    assert.equal(x.variant_form(5), BAD_ARGUMENT);
    selectForms(x, { stdp: 'lanes', lif_step: { form: 'lanes' }, dense_batch: 'broadcast' });
    assert.equal(x.variant_form(1), 0);
    assert.equal(x.variant_form(0), 0);
    assert.equal(x.variant_form(4), 0);
    assert.throws(() => selectForms(x, { stdp: 'vector' }), /unknown kernel form/);
    assert.throws(() => selectForms(x, { dense_batch: 'loop' }), /unknown kernel form/, "the GEMM's forms are its own");
  }
});

test('a calibration selects what it reports, keeps overrides untimed, and stops at its budget', async () => {
  const scalar = await loadModule('scalar'), simd = await loadModule('simd');
  const model = liveModel(scalar);
  const r = calibrate(simd, model, { budgetMs: 1e9, overrides: { efficiency: 'loop' } });
  assert.deepEqual(Object.keys(r.forms), FORMS.kernels);
  FORMS.kernels.forEach((k, i) => {
    const f = r.forms[k];
    const names = FORMS.forms[i];
    assert.equal(names[simd.variant_form(i)], f.form, `${k}: the module runs what the calibration says`);
    if (k === 'efficiency') assert.deepEqual(f, { form: 'loop', by: 'override' });
    else {
      assert.ok(['timing', 'tie'].includes(f.by), JSON.stringify(f));
      assert.equal(f.ms[names[0]].length, CALIBRATION_ROUNDS);
      assert.equal(f.ms[names[1]].length, CALIBRATION_ROUNDS);
      assert.equal(pickForm(f.ms, names[0], names).form, f.form, 'the choice follows from the reported timings');
    }
  });
  const none = calibrate(await loadModule('simd'), model, { budgetMs: -1 });
  assert.ok(Object.entries(none.forms).every(([k, f]) => f.by === 'budget' && f.form === (k === 'dense_batch' ? 'broadcast' : 'lanes')), JSON.stringify(none.forms));
  assert.throws(() => calibrate(simd, model, { overrides: { stdp: 'vector' } }), /no form "vector"/);
});
