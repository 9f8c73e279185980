import { accountSlug } from "../../plan/addressPlan";
import { offlineFacts } from "../lib/offline";
import { PROJECT_RULE, type BlitzResourcePolicy } from "../lib/policy";
import { freeformTags } from "../lib/props";

/**
 * Mandatory: a resource of EU-FE-01 goes through EU-FE-01's provider (named by its slug,
 * `eu-fe-01`), never another account's, or it lands in the wrong tenancy. The account is the
 * resource's `account` tag and, offline, its account component too.
 */
export const providerMatchesAccount: BlitzResourcePolicy = {
    name: "provider-matches-account",
    description: "Every OCI resource of an account uses that account's provider (named by its slug), never another tenancy's.",
    enforcementLevel: "mandatory",
    remediationSteps: "Pass the owning account component's provider (ctx.provider of that account) and tag the resource with that account.",
    frameworks: PROJECT_RULE,
    validateResource: (args, reportViolation) => {
        const provider = args.type.startsWith("oci:") ? args.provider : undefined;
        if (!provider) return args.notApplicable("applies to OCI resources with a provider");
        const claims = [
            ["account tag", freeformTags(args.props).account],
            ["account component", offlineFacts(args)?.account ?? undefined],
        ].filter((c): c is [string, string] => typeof c[1] === "string" && c[1] !== "");
        for (const [source, account] of claims) {
            if (accountSlug(account) !== provider.name) {
                reportViolation(`${args.name} belongs to ${account} (${source}) but uses provider ${provider.name}, not ${accountSlug(account)}`);
            }
        }
    },
};
