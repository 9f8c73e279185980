/**
 * Test harness for the components: Pulumi's runtime mocks answering every invoke the
 * components make, plus a stack transformation that records each resource's options
 * (parent, provider, protect, ignoreChanges, dependsOn), which the mock monitor never sees.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export interface Recorded {
    type: string;
    name: string;
    /** Inputs as the mock monitor received them (secrets unwrapped). */
    inputs: Record<string, any>;
    /** Input paths that arrived as secrets (`secretContent.content`). */
    secretPaths: string[];
    /** Provider reference (`urn::id`) the resource was registered with. */
    provider?: string;
    custom: boolean;
    opts: pulumi.CustomResourceOptions;
    parent?: pulumi.Resource;
    resource: pulumi.Resource;
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Secret sentinels → values; `secrets` collects the paths that were secret. */
function unwrap(value: any, path = "", secrets: string[] = []): any {
    if (Array.isArray(value)) return value.map((v, i) => unwrap(v, `${path}[${i}]`, secrets));
    if (value && typeof value === "object") {
        if (value[SIG_KEY] === SECRET_SIG) {
            secrets.push(path);
            return unwrap(value.value, path, secrets);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v, path ? `${path}.${k}` : k, secrets)]));
    }
    return value;
}

/** Every invoke the components make, answered (an unanswered one would hang the outputs). */
function invoke(token: string, inputs: Record<string, any>): Record<string, any> {
    switch (token) {
        case "oci:Identity/getAvailabilityDomains:getAvailabilityDomains":
            return { availabilityDomains: [1, 2, 3].map((n) => ({ id: `ad-${n}`, name: `Uocm:TEST-AD-${n}`, compartmentId: inputs.compartmentId })) };
        case "oci:Core/getImages:getImages":
            return {
                images: [
                    { id: `ocid1.image.oc1..latest-${inputs.shape}`, displayName: "newest" },
                    { id: `ocid1.image.oc1..older-${inputs.shape}`, displayName: "older" },
                ],
            };
        case "oci:Core/getServices:getServices":
            return { services: [{ id: "ocid1.service.oc1..all", name: "All FRA Services In Oracle Services Network", cidrBlock: "all-fra-services-in-oracle-services-network" }] };
        case "oci:Core/getVolumeBackupPolicies:getVolumeBackupPolicies":
            return { volumeBackupPolicies: ["bronze", "silver", "gold"].map((n) => ({ id: `ocid1.volumebackuppolicy.oc1..${n}`, displayName: n })) };
        case "oci:ObjectStorage/getNamespace:getNamespace":
            return { namespace: "testnamespace" };
        case "oci:CloudGuard/getSecurityPolicies:getSecurityPolicies": {
            const names = ["deny public_buckets", "deny buckets_without_vault_key", "deny block_volume_without_vault_key", "deny boot_volume_without_vault_key", "deny public_subnets"];
            return { securityPolicyCollections: [{ items: names.map((displayName) => ({ id: `ocid1.securityzonessecuritypolicy.oc1..${displayName.replace(/\W/g, "")}`, displayName })) }] };
        }
        default: {
            const message = `test mocks: no answer for invoke ${token}`;
            console.error(message);
            throw new Error(message);
        }
    }
}

function state(type: string, name: string, inputs: Record<string, any>, stackOutputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "pulumi:pulumi:StackReference":
            return { name: inputs.name, outputs: stackOutputs, secretOutputNames: [] };
        case "oci:LoadBalancer/loadBalancer:LoadBalancer":
            return { ...inputs, ipAddressDetails: [{ ipAddress: `192.0.2.${name.length}`, isPublic: !inputs.isPrivate }] };
        case "oci:NetworkLoadBalancer/networkLoadBalancer:NetworkLoadBalancer":
            return { ...inputs, ipAddresses: [{ ipAddress: `198.51.100.${name.length}`, isPublic: !inputs.isPrivate }] };
        case "oci:Core/natGateway:NatGateway":
            return { ...inputs, natIp: `203.0.113.${name.length}` };
        case "oci:Core/vcn:Vcn":
            return { ...inputs, defaultSecurityListId: `${name}-default-security-list-id` };
        case "oci:Kms/vault:Vault":
            return { ...inputs, managementEndpoint: `https://${name}-management.kms.example` };
        case "random:index/randomPassword:RandomPassword":
            return { ...inputs, result: `pw-${name}`.padEnd(inputs.length ?? 16, "x") };
        case "random:index/randomBytes:RandomBytes": {
            // A stable seed per name (a VM's host key seed): sha256 of the name, `length` bytes.
            const bytes = createHash("sha256").update(name).digest().subarray(0, inputs.length ?? 32);
            return { ...inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") };
        }
        default:
            return inputs;
    }
}

