import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { isAlwaysFree, policyContext } from "../lib/context";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { whenKnown } from "../lib/unknown";
import { groupByTenancy } from "../lib/tenancy";

/** An HSM-protected key (the Vault default when protectionMode is not set). */
function isHsmKey(r: PolicyResource): boolean {
    return r.isType(oci.kms.Key) && whenKnown(() => r.props.protectionMode ?? "HSM", "HSM") === "HSM";
}

/**
 * Mandatory in Always Free tenancies: their Vault holds at most 20 HSM-protected key versions,
 * each key's first version included. Every rotation (`keyRotations`) adds one per key: the
 * API would refuse the 21st (LimitExceeded), so the check says it first.
 */
export const vaultKeyVersions: BlitzStackPolicy = {
    name: "free-tier-vault-key-versions",
    description: "An Always Free tenancy's HSM keys and their rotations (oci.kms.KeyVersion) stay within the Always Free HSM key versions (20).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Keep the tenancy within allowances.vault.hsmKeyVersions: fewer keyRotations dates (rotate yearly, not more often) or move the tenancy to pay-as-you-go, where extra versions are billed.",
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const context = policyContext();
        const allowed = context.allowances.allowances.vault.hsmKeyVersions;
        const tenancies = groupByTenancy(args.resources).filter((t) => isAlwaysFree(context, t.label));
        if (tenancies.length === 0) args.notApplicable("no Always Free tenancy in the stack");
        for (const tenancy of tenancies) {
            const keys = tenancy.resources.filter(isHsmKey);
            const versions = tenancy.resources.filter((r) => r.isType(oci.kms.KeyVersion) && keys.some((k) => r.propertyDependencies?.keyId?.some((d) => d.urn === k.urn)));
            const used = keys.length + versions.length;
            if (keys.length > 0 && used > allowed) {
                reportViolation(
                    `${tenancy.label}: ${keys.length} HSM key(s) with ${versions.length} rotation(s) hold ${used} key versions, more than the Always Free ${allowed} (allowances.vault.hsmKeyVersions); the API would answer LimitExceeded`,
                    versions.at(-1)?.urn ?? keys[0].urn,
                );
            }
        }
    },
};
