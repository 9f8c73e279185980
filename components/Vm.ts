/**
 * One compute instance with its static private IP, shape, boot volume and block volumes.
 * cloud-init only bootstraps: image and user data are ignored after creation, so a config
 * change is delivered by `ConfigDelivery`, never by replacing the instance.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { VmPlan } from "../plan/types";
import { volumeDevice } from "../plan/volumes";
import { type SshHostKey, sshHostKeyFromSeed } from "../render/sshHostKey";
import { encodeUserData } from "../render/userData";
import { type AccountContext, childOptions, compartmentFor } from "./accountContext";

/**
 * Property paths of the instance that never trigger an update or a replacement: a newer image,
 * a changed bootstrap, and the launch SSH keys (OCI cannot update `user_data` or
 * `ssh_authorized_keys` in place; the logins cloud-init made stay as they are, see docs/security.md).
 */
export const INSTANCE_IGNORE_CHANGES = ["sourceDetails.sourceId", "metadata.user_data", "metadata.ssh_authorized_keys"];

export interface VmArgs {
    ctx: AccountContext;
    vm: VmPlan;
    subnetId: pulumi.Input<string>;
    /** The VM's own NSG (its ingress rules come from the plan's firewall). */
    nsgId: pulumi.Input<string>;
    availabilityDomain: pulumi.Input<string>;
    /** Image for the VM's shape (latest compatible or the configured override). */
    imageId: pulumi.Input<string>;
    /** The operators' public keys, given to OCI as `ssh_authorized_keys` (with no image user, cloud-init gives them to no login). */
    sshAuthorizedKeys: string[];
    /**
     * A bastion that routes the operators' tunnel addresses: its VNIC skips the source/destination
     * check (updated in place through UpdateVnic; the provider does not replace the instance for it).
     */
    forwardsTunnel?: boolean;
    /**
     * The cloud-init document (`#cloud-config`) for the VM's host key and the deployment's
     * internal CA certificate (which it trusts); encoded here (a secret: it holds the key).
     */
    cloudInit: (hostKey: SshHostKey, internalCaCert?: string) => string;
    /** The internal CA certificate (PEM, `InternalPki.caCert`) cloud-init adds to the trust store. */
    internalCaCert?: pulumi.Input<string>;
    /** Oracle-defined volume backup policy ids by name (`bronze`, `silver`, `gold`). */
    backupPolicyIds: pulumi.Input<Record<string, string>>;
    /** The tenancy's customer-managed key: boot and block volumes are encrypted with it. */
    kmsKeyId: pulumi.Input<string>;
    /** The IAM policy letting Block Volume use that key (the volumes wait for it). */
    keyPolicy: pulumi.Resource;
    /** Enables the agent's Vulnerability Scanning plugin (the tenancy scans its instances). */
    vulnerabilityScanning: boolean;
}

export class Vm extends pulumi.ComponentResource {
    readonly instance: oci.core.Instance;
    readonly volumes: oci.core.Volume[];
    /** The static private IP the plan gave this VM. */
    readonly privateIp: string;
    /** The VM's SSH host public key (`ssh-ed25519 ...`), known before it boots: delivery pins it. */
    readonly hostPublicKey: pulumi.Output<string>;

    constructor(name: string, args: VmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:compute:Vm", name, {}, opts);
        const { ctx, vm } = args;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);
        const flexible = vm.shape.endsWith(".Flex");
        this.privateIp = vm.privateIp;

        // The host key comes from a secret seed in state, so it is known before the VM exists and
        // delivery never has to trust a first connection (render/sshHostKey.ts).
        const hostKeySeed = new random.RandomBytes(`${vm.resourceName}-host-key-seed`, { length: 32 }, { parent: this });
        const hostKey = hostKeySeed.base64.apply((seed) => sshHostKeyFromSeed(seed, vm.resourceName));
        this.hostPublicKey = pulumi.unsecret(hostKey.apply((k) => k.publicKey));

