/**
 * Pulumi runtime mocks for the offline engine: what OCI, `@pulumi/random` and `@pulumi/command`
 * would answer, so the real program runs with no cloud and no CLI.
 *
 * Answers are deterministic (derived from type and name), plausible (OCIDs in the provider's
 * region, private IPs inside their subnet, public IPs from the RFC 5737 documentation ranges)
 * and complete: every invoke the program makes has an answer; an unknown one is reported by name
 * through `onFailure` before the mock throws, because a throwing mock otherwise leaves outputs
 * that never settle and an error nobody sees.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { addressAt, networkOfCidr } from "../model/cidr";
import { unwrapSecret } from "./serialize";
import { A1_SHAPE, MICRO_SHAPE } from "../model/shapes";

type Props = Record<string, any>;

function digest(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The value the mocks give a generated secret (`random` passwords and strings): deterministic
 * per type, name and length, so a test can recompute it and prove it is never printed.
 */

/** Display names of some of Oracle's managed Security Zone policies (Cloud Guard's policy list). */
const ORACLE_SECURITY_ZONE_POLICIES = [
    "deny public_buckets",
    "deny buckets_without_vault_key",
    "deny block_volume_without_vault_key",
    "deny boot_volume_without_vault_key",
    "deny database_without_backup",
    "deny public_subnets",
    "deny instance_without_sanctioned_image",
];

/**
 * Cloud Guard's Oracle-managed recipes as a tenancy lists them (names as Oracle's landing zone
 * looks them up). Owner ORACLE; the program must not pick a CUSTOMER clone of the same name.
 */
const ORACLE_DETECTOR_RECIPES = [
    { displayName: "OCI Configuration Detector Recipe", detector: "IAAS_CONFIGURATION_DETECTOR" },
    { displayName: "OCI Activity Detector Recipe", detector: "IAAS_ACTIVITY_DETECTOR" },
    { displayName: "OCI Threat Detector Recipe", detector: "IAAS_THREAT_DETECTOR" },
];
const ORACLE_RESPONDER_RECIPES = ["OCI Responder Recipe"];

export function mockSecretValue(type: string, name: string, length = 32): string {
    let out = "";
    for (let block = 0; out.length < length; block++) {
        const bytes = createHash("sha256").update(`blitzhub-offline-secret:${type}:${name}:${block}`).digest();
        for (const byte of bytes) if (out.length < length) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
    }
    return out;
}

/** Availability domains the mocks report for a region (three, as in Frankfurt/Ashburn). */
export function mockAvailabilityDomains(region: string): string[] {
    const upper = region.toUpperCase();
    return [1, 2, 3].map((n) => `Uocm:${upper}-AD-${n}`);
}

/** `oci:Core/vcn:Vcn` → `vcn`, the kind part of an OCID. */
function ocidKind(type: string): string {
    return (type.split(":").pop() ?? "resource").toLowerCase();
}

/** Options of one stack's mocks. */
export interface OfflineMocksOptions {
    /** Region used for OCIDs when a resource's provider is unknown (the stack's home region). */
    defaultRegion: string;
    /** Outputs of other stacks by fully qualified name (and which are secret), answered to `StackReference`. */
    stackOutputs: Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>;
    /** Called with a clear message before a mock throws (unknown invoke, unknown stack). */
    onFailure: (message: string) => void;
}

/** One stack's mocks; create a fresh instance per stack. */
export class OfflineMocks implements pulumi.runtime.Mocks {
    /** Region per provider id (the tail of a provider reference `urn::id`). */
    private readonly providerRegions = new Map<string, string>();
    /** CIDR per subnet id, so instances and private LBs get addresses inside their subnet. */
    private readonly subnetCidrs = new Map<string, string>();
    /** Next host offset per subnet for addresses the program did not fix. */
    private readonly subnetNextHost = new Map<string, number>();
    /** Instances' primary private IPs, `<subnet id> <address>`, answered by `getPrivateIps`. */
    private readonly instanceIps = new Set<string>();
    /** Remote peering connections made so far, answered by `getDrgAttachments` with their DRG attachment. */
    private readonly rpcDrgs = new Map<string, string>();
    private publicCount = 0;
    private tenancyCount = 0;

