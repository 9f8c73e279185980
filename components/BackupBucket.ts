/**
 * A private, versioned Object Storage bucket (backups, ledger snapshots). Protected: deleting
 * the stack never deletes the data.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { type AccountContext, childOptions, compartmentFor, invokeOptions } from "./accountContext";

export interface BackupBucketArgs {
    ctx: AccountContext;
    /** Bucket label from the role (`backups`); the bucket is `<slug>-<name>`. */
    name: string;
    purpose: string;
    versioning: boolean;
    /** Object Storage namespace of the tenancy (looked up once per account). */
    namespace: pulumi.Input<string>;
    /** The tenancy's customer-managed key: the bucket is encrypted with it. */
    kmsKeyId: pulumi.Input<string>;
    /** The IAM policy letting Object Storage use that key (the bucket waits for it). */
    keyPolicy: pulumi.Resource;
}

/** The tenancy's Object Storage namespace. */
export function objectStorageNamespaceOf(parent: pulumi.Resource, ctx: AccountContext): pulumi.Output<string> {
    return oci.objectstorage.getNamespaceOutput({ compartmentId: ctx.tenancyOcid }, invokeOptions(parent, ctx)).namespace;
}

export class BackupBucket extends pulumi.ComponentResource {
    readonly bucket: oci.objectstorage.Bucket;

    constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:storage:BackupBucket", name, {}, opts);
        const { ctx } = args;
        const bucketName = `${ctx.plan.slug}-${args.name}`;
        this.bucket = new oci.objectstorage.Bucket(bucketName, {
            compartmentId: compartmentFor(ctx, "bucket"),
            namespace: args.namespace,
            name: bucketName,
            accessType: "NoPublicAccess",
            versioning: args.versioning ? "Enabled" : "Disabled",
            storageTier: "Standard",
            kmsKeyId: args.kmsKeyId,
            // Object events feed Events rules (Checkov CKV_OCI_7).
            objectEventsEnabled: true,
            metadata: { purpose: args.purpose.slice(0, 200) },
            freeformTags: ctx.tags,
        }, childOptions(this, ctx, { protect: true, dependsOn: [args.keyPolicy] }));
        this.registerOutputs({ bucketName: this.bucket.name, namespace: this.bucket.namespace });
    }
}
