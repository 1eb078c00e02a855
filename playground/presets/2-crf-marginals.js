// CRF marginals as a heat map
// A linear-chain CRF over 16 positions and 5 tags: p(y_t = k) is the gradient of log Z with
// respect to the emission scores, [n, C]; the dots mark the Viterbi path (the gradient of the max score).
const n = 16, C = 5;
const crf = new ad.LinearChainCRF({
  emissions: ad.random.normal([n, C], 3),
  transitions: ad.mul(ad.random.normal([C, C], 4), 1.5),
});
const { unary } = crf.marginals();
const { tags, score } = crf.argmax();
heatmap(ad.transpose(unary), {
  title: 'p(tag k at position t)', xLabel: 'position t', yLabel: 'tag k', min: 0, max: 1,
  marks: tags.map((k, t) => [k, t]),
});
print('each position sums to one:', ad.sum(unary, 1));
print('Viterbi tags:', tags, 'score:', score);
print('log Z =', crf.logPartition());
