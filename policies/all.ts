/**
 * Every policy of the BlitzHub pack, as plain arrays: the offline runner and the tests run
 * them in-process; only `index.ts` hands them to `new PolicyPack` (which starts a server).
 */
import { cisPolicies } from "./cis";
import { computePolicies } from "./compute";
import { dataProtectionPolicies } from "./dataProtection";
import { vcnOverlapTopology } from "./exposure/vcnOverlap";
import { exposurePolicies } from "./exposure";
import { freeTierPolicies } from "./freeTier";
import { hygienePolicies } from "./hygiene";
import { identityPolicies } from "./identity";
import { transportPolicies } from "./transport";
import type { BlitzPolicy } from "./lib/policy";

/** The pack: what `pulumi preview --policy-pack policies` enforces on each stack. */
export const policies: BlitzPolicy[] = [
    ...freeTierPolicies,
    ...exposurePolicies,
    ...computePolicies,
    ...dataProtectionPolicies,
    ...hygienePolicies,
    ...identityPolicies,
    ...transportPolicies,
    ...cisPolicies,
];

/** Stack policies the offline runner applies to all planned stacks together (the CLI sees one stack). */
export const topologyPolicies: BlitzPolicy[] = [vcnOverlapTopology];

export { freeTierPolicies, exposurePolicies, computePolicies, dataProtectionPolicies, hygienePolicies, identityPolicies, transportPolicies, cisPolicies };