    constructor(private readonly options: OfflineMocksOptions) {}

    private regionOf(providerRef: string | undefined): string {
        if (providerRef) {
            const id = providerRef.slice(providerRef.lastIndexOf("::") + 2);
            const region = this.providerRegions.get(id);
            if (region) return region;
        }
        return this.options.defaultRegion;
    }

    private ocid(type: string, name: string, region: string, kind = ocidKind(type)): string {
        return `ocid1.${kind}.oc1.${region}.amaaaaaa${digest(`${type}:${name}`).slice(0, 40)}`;
    }

    /** Next documentation-range public address (203.0.113.0/24, then 198.51.100.0/24, 192.0.2.0/24). */
    private publicIp(): string {
        const n = this.publicCount++;
        const blocks = ["203.0.113", "198.51.100", "192.0.2"];
        return `${blocks[Math.floor(n / 250) % blocks.length]}.${(n % 250) + 2}`;
    }

    /** A free address inside the subnet (from .200 upwards for LBs, so planned VM IPs stay free). */
    private subnetIp(subnetId: string | undefined, base: number): string {
        const network = subnetId ? networkOfCidr(this.subnetCidrs.get(subnetId)) : undefined;
        if (!network) return `10.255.255.${base % 250}`;
        const size = Number(network.size);
        const next = this.subnetNextHost.get(subnetId!) ?? 0;
        this.subnetNextHost.set(subnetId!, next + 1);
        const offset = Math.min(Math.max(2, Math.floor(size * 0.75)) + next, size - 2);
        return addressAt(network, offset);
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Props } {
        const inputs = args.inputs as Props;
        const region = this.regionOf(args.provider);
        const { type, name } = args;

        // Components (and the stack) are not cloud objects: no id, their state is their outputs.
        if (!args.custom) return { id: undefined, state: inputs };
        if (type === "pulumi:pulumi:StackReference") {
            const stackName = String(unwrapSecret(inputs.name));
            const referenced = this.options.stackOutputs[stackName];
            if (referenced === undefined) {
                const message = `offline mocks: StackReference to "${stackName}" has no outputs (known: ${Object.keys(this.options.stackOutputs).join(", ") || "none"})`;
                this.options.onFailure(message);
                throw new Error(message);
            }
            return { id: stackName, state: { name: stackName, outputs: referenced.outputs, secretOutputNames: referenced.secretOutputNames } };
        }
        if (type.startsWith("pulumi:providers:")) {
            const id = digest(`provider:${name}`).slice(0, 8) + "-" + digest(`provider:${name}`).slice(8, 12) + "-4000-8000-" + digest(name).slice(0, 12);
            const providerRegion = unwrapSecret(inputs.region);
            if (typeof providerRegion === "string") this.providerRegions.set(id, providerRegion);
            return { id, state: inputs };
        }
        if (type.startsWith("random:")) return this.randomResource(type, name, inputs);
        if (type.startsWith("command:")) {
            return { id: `${name}-${digest(type + name).slice(0, 8)}`, state: { ...inputs, stdout: "", stderr: "" } };
        }
        if (!type.startsWith("oci:")) {
            return { id: `${name}-id`, state: inputs };
        }

        const id = this.ocid(type, name, region);
        const common = { ...inputs, id, state: "AVAILABLE", timeCreated: "2026-01-01T00:00:00.000Z" };
        switch (type) {
            case "oci:Core/vcn:Vcn": {
                const cidrBlocks = inputs.cidrBlocks ?? (inputs.cidrBlock ? [inputs.cidrBlock] : []);
                return {
                    id,
                    state: {
                        ...common,
                        cidrBlock: inputs.cidrBlock ?? cidrBlocks[0],
                        cidrBlocks,
                        defaultRouteTableId: this.ocid("oci:Core/routeTable:RouteTable", `${name}-default`, region),
                        defaultSecurityListId: this.ocid("oci:Core/securityList:SecurityList", `${name}-default`, region),
                        defaultDhcpOptionsId: this.ocid("oci:Core/dhcpOptions:DhcpOptions", `${name}-default`, region),
                        vcnDomainName: inputs.dnsLabel ? `${inputs.dnsLabel}.oraclevcn.com` : undefined,
                    },
                };
            }
            case "oci:Core/subnet:Subnet": {
                if (typeof inputs.cidrBlock === "string") this.subnetCidrs.set(id, inputs.cidrBlock);
                const cidr = networkOfCidr(inputs.cidrBlock);
                return {
                    id,
                    state: {
                        ...common,
                        virtualRouterIp: cidr ? addressAt(cidr, 1) : undefined,
                        subnetDomainName: inputs.dnsLabel ? `${inputs.dnsLabel}.example.oraclevcn.com` : undefined,
                    },
                };
            }
            case "oci:Core/instance:Instance": {
                const vnic = (inputs.createVnicDetails ?? {}) as Props;
                const privateIp = vnic.privateIp ?? this.subnetIp(vnic.subnetId, 10);
                this.instanceIps.add(`${vnic.subnetId} ${privateIp}`);
                const wantsPublic = vnic.assignPublicIp === true || vnic.assignPublicIp === "true";
                return {
                    id,
                    state: {
                        ...common,
                        state: "RUNNING",
                        privateIp,
                        publicIp: wantsPublic ? this.publicIp() : "",
                        bootVolumeId: this.ocid("oci:Core/bootVolume:BootVolume", name, region, "bootvolume"),
                        region,
                    },
                };
            }
            case "oci:LoadBalancer/loadBalancer:LoadBalancer": {
                const isPrivate = inputs.isPrivate === true;
                const ipAddress = isPrivate ? this.subnetIp(inputs.subnetIds?.[0], 200) : this.publicIp();
                return {
                    id,
                    state: {
                        ...common,
                        state: "ACTIVE",
                        ipAddresses: [ipAddress],
                        ipAddressDetails: [{ ipAddress, isPublic: !isPrivate, reservedIps: [] }],
                    },
                };
            }
            case "oci:NetworkLoadBalancer/networkLoadBalancer:NetworkLoadBalancer": {
                const isPrivate = inputs.isPrivate === true;
                const ipAddress = isPrivate ? this.subnetIp(inputs.subnetId, 200) : this.publicIp();
                return {
                    id,
                    state: { ...common, state: "ACTIVE", ipAddresses: [{ ipAddress, isPublic: !isPrivate, ipVersion: "IPV4", reservedIps: [] }] },
                };
            }
            case "oci:Core/natGateway:NatGateway":
                return { id, state: { ...common, natIp: this.publicIp(), blockTraffic: inputs.blockTraffic ?? false } };
            case "oci:Core/drg:Drg":
                return {
                    id,
                    state: {
                        ...common,
                        defaultDrgRouteTables: [
                            {
                                vcn: this.ocid("oci:Core/drgRouteTable:DrgRouteTable", `${name}-vcn`, region),
                                ipsecTunnel: this.ocid("oci:Core/drgRouteTable:DrgRouteTable", `${name}-ipsec`, region),
                                virtualCircuit: this.ocid("oci:Core/drgRouteTable:DrgRouteTable", `${name}-vc`, region),
                                remotePeeringConnection: this.ocid("oci:Core/drgRouteTable:DrgRouteTable", `${name}-rpc`, region),
                            },
                        ],
                        defaultExportDrgRouteDistributionId: this.ocid("oci:Core/drgRouteDistribution:DrgRouteDistribution", `${name}-export`, region),
                    },
                };
            case "oci:Core/remotePeeringConnection:RemotePeeringConnection":
                this.rpcDrgs.set(id, String(inputs.drgId));
                return { id, state: { ...common, peeringStatus: inputs.peerId ? "PEERED" : "NEW", isCrossTenancyPeering: Boolean(inputs.peerId) } };
            // The provider's ids: `<subnet>/<route table>`, the managed default table's own id, `drgRouteTables/<table>/routeRules/<rule>`.
            case "oci:Core/routeTableAttachment:RouteTableAttachment":
                return { id: `${inputs.subnetId}/${inputs.routeTableId}`, state: { ...inputs } };
            case "oci:Core/defaultRouteTable:DefaultRouteTable":
                return { id: String(inputs.manageDefaultResourceId), state: { ...common, id: inputs.manageDefaultResourceId } };
            case "oci:Core/drgRouteTableRouteRule:DrgRouteTableRouteRule": {
                const ruleId = digest(`${type}:${name}`).slice(0, 8);
                return {
                    id: `drgRouteTables/${inputs.drgRouteTableId}/routeRules/${ruleId}`,
                    state: { ...inputs, routeType: "STATIC", routeProvenance: "STATIC", isBlackhole: false, isConflict: false, attributes: {} },
                };
            }
            case "oci:Kms/vault:Vault":
                return {
                    id,
                    state: {
                        ...common,
                        state: "ACTIVE",
                        managementEndpoint: `https://${digest(name).slice(0, 12)}-management.kms.${region}.oraclecloud.com`,
                        cryptoEndpoint: `https://${digest(name).slice(0, 12)}-crypto.kms.${region}.oraclecloud.com`,
                    },
                };
            case "oci:Kms/key:Key":
                return { id, state: { ...common, state: "ENABLED", currentKeyVersion: this.ocid("oci:Kms/keyVersion:KeyVersion", name, region, "keyversion") } };
            case "oci:Kms/keyVersion:KeyVersion":
                // CreateKeyVersion answers with the new, now primary version of an enabled key.
                return { id, state: { ...common, keyVersionId: id, state: "ENABLED", isPrimary: true, isAutoRotated: false } };
            case "oci:Vault/secret:Secret":
                return { id, state: { ...common, state: "ACTIVE", currentVersionNumber: "1" } };
            case "oci:ObjectStorage/bucket:Bucket":
                return { id: `n/${inputs.namespace ?? "examplenamespace"}/b/${inputs.name ?? name}`, state: { ...common, bucketId: id, etag: digest(name).slice(0, 16) } };
            case "oci:Database/autonomousDatabase:AutonomousDatabase": {
                const host = `${digest(name).slice(0, 8)}.adb.${region}.oraclecloud.com`;
                const db = String(inputs.dbName ?? name).toLowerCase();
                return {
                    id,
                    state: {
                        ...common,
                        lifecycleState: "AVAILABLE",
                        connectionStrings: [
                            {
                                high: `${host}:1522/${db}_high.adb.oraclecloud.com`,
                                medium: `${host}:1522/${db}_medium.adb.oraclecloud.com`,
                                low: `${host}:1522/${db}_low.adb.oraclecloud.com`,
                                profiles: [],
                                allConnectionStrings: {},
                            },
                        ],
                        serviceConsoleUrl: `https://${host}/console`,
                        privateEndpointIp: "",
                    },
                };
            }
            default:
                return { id, state: common };
        }
    }

