// tanh over the lanes of a vector of doubles, Math.tanh's bits (native/vmath.cc's algorithm, in its
// file comment), written once and compiled twice: native/vmath.cc includes this file in two
// namespaces, once with ADJOINT_LANES_TARGET empty (four lanes, the build's AVX2) and once with
// AVX-512's target (eight lanes). Every function here carries that target: GCC lowers vector
// operations a function's own target lacks into scalar code before inlining, so the eight-lane
// version must be compiled as AVX-512 code from the start (a template instantiated from an
// AVX-512 function compared its lanes one at a time). Needs v4d, v4i, v4u, v8d, v8i, v8u.

// A vector of doubles' companions: its integer vectors (comparison masks, bit patterns) and width.
template <class D> struct Lanes;
template <> struct Lanes<v4d> { typedef v4i I; typedef v4u U; static constexpr int N = 4; };
template <> struct Lanes<v8d> { typedef v8i I; typedef v8u U; static constexpr int N = 8; };

template <class D> ADJOINT_LANES_TARGET __attribute__((always_inline)) inline D splat(double v) {
  D r;
  for (int i = 0; i < Lanes<D>::N; i++) r[i] = v;
  return r;
}
template <class D> ADJOINT_LANES_TARGET __attribute__((always_inline)) inline D fromBits(uint64_t b) {
  double v;
  std::memcpy(&v, &b, sizeof v);
  return splat<D>(v);
}
// WebAssembly's v128.bitselect(a, b, mask): a's bits where the mask is set, b's elsewhere.
// (Masks here are comparisons' all-ones or all-zeros lanes, so a lane-wise choice: a blend, or on
// eight lanes a masked move from the comparison's mask register.)
template <class D> ADJOINT_LANES_TARGET __attribute__((always_inline)) inline D select(D a, D b, typename Lanes<D>::I mask) {
  return mask != 0 ? a : b;
}
ADJOINT_LANES_TARGET inline v4d truncate(v4d v) {
#if defined(__AVX__)
  return (v4d)_mm256_round_pd((__m256d)v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
#else
  return (v4d){std::trunc(v[0]), std::trunc(v[1]), std::trunc(v[2]), std::trunc(v[3])};
#endif
}
// Toward zero through int64 and back (AVX-512DQ's conversions): exact wherever tanh reads k (|k| < 64);
// lanes out of int64's range (|x| ≥ 22, NaN) get some k, and their result is selected from elsewhere.
ADJOINT_LANES_TARGET __attribute__((always_inline)) inline v8d truncate(v8d v) { return __builtin_convertvector(__builtin_convertvector(v, v8i), v8d); }

const double INVLN2 = 1.44269504088896338700;
const double LN2_HI = 6.93147180369123816490e-1;  // 0x3fe62e42 fee00000
const double LN2_LO = 1.90821492927058770002e-10;
const double Q1 = -3.33333333333331316428e-2, Q2 = 1.58730158725481460165e-3, Q3 = -7.93650757867487942473e-5,
             Q4 = 4.00821782732936239552e-6, Q5 = -2.01099218183624371326e-7;
const double EXP_MAGIC = 4503599627371519.0;  // 2^52 + 1023: k added to it sits in the low bits, ready for the exponent field
const uint64_t SIGN = 0x8000000000000000ull;

// tanh of a vector's lanes (four, or eight where the CPU has AVX-512), the operations of tanhCode in its order.
template <class D> ADJOINT_LANES_TARGET __attribute__((always_inline)) inline D tanhLanes(D x) {
  typedef typename Lanes<D>::I I;
  typedef typename Lanes<D>::U U;
  const D HALF_LN2 = fromBits<D>(0x3fd62e4300000000ull), THREE_HALVES_LN2 = fromBits<D>(0x3ff0a2b200000000ull);
  const U sign = (U)fromBits<D>(SIGN);
  const D a = (D)((U)x & ~sign);  // |x|
  const I b = a >= splat<D>(1);
  const D u = select<D>(a * splat<D>(2), -(a * splat<D>(2)), b);  // 2|x| from 1 on, −2|x| below
  // k: 0 below HALF_LN2, −1 below THREE_HALVES_LN2, else trunc(u/ln2 ± 1/2) (the half with u's sign)
  const D half = (D)(((U)u & sign) | (U)splat<D>(0.5));
  D k = select<D>(splat<D>(-1), truncate(u * splat<D>(INVLN2) + half), a * splat<D>(2) < THREE_HALVES_LN2);
  k = select<D>(k, splat<D>(0), a * splat<D>(2) >= HALF_LN2);
  D h = u - k * splat<D>(LN2_HI);
  D c = k * splat<D>(LN2_LO);
  const D r = h - c;
  c = (h - r) - c;
  h = r * splat<D>(0.5);
  const D s = r * h;
  D e = s * splat<D>(Q5) + splat<D>(Q4);
  e = e * s + splat<D>(Q3);
  e = e * s + splat<D>(Q2);
  e = e * s + splat<D>(Q1);
  e = e * s + splat<D>(1);
  D y = splat<D>(3) - e * h;
  e = s * ((e - y) / (splat<D>(6) - r * y));
  D z = r - (r * e - s);
  e = ((r * (e - c)) - c) - s;
  // 2^k (w) and 2^−k (h) from the bits
  const D w = (D)((U)(k + splat<D>(EXP_MAGIC)) << 52);
  h = (D)((U)(splat<D>(EXP_MAGIC) - k) << 52);
  y = ((r - (e + h)) + splat<D>(1)) * w;
  y = select<D>(((splat<D>(1) - h) - (e - r)) * w, y, k < splat<D>(20));
  y = select<D>(((splat<D>(1) - (e - r)) * w) - splat<D>(1), y, (k <= splat<D>(-2)) | (k > splat<D>(56)));
  y = select<D>(splat<D>(0.5) * (r - e) - splat<D>(0.5), y, k == splat<D>(-1));
  y = select<D>(z, y, k == splat<D>(0));
  // tanh |x|: 1 − 2/(y + 2) from 1 on, −y/(y + 2) below — one division, its numerator chosen per
  // lane (each lane divides what its branch divides: the same bits as dividing both); then |x|
  // itself below 2^−28, 1 from 22 on, and x's sign
  const D q = select<D>(splat<D>(2), -y, b) / (y + splat<D>(2));
  z = select<D>(splat<D>(1) - q, q, b);
  z = select<D>(a, z, a < splat<D>(0x1p-28));
  z = select<D>(splat<D>(1), z, a >= splat<D>(22));
  // NaN: x's own NaN, quieted — what Math.tanh returns (fdlibm's 1/x ± 1 passes x's payload and
  // sign through). Not left to the arithmetic above: which operand's NaN an instruction passes on is
  // the compiler's choice (clang's build returned −NaN for +NaN, through u = −2|x|).
  const U QUIET = (U)fromBits<D>(0x0008000000000000ull);
  z = select<D>((D)((U)a | QUIET), z, a != a);
  return (D)(((U)x & sign) | (U)z);
}

