/**
 * The CIS baseline of one tenancy, worked out from its plan: which compartments it has and
 * which compartment every kind of resource goes in, the Events rules that notify its topic, its
 * budget and alert rules, its audit retention, and which paid-only controls its billing mode
 * allows. Pure: components/SecurityBaseline.ts and the account's children create what this says;
 * the policies read the same event types.
 */
import type { AccountPlan } from "./types";

/** The concerns a tenancy's resources are grouped by, one compartment each (docs/design.md). */
export const CONCERNS = ["network", "security", "workload", "data"] as const;
export type Concern = (typeof CONCERNS)[number];

/** What each compartment holds (its OCI description). */
export const COMPARTMENT_PURPOSE: Record<Concern, string> = {
    network: "BlitzHub network: VCN, subnets, gateways, route tables, NSGs, DRG, remote peering, load balancers",
    security: "BlitzHub security: Vault and keys, secrets, Notifications topic, Events rules, logs, vulnerability scanning",
    workload: "BlitzHub workload: compute instances, their boot and block volumes",
    data: "BlitzHub data: Object Storage buckets and Autonomous Databases",
};

/** Name of a concern's compartment, unique among the tenancy root's children (`blitzhub-network`). */
export function compartmentName(concern: Concern): string {
    return `blitzhub-${concern}`;
}

/** Every kind of resource the program places in a compartment. */
export type PlacedKind =
    | "vcn"
    | "subnet"
    | "gateway"
    | "routeTable"
    | "securityList"
    | "nsg"
    | "drg"
    | "remotePeering"
    | "loadBalancer"
    | "networkLoadBalancer"
    | "instance"
    | "volume"
    | "bucket"
    | "autonomousDatabase"
    | "vault"
    | "key"
    | "secret"
    | "notificationTopic"
    | "logGroup"
    | "scanRecipe"
    | "scanTarget";

/**
 * Which compartment each kind of resource goes in. What OCI wants at the tenancy root stays
 * there: IAM groups and policies (a policy's compartment cannot change in place, and `Define`
 * statements live only at the root), Events rules (a rule sees its compartment's subtree, and
 * IAM events happen at the root), the budget, the audit retention and Cloud Guard's configuration.
 */
export const PLACEMENT: Record<PlacedKind, Concern> = {
    vcn: "network",
    subnet: "network",
    gateway: "network",
    routeTable: "network",
    securityList: "network",
    nsg: "network",
    drg: "network",
    remotePeering: "network",
    loadBalancer: "network",
    networkLoadBalancer: "network",
    instance: "workload",
    volume: "workload",
    bucket: "data",
    autonomousDatabase: "data",
    vault: "security",
    key: "security",
    secret: "security",
    notificationTopic: "security",
    logGroup: "security",
    scanRecipe: "security",
    scanTarget: "security",
};

/** The compartments an account has: the ones some resource of its plan is placed in. */
export function accountCompartments(plan: AccountPlan): Concern[] {
    const hasData = plan.buckets.length > 0 || plan.autonomousDatabase !== undefined;
    return CONCERNS.filter((c) => c !== "data" || hasData);
}

/** The compartment of a kind of resource in this account (never one it does not have). */
export function compartmentOf(plan: AccountPlan, kind: PlacedKind): Concern {
    const concern = PLACEMENT[kind];
    if (!accountCompartments(plan).includes(concern)) throw new Error(`${plan.name}: ${kind} placed in compartment ${concern}, which the account does not have`);
    return concern;
}

const IDENTITY = "com.oraclecloud.identitycontrolplane.";
const NETWORK = "com.oraclecloud.virtualnetwork.";
const crud = (prefix: string, noun: string) => ["create", "delete", "update"].map((verb) => `${prefix}${verb}${noun}`);

