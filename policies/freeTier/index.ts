/** Always Free budgets per tenancy (grouped by provider), from `data/free-tier-allowances.yaml`. */
import type { BlitzPolicy } from "../lib/policy";
import { a1Allowance } from "./a1Allowance";
import { a1Ceiling } from "./a1Ceiling";
import { alwaysFreeTenancy } from "./alwaysFreeTenancy";
import { autonomousDatabase } from "./autonomousDatabase";
import { blockStorage } from "./blockStorage";
import { loadBalancer } from "./loadBalancer";
import { microInstances } from "./microInstances";
import { networkLoadBalancer } from "./networkLoadBalancer";
import { vaultKeyVersions } from "./vaultKeyVersions";

export const freeTierPolicies: BlitzPolicy[] = [
    alwaysFreeTenancy,
    a1Allowance,
    a1Ceiling,
    microInstances,
    loadBalancer,
    networkLoadBalancer,
    blockStorage,
    autonomousDatabase,
    vaultKeyVersions,
];
