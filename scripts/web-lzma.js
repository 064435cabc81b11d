// The single file's WebAssembly is carried LZMA-compressed (scripts/web.py): a third smaller
// than gzip, which is what takes the file under its bound. Browsers inflate only gzip and
// deflate themselves, so the page decodes LZMA here: a range decoder over the adaptive bit
// models of the LZMA format (raw LZMA1 data, no header: web.py states the properties and the
// decoded size). The whole output is the dictionary, so matches copy from it directly.
//
// The input is the page's own data block, but it is still checked: a distance before the
// start, a length past the stated size or data that ends early throw, never read outside.

const PROB_INIT = 1024;
const POS_SLOT_BITS = 6;
const END_POS_MODEL = 14;
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;
const STATES = 12;
const MAX_POS_BITS = 4;

/** A decoder of `size` bytes from raw LZMA1 data with literal context bits `lc`, literal
 * position bits `lp` and position bits `pb`: `until(limit)` decodes on until at least `limit`
 * bytes of `out` are decoded (or all of them) and returns how many are. */
export function lzmaDecoder(input, size, lc, lp, pb) {
  const out = new Uint8Array(size);
  let inPos = 0;
  const next = () => {
    if (inPos >= input.length) throw new Error("lzma: data ends early");
    return input[inPos++];
  };
  if (next() !== 0) throw new Error("lzma: bad range coder start");
  // The range coder's range and code, in a Float64Array: they reach 2^32, past the engine's
  // small integers, and a variable that the closures share would hold each new value boxed
  // (a quarter slower).
  const rc = new Float64Array(2);
  rc[0] = 0xffffffff;
  for (let i = 0; i < 4; i++) rc[1] = rc[1] * 256 + next();

  const bit = (probs, i) => {
    const p = probs[i];
    let range = rc[0];
    let code = rc[1];
    const bound = Math.floor(range / 2048) * p;
    let b;
    if (code < bound) {
      range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      b = 0;
    } else {
      range -= bound;
      code -= bound;
      probs[i] = p - (p >>> 5);
      b = 1;
    }
    if (range < 0x1000000) {
      range *= 256;
      code = code * 256 + next();
    }
    rc[0] = range;
    rc[1] = code;
    return b;
  };
  const direct = (count) => {
    let res = 0;
    let range = rc[0];
    let code = rc[1];
    for (let i = 0; i < count; i++) {
      range = Math.floor(range / 2);
      let b = 0;
      if (code >= range) {
        code -= range;
        b = 1;
      }
      res = res * 2 + b;
      if (range < 0x1000000) {
        range *= 256;
        code = code * 256 + next();
      }
    }
    rc[0] = range;
    rc[1] = code;
    return res;
  };
  const tree = (probs, base, bits) => {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | bit(probs, base + m);
    return m - (1 << bits);
  };
  const reverse = (probs, base, bits) => {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = bit(probs, base + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  };
  const probs = (n) => new Uint16Array(n).fill(PROB_INIT);
  const lenCoder = () => ({
    choice: probs(2),
    low: probs(8 << MAX_POS_BITS),
    mid: probs(8 << MAX_POS_BITS),
    high: probs(256),
  });
  const length = (c, posState) => {
    if (bit(c.choice, 0) === 0) return tree(c.low, posState << 3, 3);
    if (bit(c.choice, 1) === 0) return 8 + tree(c.mid, posState << 3, 3);
    return 16 + tree(c.high, 0, 8);
  };

  const literals = probs(0x300 << (lc + lp));
  const isMatch = probs(STATES << MAX_POS_BITS);
  const isRep = probs(STATES);
  const isRepG0 = probs(STATES);
  const isRepG1 = probs(STATES);
  const isRepG2 = probs(STATES);
  const isRep0Long = probs(STATES << MAX_POS_BITS);
  const posSlots = probs(4 << POS_SLOT_BITS);
  const posCoders = probs(1 + FULL_DISTANCES - END_POS_MODEL);
  const align = probs(1 << ALIGN_BITS);
  const lens = lenCoder();
  const repLens = lenCoder();

  const pbMask = (1 << pb) - 1;
  const lpMask = (1 << lp) - 1;
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  let pos = 0;

  const distance = (len) => {
    const lenState = len < 3 ? len : 3;
    const slot = tree(posSlots, lenState << POS_SLOT_BITS, POS_SLOT_BITS);
    if (slot < 4) return slot;
    const bits = (slot >>> 1) - 1;
    let dist = ((2 | (slot & 1)) << bits) >>> 0;
    if (slot < END_POS_MODEL) return dist + reverse(posCoders, dist - slot, bits);
    dist = (dist + ((direct(bits - ALIGN_BITS) << ALIGN_BITS) >>> 0)) >>> 0;
    return (dist + reverse(align, 0, ALIGN_BITS)) >>> 0;
  };

  const until = (limit) => {
    while (pos < limit) {
      const posState = pos & pbMask;
      if (bit(isMatch, (state << MAX_POS_BITS) + posState) === 0) {
        const prev = pos > 0 ? out[pos - 1] : 0;
        const base = 0x300 * (((pos & lpMask) << lc) + (prev >>> (8 - lc)));
        let sym = 1;
        if (state >= 7) {
          if (rep0 >= pos) throw new Error("lzma: distance before the start");
          let matchByte = out[pos - rep0 - 1];
          while (sym < 0x100) {
            const matchBit = (matchByte >>> 7) & 1;
            matchByte <<= 1;
            const b = bit(literals, base + ((1 + matchBit) << 8) + sym);
            sym = (sym << 1) | b;
            if (matchBit !== b) break;
          }
        }
        while (sym < 0x100) sym = (sym << 1) | bit(literals, base + sym);
        out[pos++] = sym & 0xff;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len;
      if (bit(isRep, state) === 0) {
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        len = length(lens, posState);
        state = state < 7 ? 7 : 10;
        rep0 = distance(len);
        if (rep0 === 0xffffffff) throw new Error("lzma: end marker before the stated size");
      } else {
        if (pos === 0) throw new Error("lzma: distance before the start");
        if (bit(isRepG0, state) === 0) {
          if (bit(isRep0Long, (state << MAX_POS_BITS) + posState) === 0) {
            state = state < 7 ? 9 : 11;
            if (rep0 >= pos) throw new Error("lzma: distance before the start");
            out[pos] = out[pos - rep0 - 1];
            pos++;
            continue;
          }
        } else {
          let dist;
          if (bit(isRepG1, state) === 0) {
            dist = rep1;
          } else {
            if (bit(isRepG2, state) === 0) {
              dist = rep2;
            } else {
              dist = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = dist;
        }
        len = length(repLens, posState);
        state = state < 7 ? 8 : 11;
      }
      len += 2;
      if (rep0 >= pos) throw new Error("lzma: distance before the start");
      if (len > size - pos) throw new Error("lzma: a match past the stated size");
      let from = pos - rep0 - 1;
      const end = pos + len;
      while (pos < end) out[pos++] = out[from++];
    }
    return pos;
  };
  return { out, until };
}

/** The bytes `lzmaDecoder` decodes, as a stream of pieces of `piece` bytes: a consumer that
 * works as the bytes arrive (WebAssembly's streaming compile) starts on the first piece while
 * the rest are decoded. */
export function lzmaStream(input, size, lc, lp, pb, piece) {
  const decoder = lzmaDecoder(input, size, lc, lp, pb);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      const end = decoder.until(Math.min(sent + piece, size));
      controller.enqueue(decoder.out.slice(sent, end));
      sent = end;
      if (sent >= size) controller.close();
    },
  });
}
