/**
 * The operators' WireGuard tunnel addresses (one /24 per bastion, plan/tunnelRoutes.ts). They are
 * routed through every VCN, so the topology's address space must not overlap them
 * (model/validate.ts says so with the line of `addressSpace`).
 */
export const WIREGUARD_TUNNEL_SPACE = "172.29.0.0/16";