/** An Events rule of the baseline: the CIS recommendation it answers and the event types it matches. */
export interface EventRuleSpec {
    cis: string;
    /** `identity provider changes`. */
    what: string;
    eventTypes: string[];
    /** Only in tenancies that run the service (Cloud Guard: pay-as-you-go). */
    payAsYouGoOnly?: boolean;
}

/** The event types each CIS v3.0.0 audit procedure lists (4.3–4.12, 4.15, 4.18). */
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
    {
        cis: "4.15",
        what: "Cloud Guard problems",
        eventTypes: ["com.oraclecloud.cloudguard.problemdetected", "com.oraclecloud.cloudguard.problemdismissed", "com.oraclecloud.cloudguard.problemremediated"],
        payAsYouGoOnly: true,
    },
    { cis: "4.18", what: "local user authentication", eventTypes: ["com.oraclecloud.identitysignon.interactivelogin"] },
];

/** `identity-provider-changes`: the slug of a rule (resource names, policy names). */
export function eventRuleSlug(spec: EventRuleSpec): string {
    return spec.what.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/-$/, "");
}

/** An alert rule of a tenancy's budget. */
export interface BudgetAlertPlan {
    /** `first-cent`, `actual-80`. */
    name: string;
    type: "ACTUAL" | "FORECAST";
    thresholdType: "ABSOLUTE" | "PERCENTAGE";
    threshold: number;
    message: string;
}

export interface BudgetPlan {
    /** Monthly amount in the tenancy's currency. */
    amount: number;
    currency: string;
    alerts: BudgetAlertPlan[];
}

/**
 * The tenancy's monthly budget. An Always Free tenancy should never be billed: its budget is
 * the smallest amount, alerting at the first cent actually spent. A pay-as-you-go one budgets
 * the plan's monthly cost (whole units, at least 1), alerting at 80 % and 100 % spent and when
 * the forecast passes 100 %.
 */
export function budgetPlan(plan: AccountPlan): BudgetPlan {
    const currency = plan.freeTier.overage.currency;
    if (plan.freeTier.billing.mode === "alwaysFree") {
        return {
            amount: 1,
            currency,
            alerts: [{
                name: "first-cent",
                type: "ACTUAL",
                thresholdType: "ABSOLUTE",
                threshold: 0.01,
                message: `${plan.name} is an Always Free tenancy and has been billed: something outside the allowances exists`,
            }],
        };
    }
    const amount = Math.max(1, Math.ceil(plan.freeTier.overage.monthlyCost));
    return {
        amount,
        currency,
        alerts: [
            { name: "actual-80", type: "ACTUAL", thresholdType: "PERCENTAGE", threshold: 80, message: `${plan.name} has spent 80 % of its planned ${amount} ${currency} this month` },
            { name: "actual-100", type: "ACTUAL", thresholdType: "PERCENTAGE", threshold: 100, message: `${plan.name} has spent its planned ${amount} ${currency} this month` },
            { name: "forecast-100", type: "FORECAST", thresholdType: "PERCENTAGE", threshold: 100, message: `${plan.name} is forecast to spend more than its planned ${amount} ${currency} this month` },
        ],
    };
}

/** OCI's maximum audit retention (CIS 4.x asks for 365 days). */
export const AUDIT_RETENTION_DAYS = 365;

/** CIS 4.16: a customer-managed key's newest version is at most this old. */
export const KEY_ROTATION_MAX_AGE_DAYS = 365;

/** The key versions of a tenancy's customer-managed key the program creates (CIS 4.16). */
export interface KeyRotationPlan {
    /** One `oci.kms.KeyVersion` per date, oldest first (topology `keyRotations`). */
    rotations: string[];
    maxAgeDays: number;
}

/** `eu-net-01-cmk-rotation-2026-11-30`: the resource name of the key version of `date`. */
export function keyVersionName(keyResourceName: string, date: string): string {
    return `${keyResourceName}-rotation-${date}`;
}

/** The date a key version resource named by `keyVersionName` stands for, or undefined. */
export function rotationDateOf(resourceName: string): string | undefined {
    return /-rotation-(\d{4}-\d{2}-\d{2})$/.exec(resourceName)?.[1];
}

