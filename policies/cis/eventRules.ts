/**
 * CIS 4.3–4.12, 4.15 and 4.18: an enabled Events rule in every tenancy that sends the listed
 * changes to a Notifications topic. The event types are the ones each recommendation's audit
 * procedure lists (CIS OCI Foundations Benchmark v3.0.0). Cloud Guard problems (4.15) concern
 * only the tenancies that run Cloud Guard: the pay-as-you-go ones.
 */
import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { EVENT_RULES, eventRuleSlug, type EventRuleSpec } from "../../plan/securityBaseline";
import { isAlwaysFree, policyContext } from "../lib/context";
import { cisFull, type BlitzStackPolicy } from "../lib/policy";
import { isTrue } from "../lib/props";
import { whenKnown } from "../lib/unknown";
import { ociTenancies, reportOffenders, tenancyBlame } from "./aggregate";

// The event types live in the plan, which creates the rules from the same list.
export { EVENT_RULES, type EventRuleSpec } from "../../plan/securityBaseline";

/** Event types an Events rule's condition (a JSON string) names. */
export function conditionEventTypes(rule: PolicyResource): string[] {
    const condition = whenKnown(() => rule.props.condition, undefined);
    if (typeof condition !== "string") return [];
    try {
        const parsed = JSON.parse(condition) as { eventType?: unknown };
        const types = Array.isArray(parsed.eventType) ? parsed.eventType : [parsed.eventType];
        return types.filter((t): t is string => typeof t === "string").map((t) => t.trim());
    } catch {
        return [];
    }
}

/** True when the rule is enabled and has an enabled action to a Notifications topic. */
function notifies(rule: PolicyResource): boolean {
    if (!isTrue(whenKnown(() => rule.props.isEnabled, true))) return false;
    const actions = whenKnown(() => ((rule.props.actions ?? {}) as { actions?: unknown }).actions, []);
    return Array.isArray(actions) && actions.some((a) => a !== null && typeof a === "object" && (a as Record<string, unknown>).actionType === "ONS" && (a as Record<string, unknown>).isEnabled !== false);
}

function eventRulePolicy(spec: EventRuleSpec): BlitzStackPolicy {
    const slug = eventRuleSlug(spec);
    const which = spec.payAsYouGoOnly ? "pay-as-you-go tenancy" : "tenancy";
    return {
        name: `cis-events-${slug}`,
        description: `Every ${which} has an enabled Events rule that notifies a topic of ${spec.what}.`,
        enforcementLevel: "mandatory",
        remediationSteps: `Create an oci.events.Rule with an ONS action to the tenancy's topic and condition {"eventType": [${spec.eventTypes.map((t) => JSON.stringify(t)).join(", ")}]}.`,
        frameworks: { cis: cisFull(spec.cis), checkov: [] },
        validateStack: (args, reportViolation) => {
            const context = spec.payAsYouGoOnly ? policyContext() : undefined;
            const tenancies = ociTenancies(args.resources).filter((t) => !context || !isAlwaysFree(context, t.label));
            if (tenancies.length === 0) args.notApplicable(`no ${which} in the stack`);
            const covered = (resources: PolicyResource[]) => {
                const types = new Set(resources.filter((r) => r.isType(oci.events.Rule) && notifies(r)).flatMap(conditionEventTypes));
                return spec.eventTypes.every((t) => types.has(t));
            };
            const missing = tenancies.filter((t) => !covered(t.resources)).map(tenancyBlame);
            reportOffenders(missing, tenancies.length, "tenancies", `are not notified of ${spec.what}`, reportViolation);
        },
    };
}

export const eventRulePolicies: BlitzStackPolicy[] = EVENT_RULES.map(eventRulePolicy);