    private randomResource(type: string, name: string, inputs: Props): { id: string; state: Props } {
        const length = Number(unwrapSecret(inputs.length) ?? 32);
        switch (type) {
            case "random:index/randomPassword:RandomPassword":
            case "random:index/randomString:RandomString": {
                const result = mockSecretValue(type, name, length);
                return { id: "none", state: { ...inputs, result, ...(type.endsWith("RandomPassword") ? { bcryptHash: `$2a$10$${mockSecretValue(type, `${name}-bcrypt`, 53)}` } : {}) } };
            }
            case "random:index/randomId:RandomId": {
                const bytes = Number(inputs.byteLength ?? 8);
                const hex = digest(`randomId:${name}`).slice(0, bytes * 2);
                const buf = Buffer.from(hex, "hex");
                return {
                    id: buf.toString("base64url"),
                    state: { ...inputs, hex, dec: BigInt(`0x${hex}`).toString(), b64Std: buf.toString("base64"), b64Url: buf.toString("base64url") },
                };
            }
            case "random:index/randomBytes:RandomBytes": {
                const buf = Buffer.from(mockSecretValue(type, name, length * 2).slice(0, length));
                return { id: "none", state: { ...inputs, base64: buf.toString("base64"), hex: buf.toString("hex") } };
            }
            case "random:index/randomUuid:RandomUuid": {
                const h = digest(`uuid:${name}`);
                const result = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
                return { id: result, state: { ...inputs, result } };
            }
            case "random:index/randomInteger:RandomInteger": {
                const min = Number(inputs.min ?? 0);
                const max = Number(inputs.max ?? 100);
                const result = min + (parseInt(digest(`int:${name}`).slice(0, 8), 16) % (max - min + 1));
                return { id: String(result), state: { ...inputs, result } };
            }
            case "random:index/randomPet:RandomPet":
                return { id: `${name}-pet`, state: { ...inputs, id: `${name}-pet` } };
            default:
                return { id: `${name}-random`, state: inputs };
        }
    }

