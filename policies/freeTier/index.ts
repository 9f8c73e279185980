/** Always Free budgets per tenancy (grouped by provider), from `data/free-tier-allowances.yaml`. */
import type { BlitzPolicy } from "../lib/policy";
import { a1Allowance } from "./a1Allowance";
import { a1Ceiling } from "./a1Ceiling";
import { autonomousDatabase } from "./autonomousDatabase";
import { blockStorage } from "./blockStorage";
import { loadBalancer } from "./loadBalancer";
import { microInstances } from "./microInstances";
import { networkLoadBalancer } from "./networkLoadBalancer";

export const freeTierPolicies: BlitzPolicy[] = [
    a1Allowance,
    a1Ceiling,
    microInstances,
    loadBalancer,
    networkLoadBalancer,
    blockStorage,
    autonomousDatabase,
];
