// adjoint's side of the paired rounds (./paired.mjs), in a process of its own, as its rows were
// timed (./own-child.mjs): node bench/pair-child.mjs <id>. After '@@ready', each stdin line
// {"size": s, "impl": name, "ms": budget} times that implementation's value and gradient on the
// workload of size s for one slot (./timing.mjs timeSlot; warmed up on its first request) and
// answers '@@t {"ms": median, "runs": calls}'.
import { createInterface } from 'node:readline';
import { ownImpls, select } from './harness.mjs';
import { timeSlot } from './timing.mjs';

const [id] = process.argv.slice(2);
const workloads = select([id]);
/** Per size: the workload's data and its implementations (set up on the first request). */
const ready = new Map();
const warmed = new Set();

function vgOf(size, implName) {
  if (!ready.has(size)) {
    const w = workloads.find((x) => x.size === size);
    if (!w) throw new Error(`pair-child: ${id} has no size ${size}`);
    ready.set(size, { d: w.setup(), impls: ownImpls(w) });
  }
  const { d, impls } = ready.get(size);
  const impl = impls.find((p) => p.impl === implName);
  if (!impl) throw new Error(`pair-child: ${id} ${size} has no implementation ${implName}`);
  if (impl.prepare && !impl.prepared) {
    impl.prepare(d);
    impl.prepared = true;
  }
  return () => impl.vg(d);
}

process.stdout.write('@@ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { size, impl, ms } = JSON.parse(line);
  const key = `${size}|${impl}`;
  const t = timeSlot(vgOf(size, impl), ms, !warmed.has(key));
  warmed.add(key);
  process.stdout.write(`@@t ${JSON.stringify(t)}\n`);
}
