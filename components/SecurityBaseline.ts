/**
 * The detective controls and the identities of one tenancy (CIS OCI Foundations Benchmark
 * sections 1 and 4), as `plan/securityBaseline.ts` works them out:
 * - a Notifications topic with the stack's subscriptions, and one Events rule per CIS 4.x
 *   change class notifying it (at the root: a rule sees only its compartment's subtree);
 * - a flow log on every subnet and a write-access log on every bucket, in one log group;
 * - audit retention at OCI's maximum, and a monthly budget with its alert rules;
 * - the operators' and the read-only preview group with their statements;
 * - a `BlitzHub` tag namespace with a `CreatedBy` tag defaulted to the creator's name (CIS 4.1);
 * - pay-as-you-go tenancies: Cloud Guard with a root target of Oracle's managed configuration and
 *   activity detector recipes and responder recipe (CIS 4.14), and Security Zones on the
 *   workload and data compartments;
 * - Vulnerability Scanning of the workload compartment's instances.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import {
    CLOUD_GUARD_RECIPES,
    compartmentName,
    eventRuleSlug,
    operatorStatements,
    OPERATORS_GROUP,
    PREVIEW_GROUP,
    previewStatements,
    SECURITY_ZONE_POLICIES,
    securityZoneCompartments,
    type SecurityBaselinePlan,
} from "../plan/securityBaseline";
import { type AccountContext, childOptions, compartmentFor, invokeOptions } from "./accountContext";

/** Where security notifications go (stack config `blitzhub:securityNotifications`). */
export interface SecurityNotifications {
    /** Email addresses (each confirms its subscription from the mail OCI sends). */
    emails: string[];
    /** HTTPS endpoints (a chat or paging webhook). */
    https: string[];
}

export interface SecurityBaselineArgs {
    ctx: AccountContext;
    baseline: SecurityBaselinePlan;
    notifications: SecurityNotifications;
    /** Every subnet of the account, by plan subnet name: each gets a flow log. */
    subnets: Record<string, oci.core.Subnet>;
    /** Every bucket of the account, by label: each gets a write-access log. */
    buckets: Record<string, oci.objectstorage.Bucket>;
}

export class SecurityBaseline extends pulumi.ComponentResource {
    readonly topic: oci.ons.NotificationTopic;
    readonly eventRules: Record<string, oci.events.Rule> = {};
    readonly logGroup: oci.logging.LogGroup;
    readonly budget: oci.budget.Budget;

    constructor(name: string, args: SecurityBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:security:SecurityBaseline", name, {}, opts);
        const { ctx, baseline } = args;
        const slug = ctx.plan.slug;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);
        const tags = ctx.tags;
        const root = ctx.parentCompartmentId;

        this.topic = new oci.ons.NotificationTopic(`${slug}-security-topic`, {
            compartmentId: compartmentFor(ctx, "notificationTopic"),
            name: `${slug}-security`,
            description: `${ctx.plan.name}: IAM, network and Cloud Guard changes, budget alerts`,
            freeformTags: tags,
        }, o());
        const endpoints = [
            ...args.notifications.emails.map((endpoint) => ({ protocol: "EMAIL", endpoint })),
            ...args.notifications.https.map((endpoint) => ({ protocol: "HTTPS", endpoint })),
        ];
        endpoints.forEach(({ protocol, endpoint }, i) => {
            new oci.ons.Subscription(`${slug}-security-subscription-${i + 1}`, {
                compartmentId: compartmentFor(ctx, "notificationTopic"),
                topicId: this.topic.id,
                protocol,
                endpoint,
                freeformTags: tags,
            }, o());
        });

        for (const spec of baseline.eventRules) {
            const ruleSlug = eventRuleSlug(spec);
            this.eventRules[ruleSlug] = new oci.events.Rule(`${slug}-events-${ruleSlug}`, {
                compartmentId: root,
                displayName: `${slug}-${ruleSlug}`,
                description: `CIS ${spec.cis}: notify ${slug}-security of ${spec.what}`,
                isEnabled: true,
                condition: JSON.stringify({ eventType: spec.eventTypes }),
                actions: { actions: [{ actionType: "ONS", isEnabled: true, topicId: this.topic.id, description: `${spec.what} to ${slug}-security` }] },
                freeformTags: tags,
            }, o());
        }

