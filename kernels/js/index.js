// The plain-JS baseline: kernels over typed arrays, and the ABI that makes it a tier.
export * from './rng.js';
export * from './activation.js';
export * from './dense.js';
export * from './lif.js';
export * from './stdp.js';
export * from './efficiency.js';
export * from './blocks.js';
export * from './probe.js';
export * as abi from './abi.js';
