/**
 * Tenancy-level controls of the baseline (issue #16): Cloud Guard (CIS 4.14) and Security Zones
 * in pay-as-you-go tenancies — Always Free ones have neither, and the CIS report says not
 * applicable there —, Vulnerability Scanning of every tenancy's instances, audit retention at
 * OCI's maximum, and a budget with alert rules (an Always Free one alerts at the first cent).
 */
import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { AUDIT_RETENTION_DAYS } from "../../plan/securityBaseline";
import { isAlwaysFree, policyContext } from "../lib/context";
import { cisFull, PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { toNumber } from "../lib/props";
import { whenKnown } from "../lib/unknown";
import { ociTenancies, reportOffenders, tenancyBlame } from "./aggregate";

type Tenancy = ReturnType<typeof ociTenancies>[number];

/** A tenancy-wide control: `missing` names what the tenancy lacks, or undefined when it has it. */
function tenancyControl(spec: {
    name: string;
    description: string;
    remediationSteps: string;
    frameworks: BlitzStackPolicy["frameworks"];
    /** Only pay-as-you-go tenancies (Always Free ones cannot have the service). */
    paidOnly?: boolean;
    problem: string;
    satisfied: (tenancy: Tenancy) => boolean;
}): BlitzStackPolicy {
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: "mandatory",
        remediationSteps: spec.remediationSteps,
        frameworks: spec.frameworks,
        validateStack: (args, reportViolation) => {
            const context = spec.paidOnly ? policyContext() : undefined;
            const tenancies = ociTenancies(args.resources).filter((t) => !context || !isAlwaysFree(context, t.label));
            if (tenancies.length === 0) args.notApplicable(spec.paidOnly ? "no pay-as-you-go tenancy in the stack" : "no OCI tenancy in the stack");
            const missing = tenancies.filter((t) => !spec.satisfied(t)).map(tenancyBlame);
            reportOffenders(missing, tenancies.length, spec.paidOnly ? "pay-as-you-go tenancies" : "tenancies", spec.problem, reportViolation);
        },
    };
}

const read = (r: PolicyResource, key: string) => whenKnown(() => r.props[key], undefined);
const atRoot = (r: PolicyResource) => String(read(r, "compartmentId") ?? "").startsWith("ocid1.tenancy.");

/** A Cloud Guard target on the root compartment with detector and responder recipes attached. */
function rootTarget(r: PolicyResource): boolean {
    if (!r.isType(oci.cloudguard.Target) || read(r, "targetResourceType") !== "COMPARTMENT") return false;
    if (!String(read(r, "targetResourceId") ?? "").startsWith("ocid1.tenancy.")) return false;
    const recipes = (key: string) => whenKnown(() => (r.props[key] ?? []) as unknown[], []);
    return recipes("targetDetectorRecipes").length > 0 && recipes("targetResponderRecipes").length > 0;
}

export const cloudGuardEnabled = tenancyControl({
    name: "cis-cloud-guard-enabled",
    description: "Every pay-as-you-go tenancy enables Cloud Guard at its root compartment, with a root target of detector and responder recipes (Always Free tenancies cannot).",
    remediationSteps:
        "Create an oci.cloudguard.CloudGuardConfiguration { compartmentId: <tenancy OCID>, status: ENABLED, reportingRegion: <home region> } and an oci.cloudguard.Target on the tenancy (targetResourceType COMPARTMENT) with Oracle's managed detector recipes and responder recipe.",
    frameworks: { cis: cisFull("4.14"), checkov: [] },
    paidOnly: true,
    problem: "do not enable Cloud Guard at the root compartment with a target of its recipes",
    satisfied: (t) =>
        t.resources.some((r) => r.isType(oci.cloudguard.CloudGuardConfiguration) && read(r, "status") === "ENABLED" && atRoot(r)) && t.resources.some(rootTarget),
});

export const securityZones = tenancyControl({
    name: "security-zones-paid-tenancies",
    description: "Every pay-as-you-go tenancy puts its workload and data compartments in Security Zones (Always Free tenancies cannot).",
    remediationSteps: "Create an oci.cloudguard.SecurityRecipe of Oracle's Security Zone policies and an oci.cloudguard.SecurityZone per compartment holding volumes or buckets.",
    frameworks: PROJECT_RULE,
    paidOnly: true,
    problem: "have no Security Zone",
    satisfied: (t) => t.resources.some((r) => r.isType(oci.cloudguard.SecurityZone)) && t.resources.some((r) => r.isType(oci.cloudguard.SecurityRecipe)),
});

export const vulnerabilityScanning = tenancyControl({
    name: "vulnerability-scanning",
    description: "Every tenancy with instances scans them (a Vulnerability Scanning host scan recipe and target).",
    remediationSteps: "Create an oci.vulnerabilityscanning.HostScanRecipe and a HostScanTarget on the instances' compartment, and enable the agent's Vulnerability Scanning plugin.",
    frameworks: PROJECT_RULE,
    problem: "do not scan their instances for vulnerabilities",
    satisfied: (t) => {
        const instances = t.resources.filter((r) => r.isType(oci.core.Instance));
        if (instances.length === 0) return true;
        const targets = new Set(t.resources.filter((r) => r.isType(oci.vulnerabilityscanning.HostScanTarget)).map((r) => read(r, "targetCompartmentId")));
        return instances.every((i) => targets.has(read(i, "compartmentId")));
    },
});

export const auditRetention = tenancyControl({
    name: "audit-retention-maximum",
    description: `Every tenancy keeps audit events for ${AUDIT_RETENTION_DAYS} days, OCI's maximum.`,
    remediationSteps: `Create an oci.audit.Configuration { compartmentId: <tenancy OCID>, retentionPeriodDays: ${AUDIT_RETENTION_DAYS} }.`,
    frameworks: PROJECT_RULE,
    problem: `keep audit events less than ${AUDIT_RETENTION_DAYS} days`,
    satisfied: (t) => t.resources.some((r) => r.isType(oci.audit.Configuration) && atRoot(r) && (toNumber(read(r, "retentionPeriodDays")) ?? 0) >= AUDIT_RETENTION_DAYS),
});

export const budgetAlerts = tenancyControl({
    name: "budget-with-alerts",
    description: "Every tenancy has a monthly budget with an alert rule; an Always Free one alerts at the first cent actually spent.",
    remediationSteps: "Create an oci.budget.Budget on the tenancy and an oci.budget.Rule (Always Free: type ACTUAL, thresholdType ABSOLUTE, threshold 0.01).",
    frameworks: PROJECT_RULE,
    problem: "have no budget alert (an Always Free one: none at the first cent)",
    satisfied: (t) => {
        const rules = t.resources.filter((r) => r.isType(oci.budget.Rule));
        if (!t.resources.some((r) => r.isType(oci.budget.Budget)) || rules.length === 0) return false;
        if (!isAlwaysFree(policyContext(), t.label)) return true;
        return rules.some((r) => read(r, "type") === "ACTUAL" && read(r, "thresholdType") === "ABSOLUTE" && (toNumber(read(r, "threshold")) ?? Infinity) <= 0.01);
    },
});