        this.logGroup = new oci.logging.LogGroup(`${slug}-log-group`, {
            compartmentId: compartmentFor(ctx, "logGroup"),
            displayName: `${slug}-audit-logs`,
            description: `${ctx.plan.name}: VCN flow logs and bucket write logs`,
            freeformTags: tags,
        }, o());
        for (const subnet of ctx.plan.subnets) {
            const target = args.subnets[subnet.name];
            if (!target) throw new pulumi.ResourceError(`${name}: no subnet ${subnet.name} to log`, this);
            new oci.logging.Log(`${subnet.resourceName}-flow-log`, {
                logGroupId: this.logGroup.id,
                displayName: `${subnet.resourceName}-flow-log`,
                logType: "SERVICE",
                isEnabled: true,
                retentionDuration: 30,
                configuration: { source: { sourceType: "OCISERVICE", service: "flowlogs", resource: target.id, category: "all" } },
                freeformTags: tags,
            }, o());
        }
        for (const [label, bucket] of Object.entries(args.buckets)) {
            new oci.logging.Log(`${slug}-${label}-write-log`, {
                logGroupId: this.logGroup.id,
                displayName: `${slug}-${label}-write-log`,
                logType: "SERVICE",
                isEnabled: true,
                retentionDuration: 30,
                configuration: { source: { sourceType: "OCISERVICE", service: "objectstorage", resource: bucket.name, category: "write" } },
                freeformTags: tags,
            }, o());
        }

        new oci.audit.Configuration(`${slug}-audit-retention`, { compartmentId: ctx.tenancyOcid, retentionPeriodDays: baseline.auditRetentionDays }, o());

        this.budget = new oci.budget.Budget(`${slug}-budget`, {
            compartmentId: ctx.tenancyOcid,
            displayName: `${slug}-monthly`,
            description: `${ctx.plan.name} (${ctx.plan.freeTier.billing.mode}): ${baseline.budget.amount} ${baseline.budget.currency} a month`,
            amount: baseline.budget.amount,
            resetPeriod: "MONTHLY",
            targetType: "COMPARTMENT",
            targets: [ctx.tenancyOcid],
            freeformTags: tags,
        }, o());
        const recipients = args.notifications.emails.join(",");
        for (const alert of baseline.budget.alerts) {
            new oci.budget.Rule(`${slug}-budget-${alert.name}`, {
                budgetId: this.budget.id,
                displayName: `${slug}-${alert.name}`,
                type: alert.type,
                thresholdType: alert.thresholdType,
                threshold: alert.threshold,
                message: alert.message,
                ...(recipients ? { recipients } : {}),
                freeformTags: tags,
            }, o());
        }

        // CIS 4.1. OCI deletes a tag namespace only once it is retired and empty, and a tag only
        // once retired (up to 48 hours, one at a time): `pulumi destroy` leaves both in the
        // tenancy (free) instead of failing; the tag default goes.
        const tagSpec = baseline.createdByTag;
        const tagNamespace = new oci.identity.TagNamespace(`${slug}-tag-namespace`, {
            compartmentId: ctx.tenancyOcid,
            name: tagSpec.namespace,
            description: `${ctx.plan.name}: tags the BlitzHub program defines`,
            freeformTags: tags,
        }, o({ retainOnDelete: true }));
        const createdBy = new oci.identity.Tag(`${slug}-created-by-tag`, {
            tagNamespaceId: tagNamespace.id,
            name: tagSpec.name,
            description: "Who created the resource (tag default: the creating principal's name)",
            freeformTags: tags,
        }, o({ retainOnDelete: true }));
        new oci.identity.TagDefault(`${slug}-created-by-tag-default`, {
            compartmentId: ctx.tenancyOcid,
            tagDefinitionId: createdBy.id,
            value: tagSpec.value,
            isRequired: false,
        }, o());

        const ids = pulumi.all(ctx.compartments);
        const group = (groupName: string, description: string, statements: pulumi.Input<string[]>) => {
            const g = new oci.identity.Group(`${slug}-${groupName.toLowerCase()}`, { compartmentId: ctx.tenancyOcid, name: groupName, description, freeformTags: tags }, o());
            new oci.identity.Policy(`${slug}-${groupName.toLowerCase()}-policy`, {
                compartmentId: ctx.tenancyOcid,
                name: `${slug}-${groupName.toLowerCase()}`,
                description,
                statements,
                freeformTags: tags,
            }, o({ dependsOn: [g] }));
        };
        group(OPERATORS_GROUP, `${ctx.plan.name}: people who run the VMs (use instances and volumes, read network and logs)`, ids.apply(operatorStatements));
        group(PREVIEW_GROUP, `${ctx.plan.name}: CI's read-only pulumi preview (docs/security.md)`, previewStatements());

