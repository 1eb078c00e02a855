// W2L, the CRF log-partition of W2 at n=1000.
import { crf } from './w2.mjs';

export default crf('W2L', 1000);
