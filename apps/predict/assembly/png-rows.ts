// The PNG decoder's loops of @scratchnet/datasets (packages/datasets/src/image/png-rows.ts),
// compiled: the same byte arithmetic and the same float64 luma, so the same bytes and bits. Pointers
// are byte offsets laid out by the caller.

/**
 * Reverses the per-row filters of `rows` rows of `rowBytes` bytes (each after its filter byte) from
 * `at` in place, `bpp` bytes per pixel; returns -1, or the index of the first row whose filter is
 * unknown (the rows before it are done).
 */
export function unfilterRows(raw: usize, at: i32, rows: i32, rowBytes: i32, bpp: i32): i32 {
  const stride = rowBytes + 1;
  for (let r = 0; r < rows; r++) {
    const start = raw + <usize>(at + r * stride + 1);
    const prev = start - <usize>stride; // read only when r > 0
    const filter = load<u8>(start - 1);
    const n = rowBytes;
    if (filter === 0) continue;
    if (filter === 1) {
      for (let i = bpp; i < n; i++) {
        store<u8>(start + i, load<u8>(start + i) + load<u8>(start + i - bpp));
      }
    } else if (filter === 2) {
      if (r > 0) for (let i = 0; i < n; i++) store<u8>(start + i, load<u8>(start + i) + load<u8>(prev + i));
    } else if (filter === 3) {
      for (let i = 0; i < n; i++) {
        const left: i32 = i >= bpp ? load<u8>(start + i - bpp) : 0;
        const up: i32 = r > 0 ? load<u8>(prev + i) : 0;
        store<u8>(start + i, <i32>load<u8>(start + i) + ((left + up) >> 1));
      }
    } else if (filter === 4) {
      for (let i = 0; i < n; i++) {
        const a: i32 = i >= bpp ? load<u8>(start + i - bpp) : 0;
        const b: i32 = r > 0 ? load<u8>(prev + i) : 0;
        const c: i32 = i >= bpp && r > 0 ? load<u8>(prev + i - bpp) : 0;
        const pa = abs(b - c);
        const pb = abs(a - c);
        const pc = abs(a + b - 2 * c);
        const pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        store<u8>(start + i, <i32>load<u8>(start + i) + pred);
      }
    } else return r;
  }
  return -1;
}

/**
 * The `rows` rows of a pass of 8-bit gray, gray+alpha, RGB or RGBA samples (rows `stride` bytes
 * apart from `row`, `cols` pixels each) into `lum` and, when `alpha` is not 0, `alpha` (f32): row
 * r's pixels from pixel `first + r·rowStep`, every `dx`-th. `keyed`: a colour key (`key0`–`key2`)
 * makes matching pixels transparent. `table`: scratch for 256 f32.
 */
export function rowsOf8Bits(
  raw: usize,
  row: i32,
  stride: i32,
  rows: i32,
  cols: i32,
  channels: i32,
  first: i32,
  rowStep: i32,
  dx: i32,
  keyed: i32,
  key0: i32,
  key1: i32,
  key2: i32,
  lum: usize,
  alpha: usize,
  table: usize,
): void {
  const inv: f64 = 1.0 / 255.0;
  if (channels === 1 && !keyed && alpha === 0) {
    // Plain gray: the luminance of each of the 256 levels once (the same sum as below), then a
    // table lookup per pixel; `table` is scratch for 256 f32.
    for (let v = 0; v < 256; v++) {
      const luma = (0.299 * <f64>v + 0.587 * <f64>v + 0.114 * <f64>v) * inv;
      store<f32>(table + ((<usize>v) << 2), <f32>luma);
    }
    for (let r = 0; r < rows; r++) {
      const s = raw + <usize>(row + r * stride);
      let i = first + r * rowStep;
      for (let c = 0; c < cols; c++) {
        store<f32>(lum + ((<usize>i) << 2), load<f32>(table + ((<usize>load<u8>(s + <usize>c)) << 2)));
        i += dx;
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    let s = raw + <usize>(row + r * stride);
    let i = first + r * rowStep;
    for (let c = 0; c < cols; c++) {
      let red: i32;
      let green: i32;
      let blue: i32;
      let a = 255;
      if (channels <= 2) {
        red = green = blue = load<u8>(s);
        if (channels === 2) a = load<u8>(s + 1);
        else if (keyed && red === key0) a = 0;
      } else {
        red = load<u8>(s);
        green = load<u8>(s + 1);
        blue = load<u8>(s + 2);
        if (channels === 4) a = load<u8>(s + 3);
        else if (keyed && red === key0 && green === key1 && blue === key2) a = 0;
      }
      const luma = (0.299 * <f64>red + 0.587 * <f64>green + 0.114 * <f64>blue) * inv;
      store<f32>(lum + ((<usize>i) << 2), <f32>luma);
      if (alpha !== 0) store<f32>(alpha + ((<usize>i) << 2), <f32>(<f64>a * inv));
      s += <usize>channels;
      i += dx;
    }
  }
}

/**
 * The CRC-32 (of PNG chunks: polynomial 0xedb88320, reflected, inverted) of the `n` bytes at `p`,
 * as the library's `crc32`; `table` is scratch for 256 u32, built as the library builds it.
 */
export function crc32(p: usize, n: i32, table: usize): u32 {
  for (let bit: u32 = 1; bit < 256; bit <<= 1) {
    let c = bit;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    store<u32>(table + ((<usize>bit) << 2), c);
    for (let j: u32 = 1; j < bit; j++) {
      store<u32>(table + ((<usize>(bit | j)) << 2), c ^ load<u32>(table + ((<usize>j) << 2)));
    }
  }
  store<u32>(table, 0);
  let c: u32 = 0xffffffff;
  for (let i = 0; i < n; i++) {
    c = load<u32>(table + ((<usize>((c ^ <u32>load<u8>(p + <usize>i)) & 0xff)) << 2)) ^ (c >>> 8);
  }
  return c ^ 0xffffffff;
}
