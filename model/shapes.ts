/** The two VM shapes of the Always Free tier, named once. */

/** Ampere A1 (arm64), flexible OCPUs and memory. */
export const A1_SHAPE = "VM.Standard.A1.Flex";
/** AMD E2 micro (amd64): 1 OCPU, 1 GB. */
export const MICRO_SHAPE = "VM.Standard.E2.1.Micro";
/** Every shape a VM may have. */
export const SHAPES = [A1_SHAPE, MICRO_SHAPE] as const;
export type Shape = (typeof SHAPES)[number];