    call(args: pulumi.runtime.MockCallArgs): Props {
        const inputs = args.inputs as Props;
        const region = this.regionOf(args.provider);
        switch (args.token) {
            case "oci:Identity/getAvailabilityDomains:getAvailabilityDomains":
                return {
                    compartmentId: inputs.compartmentId,
                    id: `ads-${region}`,
                    availabilityDomains: mockAvailabilityDomains(region).map((name, i) => ({
                        name,
                        id: this.ocid("oci:Identity/availabilityDomain:AvailabilityDomain", `${region}-${i + 1}`, region, "availabilitydomain"),
                        compartmentId: inputs.compartmentId,
                    })),
                };
            case "oci:Identity/getFaultDomains:getFaultDomains":
                return {
                    ...inputs,
                    id: `fds-${region}`,
                    faultDomains: [1, 2, 3].map((n) => ({
                        name: `FAULT-DOMAIN-${n}`,
                        availabilityDomain: inputs.availabilityDomain,
                        compartmentId: inputs.compartmentId,
                        id: this.ocid("oci:Identity/faultDomain:FaultDomain", `${region}-${inputs.availabilityDomain}-${n}`, region, "faultdomain"),
                    })),
                };
            case "oci:Core/getImages:getImages": {
                const shape = String(inputs.shape ?? MICRO_SHAPE);
                const arch = shape.includes("A1") ? "aarch64" : "x86_64";
                const os = String(inputs.operatingSystem ?? "Canonical Ubuntu");
                const version = String(inputs.operatingSystemVersion ?? "22.04");
                const displayName = `${os.replace(/ /g, "-")}-${version}-${arch === "aarch64" ? "aarch64-" : ""}2026.01.15-0`;
                return {
                    ...inputs,
                    id: `images-${region}-${shape}`,
                    images: [
                        {
                            id: this.ocid("oci:Core/image:Image", `${os}-${version}-${arch}`, region, "image"),
                            displayName,
                            operatingSystem: os,
                            operatingSystemVersion: version,
                            compartmentId: "",
                            state: "AVAILABLE",
                            sizeInMbs: "47694",
                            timeCreated: "2026-01-15T00:00:00.000Z",
                        },
                        // An older build after the newest, as OCI sorts them: the program must take the first.
                        {
                            id: this.ocid("oci:Core/image:Image", `${os}-${version}-${arch}-older`, region, "image"),
                            displayName: displayName.replace("2026.01.15", "2025.10.01"),
                            operatingSystem: os,
                            operatingSystemVersion: version,
                            compartmentId: "",
                            state: "AVAILABLE",
                            sizeInMbs: "47694",
                            timeCreated: "2025-10-01T00:00:00.000Z",
                        },
                    ],
                };
            }
            case "oci:Core/getShapes:getShapes":
                return {
                    ...inputs,
                    id: `shapes-${region}`,
                    shapes: [
                        { name: A1_SHAPE, ocpus: 1, memoryInGbs: 6, isFlexible: true, processorDescription: "3.0 GHz Ampere Altra" },
                        { name: MICRO_SHAPE, ocpus: 1, memoryInGbs: 1, isFlexible: false, processorDescription: "2.0 GHz AMD EPYC 7551" },
                    ],
                };
            case "oci:Core/getServices:getServices": {
                const code = region.split("-")[1]?.slice(0, 3) ?? "oci";
                return {
                    id: `services-${region}`,
                    services: [
                        {
                            id: this.ocid("oci:Core/service:Service", `${region}-all`, region, "service"),
                            name: `All ${code.toUpperCase()} Services In Oracle Services Network`,
                            cidrBlock: `all-${code}-services-in-oracle-services-network`,
                            description: "All services in the Oracle Services Network",
                        },
                        {
                            id: this.ocid("oci:Core/service:Service", `${region}-objectstorage`, region, "service"),
                            name: `OCI ${code.toUpperCase()} Object Storage`,
                            cidrBlock: `oci-${code}-objectstorage`,
                            description: "Object Storage",
                        },
                    ],
                };
            }
            case "oci:Core/getPrivateIps:getPrivateIps": {
                // By address and subnet: the primary private IP of an instance the program made there.
                const found = this.instanceIps.has(`${inputs.subnetId} ${inputs.ipAddress}`);
                const key = `${inputs.subnetId}:${inputs.ipAddress}`;
                return {
                    ...inputs,
                    id: `privateips-${digest(key).slice(0, 12)}`,
                    privateIps: found
                        ? [{
                              id: this.ocid("oci:Core/privateIp:PrivateIp", key, region, "privateip"),
                              ipAddress: inputs.ipAddress,
                              subnetId: inputs.subnetId,
                              vnicId: this.ocid("oci:Core/vnic:Vnic", key, region, "vnic"),
                              isPrimary: true,
                              lifetime: "EPHEMERAL",
                              ipState: "ASSIGNED",
                          }]
                        : [],
                };
            }
            case "oci:Core/getDrgAttachments:getDrgAttachments": {
                // By network: the DRG attachment OCI makes for a remote peering connection.
                const networkId = String(inputs.networkId ?? "");
                const drgId = this.rpcDrgs.get(networkId);
                const attachmentType = String(inputs.attachmentType ?? "");
                return {
                    ...inputs,
                    id: `drgattachments-${digest(networkId).slice(0, 12)}`,
                    drgAttachments: drgId && (attachmentType === "" || attachmentType === "REMOTE_PEERING_CONNECTION")
                        ? [{
                              id: this.ocid("oci:Core/drgAttachment:DrgAttachment", `rpc:${networkId}`, region, "drgattachment"),
                              attachmentType: "REMOTE_PEERING_CONNECTION",
                              compartmentId: inputs.compartmentId,
                              drgId,
                              networkId,
                              networkDetails: [{ id: networkId, type: "REMOTE_PEERING_CONNECTION" }],
                              state: "ATTACHED",
                          }]
                        : [],
                };
            }
            case "oci:Core/getVolumeBackupPolicies:getVolumeBackupPolicies":
                // Oracle-defined policies (no compartment): bronze, silver, gold.
                return {
                    ...inputs,
                    id: `volume-backup-policies-${region}`,
                    volumeBackupPolicies: ["bronze", "silver", "gold"].map((policy) => ({
                        id: this.ocid("oci:Core/volumeBackupPolicy:VolumeBackupPolicy", `oracle-${policy}`, region, "volumebackuppolicy"),
                        displayName: policy,
                        compartmentId: "",
                        destinationRegion: "",
                        schedules: [],
                        timeCreated: "2017-01-01T00:00:00.000Z",
                    })),
                };
            case "oci:ObjectStorage/getNamespace:getNamespace":
                return { ...inputs, id: "namespace", namespace: `example${digest(String(inputs.compartmentId ?? region)).slice(0, 10)}` };
            case "oci:Identity/getTenancy:getTenancy":
                return {
                    ...inputs,
                    id: inputs.tenancyId,
                    name: `example-tenancy-${this.tenancyCount++}`,
                    homeRegionKey: region.split("-")[1]?.slice(0, 3).toUpperCase() ?? "FRA",
                    description: "example tenancy (offline mocks)",
                };
            case "oci:CloudGuard/getSecurityPolicies:getSecurityPolicies":
                // Oracle-managed Security Zone policies, as the service lists them in every tenancy.
                return {
                    ...inputs,
                    id: `security-policies-${region}`,
                    securityPolicyCollections: [{
                        items: ORACLE_SECURITY_ZONE_POLICIES.map((displayName) => ({
                            id: this.ocid("oci:CloudGuard/securityPolicy:SecurityPolicy", displayName, region, "securityzonessecuritypolicy"),
                            displayName,
                            friendlyName: displayName,
                            owner: "ORACLE",
                            category: "RESTRICT_DATA_ACCESS",
                            state: "ACTIVE",
                        })),
                    }],
                };
            case "oci:CloudGuard/getDetectorRecipes:getDetectorRecipes":
                // Oracle-managed detector recipes exist in the root compartment once Cloud Guard is on.
                return {
                    ...inputs,
                    id: `detector-recipes-${region}`,
                    detectorRecipeCollections: [{
                        items: ORACLE_DETECTOR_RECIPES.filter((r) => inputs.displayName === undefined || r.displayName === inputs.displayName).map((r) => ({
                            id: this.ocid("oci:CloudGuard/detectorRecipe:DetectorRecipe", r.displayName, region, "cloudguarddetectorrecipe"),
                            compartmentId: inputs.compartmentId,
                            displayName: r.displayName,
                            description: r.displayName,
                            detector: r.detector,
                            detectorRecipeType: "STANDARD",
                            owner: "ORACLE",
                            state: "ACTIVE",
                            detectorRules: [],
                            effectiveDetectorRules: [],
                            targetIds: [],
                            sourceDetectorRecipeId: "",
                            freeformTags: {},
                            definedTags: {},
                            systemTags: {},
                            timeCreated: "2020-01-01T00:00:00.000Z",
                            timeUpdated: "2020-01-01T00:00:00.000Z",
                        })),
                    }],
                };
            case "oci:CloudGuard/getResponderRecipes:getResponderRecipes":
                return {
                    ...inputs,
                    id: `responder-recipes-${region}`,
                    responderRecipeCollections: [{
                        items: ORACLE_RESPONDER_RECIPES.filter((displayName) => inputs.displayName === undefined || displayName === inputs.displayName).map((displayName) => ({
                            id: this.ocid("oci:CloudGuard/responderRecipe:ResponderRecipe", displayName, region, "cloudguardresponderrecipe"),
                            compartmentId: inputs.compartmentId,
                            displayName,
                            description: displayName,
                            owner: "ORACLE",
                            state: "ACTIVE",
                            lifecycleDetails: "",
                            responderRules: [],
                            effectiveResponderRules: [],
                            sourceResponderRecipeId: "",
                            freeformTags: {},
                            definedTags: {},
                            systemTags: {},
                            timeCreated: "2020-01-01T00:00:00.000Z",
                            timeUpdated: "2020-01-01T00:00:00.000Z",
                        })),
                    }],
                };
            case "oci:Identity/getRegionSubscriptions:getRegionSubscriptions":
                return { ...inputs, id: `subscriptions-${region}`, regionSubscriptions: [{ regionName: region, isHomeRegion: true, state: "READY", regionKey: "FRA" }] };
            default: {
                const message = `offline mocks: no answer for invoke "${args.token}" (inputs: ${JSON.stringify(inputs)}). Add it to offline/mocks.ts.`;
                this.options.onFailure(message);
                throw new Error(message);
            }
        }
    }
}
