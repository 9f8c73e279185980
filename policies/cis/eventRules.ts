/**
 * CIS 4.3–4.12 and 4.18: an enabled Events rule in every tenancy that sends the listed changes to
 * a Notifications topic. The event types are the ones each recommendation's audit procedure
 * lists (CIS OCI Foundations Benchmark v3.0.0).
 */
import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { cisFull, type BlitzStackPolicy } from "../lib/policy";
import { isTrue } from "../lib/props";
import { whenKnown } from "../lib/unknown";
import { ociTenancies, reportOffenders, tenancyBlame } from "./aggregate";

const IDENTITY = "com.oraclecloud.identitycontrolplane.";
const NETWORK = "com.oraclecloud.virtualnetwork.";
const crud = (prefix: string, noun: string) => ["create", "delete", "update"].map((verb) => `${prefix}${verb}${noun}`);

export interface EventRuleSpec {
    cis: string;
    /** `identity provider changes`. */
    what: string;
    eventTypes: string[];
}

export const EVENT_RULES: EventRuleSpec[] = [
    { cis: "4.3", what: "identity provider changes", eventTypes: crud(IDENTITY, "identityprovider") },
    { cis: "4.4", what: "IdP group mapping changes", eventTypes: crud(IDENTITY, "idpgroupmapping") },
    { cis: "4.5", what: "IAM group changes", eventTypes: crud(IDENTITY, "group") },
    { cis: "4.6", what: "IAM policy changes", eventTypes: crud(IDENTITY, "policy") },
    { cis: "4.7", what: "user changes", eventTypes: [...crud(IDENTITY, "user"), `${IDENTITY}updateusercapabilities`, `${IDENTITY}updateuserstate`] },
    { cis: "4.8", what: "VCN changes", eventTypes: crud(NETWORK, "vcn") },
    { cis: "4.9", what: "route table changes", eventTypes: [`${NETWORK}changeroutetablecompartment`, ...crud(NETWORK, "routetable")] },
    { cis: "4.10", what: "security list changes", eventTypes: [`${NETWORK}changesecuritylistcompartment`, ...crud(NETWORK, "securitylist")] },
    { cis: "4.11", what: "network security group changes", eventTypes: [`${NETWORK}changenetworksecuritygroupcompartment`, ...crud(NETWORK, "networksecuritygroup")] },
    {
        cis: "4.12",
        what: "network gateway changes",
        eventTypes: [
            ...crud(NETWORK, "drg"),
            ...crud(NETWORK, "drgattachment"),
            `${NETWORK}changeinternetgatewaycompartment`,
            ...crud(NETWORK, "internetgateway"),
            `${NETWORK}changelocalpeeringgatewaycompartment`,
            `${NETWORK}createlocalpeeringgateway`,
            `${NETWORK}deletelocalpeeringgateway.end`,
            `${NETWORK}updatelocalpeeringgateway`,
            "com.oraclecloud.natgateway.changenatgatewaycompartment",
            ...crud("com.oraclecloud.natgateway.", "natgateway"),
            "com.oraclecloud.servicegateway.attachserviceid",
            "com.oraclecloud.servicegateway.changeservicegatewaycompartment",
            "com.oraclecloud.servicegateway.createservicegateway",
            "com.oraclecloud.servicegateway.deleteservicegateway.end",
            "com.oraclecloud.servicegateway.detachserviceid",
            "com.oraclecloud.servicegateway.updateservicegateway",
        ],
    },
    { cis: "4.18", what: "local user authentication", eventTypes: ["com.oraclecloud.identitysignon.interactivelogin"] },
];

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
    const slug = spec.what.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/-$/, "");
    return {
        name: `cis-events-${slug}`,
        description: `Every tenancy has an enabled Events rule that notifies a topic of ${spec.what}.`,
        enforcementLevel: "advisory",
        remediationSteps: `Create an oci.events.Rule with an ONS action to the tenancy's topic and condition {"eventType": [${spec.eventTypes.map((t) => JSON.stringify(t)).join(", ")}]}.`,
        frameworks: { cis: cisFull(spec.cis), checkov: [] },
        validateStack: (args, reportViolation) => {
            const tenancies = ociTenancies(args.resources);
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