/** Whole days from `from` to `to` (ISO dates). */
export function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * What is wrong with a key's rotations on `today`, or undefined when its newest version is at
 * most `maxAgeDays` old. A date after today is wrong too: its version is created by the next
 * `pulumi up`, not on that date.
 */
export function keyRotationProblem(rotations: string[], today: string, maxAgeDays: number = KEY_ROTATION_MAX_AGE_DAYS): string | undefined {
    if (rotations.length === 0) return "no key version is planned (topology keyRotations is empty)";
    const future = rotations.filter((d) => d > today);
    if (future.length > 0) return `rotation ${future[0]} is dated after today (${today}): list a rotation on the day its pulumi up runs`;
    const newest = [...rotations].sort().at(-1)!;
    const age = daysBetween(newest, today);
    return age > maxAgeDays ? `the newest version (${newest}) is ${age} days old on ${today}, more than ${maxAgeDays}` : undefined;
}

/**
 * The tag default of CIS 4.1: the tag namespace and key every tenancy defines, and the value
 * OCI fills in with the name of whoever creates a resource.
 */
export const CREATED_BY_TAG = { namespace: "BlitzHub", name: "CreatedBy", value: "${iam.principal.name}" } as const;

/**
 * Oracle-managed Cloud Guard recipes a pay-as-you-go tenancy's root target uses, by display name
 * (the names Oracle's landing zone looks up: oci-landing-zones/terraform-oci-modules-security,
 * `cloud-guard/data_sources.tf`, read 2026-11-30). Configuration and activity detectors
 * cover CIS 4.14's "Cloud Guard enabled with Oracle-managed recipes"; the responder only
 * notifies (Cloud Guard's responder rules start as notifications).
 */
export const CLOUD_GUARD_RECIPES = {
    detectors: ["OCI Configuration Detector Recipe", "OCI Activity Detector Recipe"],
    responder: "OCI Responder Recipe",
} as const;

/** The baseline of one tenancy. */
export interface SecurityBaselinePlan {
    compartments: Concern[];
    eventRules: EventRuleSpec[];
    budget: BudgetPlan;
    auditRetentionDays: number;
    /** Cloud Guard and a Security Zone: pay-as-you-go tenancies only (Always Free has neither). */
    cloudGuard: boolean;
    securityZone: boolean;
    /** Vulnerability Scanning of every instance (a host scan recipe and target). */
    vulnerabilityScanning: boolean;
    /** The customer-managed key's versions (a DEFAULT vault rotates nothing by itself). */
    keyRotation: KeyRotationPlan;
    /** A tag namespace, a `CreatedBy` tag and its tag default at the root (tagging is free). */
    createdByTag: typeof CREATED_BY_TAG;
}

export function securityBaseline(plan: AccountPlan): SecurityBaselinePlan {
    const paid = plan.freeTier.billing.mode === "payAsYouGo";
    return {
        compartments: accountCompartments(plan),
        eventRules: EVENT_RULES.filter((r) => paid || !r.payAsYouGoOnly),
        budget: budgetPlan(plan),
        auditRetentionDays: AUDIT_RETENTION_DAYS,
        cloudGuard: paid,
        securityZone: paid,
        vulnerabilityScanning: true,
        keyRotation: { rotations: [...plan.keyRotations], maxAgeDays: KEY_ROTATION_MAX_AGE_DAYS },
        createdByTag: CREATED_BY_TAG,
    };
}

/** Names of the baseline's IAM groups (one of each per tenancy). */
export const OPERATORS_GROUP = "BlitzHubOperators";
/** The read-only CI identity of `pulumi preview` (docs/security.md, "CI"). */
export const PREVIEW_GROUP = "BlitzHubPreview";

/** OCIDs of an account's compartments by concern, as IAM statements need them. */
export type CompartmentOcids = Partial<Record<Concern, string>>;

