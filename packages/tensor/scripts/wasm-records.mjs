// The one table of the records the JS side writes into wasm memory for the kernels to read in place:
// scripts/build-wasm.mjs generates from it both the AssemblyScript classes (assembly/generated/records.ts)
// and the TypeScript writers (src/backends/wasm/generated/records.ts), so the two layouts cannot drift.
// Each field: [AssemblyScript field, TypeScript geometry property]; every field is an i32.
export const RECORDS = {
  /** A convolution's geometry (src/shape.ts Conv2dGeometry, batch excluded: kernels get sample ranges). */
  Geom: {
    from: 'Conv2dGeometry',
    fields: [
      ['C', 'inChannels'],
      ['H', 'inHeight'],
      ['W', 'inWidth'],
      ['O', 'outChannels'],
      ['kh', 'kernelH'],
      ['kw', 'kernelW'],
      ['sh', 'strideH'],
      ['sw', 'strideW'],
      ['ph', 'padH'],
      ['pw', 'padW'],
      ['oh', 'outHeight'],
      ['ow', 'outWidth'],
    ],
  },
  /** A pooling window's geometry (Pool2dGeometry, batch and channels excluded: kernels get plane ranges). */
  PoolGeom: {
    from: 'Pool2dGeometry',
    fields: [
      ['H', 'inHeight'],
      ['W', 'inWidth'],
      ['kh', 'kernelH'],
      ['kw', 'kernelW'],
      ['sh', 'strideH'],
      ['sw', 'strideW'],
      ['ph', 'padH'],
      ['pw', 'padW'],
      ['oh', 'outHeight'],
      ['ow', 'outWidth'],
    ],
  },
};