export interface MockRun<T> {
    resources: Recorded[];
    result: T;
}

/**
 * Runs `init` as a stack under mocks and resolves once every registration is done.
 * Call once per test file (vitest runs each file in its own process).
 */
export async function runWithMocks<T>(
    init: () => Promise<T> | T,
    opts: { stack?: string; stackOutputs?: Record<string, any> } = {},
): Promise<MockRun<T>> {
    const byName = new Map<string, { inputs: Record<string, any>; provider?: string; type: string; secretPaths: string[] }>();
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const secretPaths: string[] = [];
                const inputs = unwrap(args.inputs, "", secretPaths);
                byName.set(`${args.type}::${args.name}`, { inputs, provider: args.provider, type: args.type, secretPaths });
                return { id: `${args.name}-id`, state: state(args.type, args.name, inputs, opts.stackOutputs ?? {}) };
            },
            call(args) {
                return invoke(args.token, unwrap(args.inputs));
            },
        },
        "blitzhub",
        opts.stack ?? "eu",
        false,
        "organization",
    );
    const recorded: Omit<Recorded, "inputs" | "provider" | "secretPaths">[] = [];
    let result!: T;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            recorded.push({
                type: args.type,
                name: args.name,
                custom: args.resource instanceof pulumi.CustomResource,
                opts: args.opts as pulumi.CustomResourceOptions,
                parent: args.opts.parent,
                resource: args.resource,
            });
            return undefined;
        });
        result = await init();
        return {};
    });
    // Registrations finish asynchronously: wait for every URN (and for resources created
    // meanwhile, e.g. inside an apply) until nothing new appears.
    let settled = 0;
    while (settled < recorded.length) {
        const batch = recorded.slice(settled);
        settled = recorded.length;
        await Promise.all(batch.map((r) => valueOf(r.resource.urn)));
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const resources = recorded.map((r) => {
        const seen = byName.get(`${r.type}::${r.name}`);
        return { ...r, inputs: seen?.inputs ?? {}, provider: seen?.provider, secretPaths: seen?.secretPaths ?? [] };
    });
    return { resources, result };
}

/** Resolves an output (so an assertion on it can fail). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => { resolve(v as T); return v; }));
}

/** Provider name (`eu-fe-01`) from a provider reference `urn:pulumi:...::pulumi:providers:oci::eu-fe-01::id`. */
export function providerName(ref: string | undefined): string | undefined {
    if (!ref) return undefined;
    const urn = ref.slice(0, ref.lastIndexOf("::"));
    return urn.slice(urn.lastIndexOf("::") + 2);
}

export function ofType(resources: Recorded[], type: string): Recorded[] {
    return resources.filter((r) => r.type === type);
}

/** The one custom resource named `name` (of `type` when given); fails on none or several. */
export function named(resources: Recorded[], name: string, type?: string): Recorded {
    const found = resources.filter((r) => r.name === name && r.custom && (type === undefined || r.type === type));
    if (found.length !== 1) throw new Error(`${found.length} custom resources named ${name}${type ? ` of type ${type}` : ""}`);
    return found[0];
}

/** Provider inputs arrive JSON-encoded (non-string values); decode one. */
export function providerInput(r: Recorded, key: string): unknown {
    const value = r.inputs[key];
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}