function inCompartment(ids: CompartmentOcids, concern: Concern): string {
    const id = ids[concern];
    if (id === undefined) throw new Error(`no ${concern} compartment`);
    return `compartment id ${id}`;
}

/**
 * What the people who run the VMs may do: use (never create or delete) instances and volumes,
 * read the network, load balancers, logs and audit events. Secrets, keys and buckets stay out.
 */
export function operatorStatements(ids: CompartmentOcids): string[] {
    return [
        `Allow group ${OPERATORS_GROUP} to use instance-family in ${inCompartment(ids, "workload")}`,
        `Allow group ${OPERATORS_GROUP} to use volume-family in ${inCompartment(ids, "workload")}`,
        `Allow group ${OPERATORS_GROUP} to read virtual-network-family in ${inCompartment(ids, "network")}`,
        `Allow group ${OPERATORS_GROUP} to read load-balancers in ${inCompartment(ids, "network")}`,
        `Allow group ${OPERATORS_GROUP} to read log-content in ${inCompartment(ids, "security")}`,
        `Allow group ${OPERATORS_GROUP} to read audit-events in tenancy`,
    ];
}

/**
 * What a `pulumi preview` without `--refresh` looks up, and nothing more: availability domains
 * and compartments, images, backup policies, the Object Storage namespace. No `use` or
 * `manage`, and nothing that reads instances (their user data), buckets, secrets or keys.
 */
export function previewStatements(): string[] {
    return [
        `Allow group ${PREVIEW_GROUP} to inspect compartments in tenancy`,
        `Allow group ${PREVIEW_GROUP} to read instance-images in tenancy`,
        `Allow group ${PREVIEW_GROUP} to inspect backup-policies in tenancy`,
        `Allow group ${PREVIEW_GROUP} to read objectstorage-namespaces in tenancy`,
    ];
}

/**
 * What OCI services need in the tenancy: Block Volume and Object Storage use the
 * customer-managed key (that key only), and Vulnerability Scanning reads the workload
 * compartment's instances and their VNICs.
 */
export function serviceStatements(ids: CompartmentOcids, keyOcid: string, homeRegion: string, baseline: Pick<SecurityBaselinePlan, "vulnerabilityScanning">): string[] {
    const statements = [
        `Allow service blockstorage, objectstorage-${homeRegion} to use keys in ${inCompartment(ids, "security")} where target.key.id = '${keyOcid}'`,
    ];
    if (baseline.vulnerabilityScanning) {
        const workload = inCompartment(ids, "workload");
        statements.push(
            `Allow service vulnerability-scanning-service to manage instances in ${workload}`,
            `Allow service vulnerability-scanning-service to read compartments in ${workload}`,
            `Allow service vulnerability-scanning-service to read vnics in ${workload}`,
            `Allow service vulnerability-scanning-service to read vnic-attachments in ${workload}`,
        );
    }
    return statements;
}

/**
 * Oracle's Security Zone policies the pay-as-you-go tenancies' zones enforce: data stays private
 * and under the tenancy's own key. The names are Oracle's: the "Require encryption" and "Deny
 * public access" policies of its Security Zone Policies reference
 * (docs.oracle.com/iaas/Content/security-zone/using/security-zone-policies.htm), and the CIS
 * Level 1/2 lists of Oracle's landing zone, which looks them up by `friendlyName`
 * (oci-landing-zones/terraform-oci-modules-security, `security-zones/main.tf`, read 2026-11-30).
 */
export const SECURITY_ZONE_POLICIES = [
    "deny public_buckets",
    "deny buckets_without_vault_key",
    "deny block_volume_without_vault_key",
    "deny boot_volume_without_vault_key",
];

/** The compartments a pay-as-you-go tenancy's Security Zones cover (the data it keeps). */
export function securityZoneCompartments(plan: AccountPlan): Concern[] {
    return accountCompartments(plan).filter((c) => c === "workload" || c === "data");
}