        this.instance = new oci.core.Instance(vm.resourceName, {
            compartmentId: compartmentFor(ctx, "instance"),
            availabilityDomain: args.availabilityDomain,
            displayName: vm.resourceName,
            shape: vm.shape,
            ...(flexible ? { shapeConfig: { ocpus: vm.ocpus, memoryInGbs: vm.memoryGb } } : {}),
            sourceDetails: {
                sourceType: "image",
                sourceId: args.imageId,
                bootVolumeSizeInGbs: String(vm.bootVolumeGb),
                // Updatable in place (the provider re-keys the boot volume), never a replacement.
                kmsKeyId: args.kmsKeyId,
            },
            createVnicDetails: {
                subnetId: args.subnetId,
                privateIp: vm.privateIp,
                assignPublicIp: String(vm.publicIp),
                hostnameLabel: vm.resourceName,
                displayName: `${vm.resourceName}-vnic`,
                nsgIds: [args.nsgId],
                freeformTags: ctx.tags,
                ...(args.forwardsTunnel ? { skipSourceDestCheck: true } : {}),
            },
            metadata: {
                ssh_authorized_keys: args.sshAuthorizedKeys.join("\n"),
                user_data: pulumi.secret(
                    pulumi.all([hostKey, args.internalCaCert]).apply(([k, ca]) => encodeUserData(args.cloudInit(k, ca))),
                ),
            },
            instanceOptions: { areLegacyImdsEndpointsDisabled: true },
            isPvEncryptionInTransitEnabled: true,
            launchOptions: { isPvEncryptionInTransitEnabled: true },
            agentConfig: {
                isMonitoringDisabled: false,
                isManagementDisabled: false,
                pluginsConfigs: [
                    { name: "Compute Instance Monitoring", desiredState: "ENABLED" },
                    ...(args.vulnerabilityScanning ? [{ name: "Vulnerability Scanning", desiredState: "ENABLED" }] : []),
                ],
            },
            freeformTags: ctx.tags,
        }, o({ ignoreChanges: INSTANCE_IGNORE_CHANGES, dependsOn: [args.keyPolicy] }));

        this.volumes = vm.blockVolumes.map((volume, index) => {
            const blockVolume = new oci.core.Volume(volume.resourceName, {
                compartmentId: compartmentFor(ctx, "volume"),
                availabilityDomain: args.availabilityDomain,
                displayName: volume.resourceName,
                sizeInGbs: String(volume.sizeGb),
                kmsKeyId: args.kmsKeyId,
                freeformTags: { ...ctx.tags, "mount-path": volume.mountPath },
            }, o({ protect: true, dependsOn: [args.keyPolicy] }));
            new oci.core.VolumeAttachment(`${volume.resourceName}-attachment`, {
                attachmentType: "paravirtualized",
                // The consistent device path cloud-init mounts (render/volumes.ts).
                device: volumeDevice(index),
                instanceId: this.instance.id,
                volumeId: blockVolume.id,
                displayName: `${volume.resourceName}-attachment`,
                isPvEncryptionInTransitEnabled: true,
            }, o());
            if (volume.backupPolicy !== "none") {
                new oci.core.VolumeBackupPolicyAssignment(`${volume.resourceName}-backup-policy`, {
                    assetId: blockVolume.id,
                    policyId: pulumi.output(args.backupPolicyIds).apply((ids) => {
                        const id = ids[volume.backupPolicy];
                        if (!id) throw new pulumi.ResourceError(`${vm.account}: no Oracle-defined volume backup policy '${volume.backupPolicy}'`, this);
                        return id;
                    }),
                }, o());
            }
            return blockVolume;
        });

        this.registerOutputs({
            instanceId: this.instance.id,
            privateIp: this.privateIp,
            hostPublicKey: this.hostPublicKey,
            publicIp: this.instance.publicIp,
            volumeIds: this.volumes.map((v) => v.id),
        });
    }
}
