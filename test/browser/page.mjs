// The browser test's page script: loads adjoint as <script type="module"> from a CDN-style path,
// applies ?config=, runs the workload with ?variants=, and leaves the results in window.__results.
import * as ad from '/npm/adjoint@0.1.0/dist/index.js';
import { workload } from '/workload.mjs';

const params = new URLSearchParams(location.search);
const violations = (window.__violations = []); // CSP reports arrive as events, possibly after the results
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
try {
  ad.config(JSON.parse(params.get('config') ?? '{}'));
  const results = workload(ad, JSON.parse(params.get('variants')));
  results.backendInfo = ad.backendInfo();
  window.__results = results;
} catch (e) {
  window.__results = { error: `${e.name}: ${e.message}\n${e.stack}` };
}
