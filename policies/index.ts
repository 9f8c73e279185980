/**
 * Entry point of the policy pack the Pulumi CLI runs:
 *
 *     pulumi preview -s eu --policy-pack policies
 *
 * `new PolicyPack` starts the analyzer's gRPC server, so nothing else imports this file; the
 * policies themselves live in `all.ts` and run in-process offline (`npm run check`).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./all";

new PolicyPack("blitzhub", {
    description: "BlitzHub: Always Free budgets per tenancy, network exposure, compute/storage hardening, data protection, hygiene.",
    policies,
});
