/**
 * Planned resources for policy tests, shaped like the offline engine's output and typed by the
 * real classes' type tokens (`oci.core.Instance.__pulumiType`). `compliantAccount` is one
 * tenancy that satisfies every policy; each test breaks one thing in it.
 */
import * as oci from "@pulumi/oci";
import type { PlannedResource, PlannedStack } from "../../offline/engine";
import { loadAllowances, type PriceKey } from "../../model/allowances";
import type { TopologyPlan } from "../../plan/types";
import { topologyPolicies } from "../../policies/all";
import { EVENT_RULES } from "../../policies/cis/eventRules";
import type { PolicyContext } from "../../policies/lib/context";
import type { BlitzPolicy } from "../../policies/lib/policy";
import { runPolicies, type Violation } from "../../policies/runner";

type TokenSource = string | { __pulumiType: string };

function tokenOf(type: TokenSource): string {
    return typeof type === "string" ? type : type.__pulumiType;
}

/** `oci.core.Instance` → its class's type token. */
export function token(resourceClass: unknown): string {
    return (resourceClass as { __pulumiType: string }).__pulumiType;
}

export function urnOf(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::blitzhub::${type}::${name}`;
}

/** One planned resource; `provider` is the provider URN (or null). */
export function resource(
    type: TokenSource | unknown,
    name: string,
    inputs: Record<string, unknown>,
    extra: Partial<PlannedResource> = {},
    stack = "eu",
): PlannedResource {
    const t = tokenOf(type as TokenSource);
    return {
        urn: urnOf(stack, t, name),
        type: t,
        name,
        account: null,
        parent: null,
        inputs,
        provider: null,
        protect: false,
        retainOnDelete: false,
        ignoreChanges: [],
        dependsOn: [],
        propertyDependencies: {},
        custom: true,
        secretInputPaths: [],
        ...extra,
    };
}

export function plannedStack(resources: PlannedResource[], stack = "eu"): PlannedStack {
    return { stack, region: stack, resources, outputs: {}, plan: undefined as unknown as TopologyPlan } as PlannedStack;
}

export const allowances = loadAllowances();

/** `allowances v3 of 2026-07-15`, as messages cite the data file in force. */
export const ref = `allowances v${allowances.version} of ${allowances.asOf}`;

/**
 * Test oracle for monthly costs: `USD 27.74/month` for the given [price key, quantity] terms,
 * hourly prices × `hoursPerMonth`, straight from the allowances file.
 */
export function usd(...terms: [PriceKey, number][]): string {
    const total = terms.reduce((sum, [key, quantity]) => {
        const price = allowances.prices[key];
        return sum + quantity * price.amount * (price.unit.endsWith("-hour") ? allowances.hoursPerMonth : 1);
    }, 0);
    return `${allowances.currency} ${(Math.round(total * 100 + 1e-6) / 100).toFixed(2)}/month`;
}

/** Exposure as the default topology declares it for the roles the fixtures use. */
export const context: PolicyContext = {
    allowances,
    addressSpace: "10.0.0.0/16",
    roleExposure: {
        frontend: { vms: "public", loadBalancer: "public" },
        backend: { vms: "private", loadBalancer: "public" },
        management: { vms: "private", loadBalancer: "private" },
    },
    vmExposure: {
        frontend: { app: "public", edge: "public", "edge-2": "public" },
        backend: { app: "private", cache: "private", "cache-2": "private" },
        management: { app: "private", bastion: "public", "bastion-2": "public" },
    },
    wireGuardPorts: [51820],
    nlbListenerRanges: { "EU-BE-01": [{ protocol: "tcp+udp", min: 8000, max: 8020 }] },
    volumesWithoutBackup: ["eu-sol-01-validator-ledger"],
    // Fixture tenancies are pay-as-you-go (costed) unless a test declares one Always Free.
    billing: {},
    // The day date-bound controls are judged on: the fixture key's rotation is this day.
    today: "2026-11-30",
};

export interface AccountSpec {
    account: string;
    role: string;
    region: string;
    vcnCidr: string;
    stack?: string;
}

/**
 * One tenancy that every policy accepts: provider, VCN, subnets, an A1 at the 2/12 allowance,
 * two micros, a public LB with an HTTPS 443 listener, NSG rules (443 public, SSH from the bastion),
 * a backed-up protected volume, a private versioned bucket, a free-tier ADB with a secret password.
 */
export function compliantAccount(spec: AccountSpec = { account: "EU-BE-01", role: "backend", region: "eu", vcnCidr: "10.0.2.0/27" }): PlannedResource[] {
    const stack = spec.stack ?? spec.region;
    const slug = spec.account.toLowerCase();
    const tags = { account: spec.account, role: spec.role, region: spec.region, "managed-by": "pulumi" };
    const providerUrn = urnOf(stack, "pulumi:providers:oci", slug);
    const own = { account: spec.account, provider: providerUrn };
    const compartment = `ocid1.compartment.oc1..${slug}workload`;
    const r = (type: unknown, name: string, inputs: Record<string, unknown>, extra: Partial<PlannedResource> = {}) =>
        resource(type, `${slug}-${name}`, inputs, { ...own, ...extra }, stack);
    const instance = (name: string, shape: string, ocpus: number, memoryInGbs: number, publicIp: boolean) =>
        r(oci.core.Instance, name, {
            compartmentId: compartment,
            shape,
            shapeConfig: shape.endsWith("Flex") ? { ocpus, memoryInGbs } : undefined,
            sourceDetails: { sourceType: "image", bootVolumeSizeInGbs: "50", kmsKeyId: `${slug}-key-id` },
            platformConfig: { type: shape.endsWith("Flex") ? "AMD_VM" : "INTEL_VM", isSecureBootEnabled: true },
            createVnicDetails: { assignPublicIp: publicIp ? "true" : "false", privateIp: "10.0.2.10" },
            instanceOptions: { areLegacyImdsEndpointsDisabled: true },
            isPvEncryptionInTransitEnabled: true,
            agentConfig: { isMonitoringDisabled: false },
            metadata: { ssh_authorized_keys: "ssh-ed25519 AAAA example" },
            freeformTags: tags,
        });
    const key = r(oci.kms.Key, "cmk", { compartmentId: compartment, managementEndpoint: "https://example-management.kms.eu-frankfurt-1.oraclecloud.com", keyShape: { algorithm: "AES", length: 32 }, protectionMode: "HSM", freeformTags: tags }, { protect: true });
    const volume = r(oci.core.Volume, "app-data", { compartmentId: compartment, sizeInGbs: "50", kmsKeyId: `${slug}-key-id`, freeformTags: tags }, { protect: true });
    const lb = r(oci.loadbalancer.LoadBalancer, "lb", {
        shape: "flexible",
        shapeDetails: { minimumBandwidthInMbps: 10, maximumBandwidthInMbps: 10 },
        isPrivate: false,
        freeformTags: tags,
    });
    const rule = (name: string, eventTypes: string[]) =>
        r(oci.events.Rule, `events-${name}`, {
            compartmentId: compartment,
            isEnabled: true,
            condition: JSON.stringify({ eventType: eventTypes }),
            actions: { actions: [{ actionType: "ONS", isEnabled: true, topicId: `${slug}-alerts-id` }] },
        });
    const log = (name: string, service: string, target: string, category: string) =>
        r(oci.logging.Log, `${name}-log`, { logType: "SERVICE", configuration: { source: { sourceType: "OCISERVICE", service, resource: target, category } } });
    return [
        resource("pulumi:providers:oci", slug, { region: "eu-frankfurt-1", privateKey: "[secret]" }, { account: spec.account, custom: true, secretInputPaths: ["privateKey"] }, stack),
        // The CIS baseline of the tenancy: compartment, CreatedBy tag default, alerts topic, Events rules, logs.
        r(oci.identity.Compartment, "workload", { compartmentId: "ocid1.tenancy.oc1..example", name: "workload", description: "workload" }),
        r(oci.identity.TagNamespace, "tag-namespace", { compartmentId: "ocid1.tenancy.oc1..example", name: "BlitzHub", description: "tags" }),
        r(oci.identity.Tag, "created-by-tag", { tagNamespaceId: `${slug}-tag-namespace-id`, name: "CreatedBy", description: "creator" }),
        r(oci.identity.TagDefault, "created-by", { compartmentId: "ocid1.tenancy.oc1..example", tagDefinitionId: "ocid1.tagdefinition.oc1..createdby", value: "${iam.principal.name}" }),
        // The customer-managed key and its one rotation (CIS 4.16), on the context's day.
        key,
        r(oci.kms.KeyVersion, "cmk-rotation-2026-11-30", { keyId: `${slug}-key-id`, managementEndpoint: "https://example-management.kms.eu-frankfurt-1.oraclecloud.com" }, {
            propertyDependencies: { keyId: [key.urn] },
            dependsOn: [key.urn],
            protect: true,
        }),
        r(oci.ons.NotificationTopic, "alerts", { compartmentId: compartment, name: `${slug}-alerts` }),
        r(oci.ons.Subscription, "alerts-ops", { compartmentId: compartment, topicId: `${slug}-alerts-id`, protocol: "EMAIL", endpoint: "ops@example.org" }),
        ...EVENT_RULES.map((e) => rule(e.cis.replace(".", "-"), e.eventTypes)),
        log("lb-subnet-flow", "flowlogs", `${slug}-lb-subnet-id`, "all"),
        log("vm-subnet-flow", "flowlogs", `${slug}-vm-subnet-id`, "all"),
        log("backups-write", "objectstorage", `${slug}-backups`, "write"),
        r(oci.audit.Configuration, "audit-retention", { compartmentId: "ocid1.tenancy.oc1..example", retentionPeriodDays: 365 }),
        r(oci.budget.Budget, "budget", { compartmentId: "ocid1.tenancy.oc1..example", amount: 30, resetPeriod: "MONTHLY", targetType: "COMPARTMENT", targets: ["ocid1.tenancy.oc1..example"] }),
        r(oci.budget.Rule, "budget-actual-100", { budgetId: `${slug}-budget-id`, type: "ACTUAL", thresholdType: "PERCENTAGE", threshold: 100 }),
        // The first-cent alert an Always Free tenancy needs (the pack under the CLI reads EU-FE-01 as one).
        r(oci.budget.Rule, "budget-first-cent", { budgetId: `${slug}-budget-id`, type: "ACTUAL", thresholdType: "ABSOLUTE", threshold: 0.01 }),
        // Paid-only controls: the fixture tenancy is pay-as-you-go (see `context.billing`).
        r(oci.cloudguard.CloudGuardConfiguration, "cloud-guard", { compartmentId: "ocid1.tenancy.oc1..example", reportingRegion: "eu-frankfurt-1", status: "ENABLED" }),
        r(oci.cloudguard.Target, "cloud-guard-target", {
            compartmentId: "ocid1.tenancy.oc1..example",
            targetResourceId: "ocid1.tenancy.oc1..example",
            targetResourceType: "COMPARTMENT",
            targetDetectorRecipes: [{ detectorRecipeId: "ocid1.cloudguarddetectorrecipe.oc1..configuration" }, { detectorRecipeId: "ocid1.cloudguarddetectorrecipe.oc1..activity" }],
            targetResponderRecipes: [{ responderRecipeId: "ocid1.cloudguardresponderrecipe.oc1..responder" }],
        }),
        r(oci.cloudguard.SecurityRecipe, "security-zone-recipe", { compartmentId: compartment, securityPolicies: ["ocid1.securityzonessecuritypolicy.oc1..publicbuckets"] }),
        r(oci.cloudguard.SecurityZone, "workload-security-zone", { compartmentId: compartment, securityZoneRecipeId: `${slug}-security-zone-recipe-id` }),
        r(oci.vulnerabilityscanning.HostScanRecipe, "host-scan-recipe", { compartmentId: compartment, agentSettings: { scanLevel: "STANDARD" }, portSettings: { scanLevel: "STANDARD" }, schedule: { type: "DAILY" } }),
        r(oci.vulnerabilityscanning.HostScanTarget, "host-scan-target", { compartmentId: compartment, hostScanRecipeId: `${slug}-host-scan-recipe-id`, targetCompartmentId: compartment }),
        r(oci.core.Vcn, "vcn", { compartmentId: compartment, cidrBlocks: [spec.vcnCidr], freeformTags: tags }),
        r(oci.core.Subnet, "lb-subnet", { cidrBlock: spec.vcnCidr, prohibitPublicIpOnVnic: false, freeformTags: tags }),
        r(oci.core.Subnet, "vm-subnet", { cidrBlock: spec.vcnCidr, prohibitPublicIpOnVnic: true, freeformTags: tags }),
        instance("app", "VM.Standard.A1.Flex", 2, 12, false),
        instance("cache", "VM.Standard.E2.1.Micro", 1, 1, false),
        instance("cache-2", "VM.Standard.E2.1.Micro", 1, 1, false),
        volume,
        r(oci.core.VolumeBackupPolicyAssignment, "app-data-backup-policy", { assetId: `${slug}-app-data-id`, policyId: "ocid1.volumebackuppolicy.oc1..bronze" }, {
            propertyDependencies: { assetId: [volume.urn] },
            dependsOn: [volume.urn],
        }),
        lb,
        r(oci.loadbalancer.Listener, "lb-https", {
            port: 443,
            protocol: "HTTP",
            loadBalancerId: `${slug}-lb-id`,
            sslConfiguration: { certificateName: "edge-0123456789ab", protocols: ["TLSv1.2", "TLSv1.3"], cipherSuiteName: "oci-modern-ssl-cipher-suite-v1" },
        }, { propertyDependencies: { loadBalancerId: [lb.urn] } }),
        r(oci.core.NetworkSecurityGroup, "lb-nsg", { freeformTags: tags }),
        r(oci.core.NetworkSecurityGroupSecurityRule, "lb-nsg-tcp-443-from-internet", {
            direction: "INGRESS",
            protocol: "6",
            source: "0.0.0.0/0",
            sourceType: "CIDR_BLOCK",
            tcpOptions: { destinationPortRange: { min: 443, max: 443 } },
        }),
        r(oci.core.NetworkSecurityGroupSecurityRule, "app-nsg-tcp-22-from-bastion", {
            direction: "INGRESS",
            protocol: "6",
            source: "10.0.6.10/32",
            sourceType: "CIDR_BLOCK",
            tcpOptions: { destinationPortRange: { min: 22, max: 22 } },
        }),
        r(oci.core.SecurityList, "vm-sl", {
            ingressSecurityRules: [{ protocol: "6", source: "10.0.0.0/16", tcpOptions: { min: 9100, max: 9100 } }],
            freeformTags: tags,
        }),
        r(
            oci.objectstorage.Bucket,
            "backups",
            { compartmentId: compartment, name: `${slug}-backups`, accessType: "NoPublicAccess", versioning: "Enabled", namespace: "example", kmsKeyId: `${slug}-key-id`, objectEventsEnabled: true, freeformTags: tags },
            { protect: true },
        ),
        r(
            oci.database.AutonomousDatabase,
            "adb",
            { compartmentId: compartment, isFreeTier: true, dbName: "blitzhub", adminPassword: "[secret]", computeCount: 2, whitelistedIps: ["10.0.2.10"], freeformTags: tags },
            { protect: true, secretInputPaths: ["adminPassword"] },
        ),
    ];
}

/** Replaces the inputs (or other fields) of the resource named `name`. */
export function modify(
    resources: PlannedResource[],
    name: string,
    change: (r: PlannedResource) => Partial<PlannedResource>,
): PlannedResource[] {
    if (!resources.some((r) => r.name === name)) throw new Error(`fixture has no resource ${name}`);
    return resources.map((r) => (r.name === name ? { ...r, ...change(r) } : r));
}

/**
 * Violations of `policy` over the resources (one stack, or several), as the runner reports
 * them; a topology policy runs once over all stacks together, as `npm run check` runs it.
 */
export async function check(policy: BlitzPolicy, ...stacks: PlannedResource[][]): Promise<Pick<Violation, "policy" | "resourceName" | "account" | "message" | "enforcement">[]> {
    const report = await runPolicies(
        stacks.map((resources, i) => plannedStack(resources, resources[0]?.urn.split("::")[0].split(":")[2] ?? `s${i}`)),
        topologyPolicies.includes(policy) ? { policies: [], topologyPolicies: [policy], context } : { policies: [policy], topologyPolicies: [], context },
    );
    return report.violations.map(({ policy: p, resourceName, account, message, enforcement }) => ({ policy: p, resourceName, account, message, enforcement }));
}
