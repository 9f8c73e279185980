import { PROJECT_RULE, type BlitzResourcePolicy } from "../lib/policy";

/** Mandatory: a default provider would deploy into whatever tenancy ~/.oci/config points at. */
export const explicitProvider: BlitzResourcePolicy = {
    name: "explicit-provider",
    description: "Every OCI resource names its account's oci.Provider explicitly (never a default provider).",
    enforcementLevel: "mandatory",
    remediationSteps: "Pass { provider: <the account's oci.Provider>, parent: this } in the resource options.",
    frameworks: PROJECT_RULE,
    validateResource: (args, reportViolation) => {
        if (!args.type.startsWith("oci:")) args.notApplicable("applies to OCI resources");
        if (!args.provider) {
            reportViolation(`${args.name} (${args.type}) has no explicit provider`);
        } else if (/^default(_|$)/.test(args.provider.name)) {
            reportViolation(`${args.name} (${args.type}) uses the default provider ${args.provider.name}`);
        }
    },
};
