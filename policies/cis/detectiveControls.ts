/**
 * CIS 4.1, 4.2, 4.13, 4.17: the detective controls every tenancy needs — a CreatedBy tag default,
 * a Notifications topic with a subscription, flow logs on every subnet, write-access logs on
 * every bucket.
 */
import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { cisFull, type BlitzStackPolicy } from "../lib/policy";
import { whenKnown } from "../lib/unknown";
import { ociTenancies, reportOffenders, tenancyBlame } from "./aggregate";
import { resourceControl } from "./resourceControl";

/** The value CIS 4.1 asks the tag default to set: the creating principal's name. */
export const PRINCIPAL_NAME = "${iam.principal.name}";

export const tagDefaults: BlitzStackPolicy = {
    name: "cis-created-by-tag-default",
    description: "Every tenancy has a tag default that records who created each resource (value ${iam.principal.name}).",
    enforcementLevel: "mandatory",
    remediationSteps: "Create a tag namespace and definition (CreatedBy) and an oci.identity.TagDefault on the root compartment with value ${iam.principal.name}.",
    frameworks: { cis: cisFull("4.1"), checkov: [] },
    validateStack: (args, reportViolation) => {
        const tenancies = ociTenancies(args.resources);
        const has = (r: PolicyResource) => r.isType(oci.identity.TagDefault) && whenKnown(() => r.props.value, undefined) === PRINCIPAL_NAME;
        const missing = tenancies.filter((t) => !t.resources.some(has)).map(tenancyBlame);
        reportOffenders(missing, tenancies.length, "tenancies", "have no tag default recording the creator", reportViolation);
    },
};

export const notificationTopic: BlitzStackPolicy = {
    name: "cis-notification-topic",
    description: "Every tenancy has a Notifications topic with at least one subscription for its alerts.",
    enforcementLevel: "mandatory",
    remediationSteps: "Create an oci.ons.NotificationTopic and an oci.ons.Subscription (endpoints from stack config) in the tenancy.",
    frameworks: { cis: cisFull("4.2"), checkov: [] },
    validateStack: (args, reportViolation) => {
        const tenancies = ociTenancies(args.resources);
        const missing = tenancies
            .filter((t) => !(t.resources.some((r) => r.isType(oci.ons.NotificationTopic)) && t.resources.some((r) => r.isType(oci.ons.Subscription))))
            .map(tenancyBlame);
        reportOffenders(missing, tenancies.length, "tenancies", "have no Notifications topic with a subscription", reportViolation);
    },
};

/** `configuration.source` of an `oci.logging.Log`. */
function logSource(log: PolicyResource): Record<string, unknown> {
    const configuration = whenKnown(() => (log.props.configuration ?? {}) as Record<string, unknown>, {});
    return (configuration.source ?? {}) as Record<string, unknown>;
}

/** True when `log`'s source resource is `target` (by dependency, by name, or by a mock id naming it). */
function logsResource(log: PolicyResource, target: PolicyResource, ref: string): boolean {
    if (log.propertyDependencies?.configuration?.some((d) => d.urn === target.urn)) return true;
    const resource = whenKnown(() => logSource(log).resource, undefined);
    return typeof resource === "string" && (resource === ref || resource.includes(target.name));
}

function serviceLogs(all: PolicyResource[], service: string, category?: string): PolicyResource[] {
    return all.filter((r) => {
        if (!r.isType(oci.logging.Log)) return false;
        const source = logSource(r);
        return source.service === service && (category === undefined || source.category === category);
    });
}

export const subnetFlowLogs = resourceControl({
    name: "cis-subnet-flow-logs",
    enforcementLevel: "mandatory",
    description: "Every subnet has a flow log (an oci.logging.Log of service flowlogs on the subnet).",
    remediationSteps: "Create a log group and an oci.logging.Log { logType: SERVICE, configuration.source: { service: flowlogs, resource: subnet.id, category: all } } per subnet.",
    frameworks: { cis: cisFull("4.13"), checkov: [] },
    classes: [oci.core.Subnet],
    noun: "subnets",
    problem: "have no flow log",
    satisfied: (subnet, all) => serviceLogs(all, "flowlogs").some((log) => logsResource(log, subnet, subnet.name)),
});

export const bucketWriteLogs = resourceControl({
    name: "cis-bucket-write-logs",
    enforcementLevel: "mandatory",
    description: "Every bucket has a write-access log (an oci.logging.Log of service objectstorage, category write).",
    remediationSteps: "Create an oci.logging.Log { logType: SERVICE, configuration.source: { service: objectstorage, resource: <bucket name>, category: write } } per bucket.",
    frameworks: { cis: cisFull("4.17"), checkov: [] },
    classes: [oci.objectstorage.Bucket],
    noun: "buckets",
    problem: "have no write-access log",
    satisfied: (bucket, all) => {
        const name = whenKnown(() => bucket.props.name, undefined);
        return serviceLogs(all, "objectstorage", "write").some((log) => logsResource(log, bucket, typeof name === "string" ? name : bucket.name));
    },
});