        if (baseline.cloudGuard) {
            const cloudGuard = new oci.cloudguard.CloudGuardConfiguration(`${slug}-cloud-guard`, {
                compartmentId: ctx.tenancyOcid,
                reportingRegion: ctx.plan.homeRegion,
                status: "ENABLED",
                selfManageResources: false,
            }, o());
            // Oracle's managed recipes are listed once Cloud Guard is enabled: look them up after it.
            const lookup = { ...invokeOptions(this, ctx), dependsOn: [cloudGuard] };
            const oracleRecipe = <T extends { displayName: string; owner: string; id: string }>(items: T[], wanted: string): string => {
                const found = items.find((item) => item.displayName === wanted && item.owner === "ORACLE");
                if (!found) throw new pulumi.ResourceError(`${ctx.plan.name}: Cloud Guard lists no Oracle-managed recipe '${wanted}'`, this);
                return found.id;
            };
            const detectorRecipeIds = CLOUD_GUARD_RECIPES.detectors.map((wanted) =>
                oci.cloudguard.getDetectorRecipesOutput({ compartmentId: ctx.tenancyOcid, displayName: wanted }, lookup).detectorRecipeCollections.apply((collections) =>
                    oracleRecipe(collections.flatMap((c) => c.items), wanted),
                ),
            );
            const responderRecipeId = oci.cloudguard.getResponderRecipesOutput({ compartmentId: ctx.tenancyOcid, displayName: CLOUD_GUARD_RECIPES.responder }, lookup).responderRecipeCollections.apply((collections) =>
                oracleRecipe(collections.flatMap((c) => c.items), CLOUD_GUARD_RECIPES.responder),
            );
            new oci.cloudguard.Target(`${slug}-cloud-guard-target`, {
                compartmentId: ctx.tenancyOcid,
                displayName: `${slug}-root`,
                description: `${ctx.plan.name}: every compartment, Oracle-managed configuration and activity detectors`,
                targetResourceId: ctx.tenancyOcid,
                targetResourceType: "COMPARTMENT",
                targetDetectorRecipes: detectorRecipeIds.map((detectorRecipeId) => ({ detectorRecipeId })),
                targetResponderRecipes: [{ responderRecipeId }],
                freeformTags: tags,
            }, o({ dependsOn: [cloudGuard] }));

            if (baseline.securityZone) {
                const policies = oci.cloudguard.getSecurityPoliciesOutput({ compartmentId: ctx.tenancyOcid }, invokeOptions(this, ctx)).securityPolicyCollections.apply((collections) => {
                    const items = collections.flatMap((c) => c.items);
                    return SECURITY_ZONE_POLICIES.map((wanted) => {
                        // Oracle's landing zone keys the policies by friendlyName; displayName carries the same text.
                        const found = items.find((item) => item.friendlyName === wanted || item.displayName === wanted);
                        if (!found) throw new pulumi.ResourceError(`${ctx.plan.name}: Cloud Guard has no Security Zone policy '${wanted}'`, this);
                        return found.id;
                    });
                });
                const recipe = new oci.cloudguard.SecurityRecipe(`${slug}-security-zone-recipe`, {
                    compartmentId: compartmentFor(ctx, "scanRecipe"),
                    displayName: `${slug}-security-zone-recipe`,
                    description: "Data stays private and under the tenancy's own key",
                    securityPolicies: policies,
                    freeformTags: tags,
                }, o({ dependsOn: [cloudGuard] }));
                for (const concern of securityZoneCompartments(ctx.plan)) {
                    new oci.cloudguard.SecurityZone(`${slug}-${concern}-security-zone`, {
                        compartmentId: ctx.compartments[concern]!,
                        displayName: `${slug}-${compartmentName(concern)}`,
                        description: `Security Zone of ${compartmentName(concern)}`,
                        securityZoneRecipeId: recipe.id,
                        freeformTags: tags,
                    }, o());
                }
            }
        }

        if (baseline.vulnerabilityScanning) {
            const recipe = new oci.vulnerabilityscanning.HostScanRecipe(`${slug}-host-scan-recipe`, {
                compartmentId: compartmentFor(ctx, "scanRecipe"),
                displayName: `${slug}-host-scan`,
                agentSettings: { scanLevel: "STANDARD", agentConfiguration: { vendor: "OCI" } },
                portSettings: { scanLevel: "STANDARD" },
                schedule: { type: "DAILY" },
                freeformTags: tags,
            }, o());
            new oci.vulnerabilityscanning.HostScanTarget(`${slug}-host-scan-target`, {
                compartmentId: compartmentFor(ctx, "scanTarget"),
                displayName: `${slug}-workload`,
                description: `Every instance of ${compartmentName("workload")}`,
                hostScanRecipeId: recipe.id,
                targetCompartmentId: compartmentFor(ctx, "instance"),
                freeformTags: tags,
            }, o());
        }

        this.registerOutputs({ topicId: this.topic.id, logGroupId: this.logGroup.id, budgetId: this.budget.id });
    }
}
