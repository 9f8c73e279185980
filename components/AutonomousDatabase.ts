/**
 * The Always Free Autonomous Database. Always Free ADBs have no private endpoint, so access is
 * limited by its access control list: the client VMs' VCN (same region, through their service
 * gateway, `<vcn ocid>;<ip>`); clients in other regions are not admitted by this stack (their
 * NAT egress IP lives in their own stack). mTLS (wallet) is required on top. The ADMIN password
 * is the catalogue's generated secret (`secret/adb/admin_password`) and stays secret.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import type { AutonomousDatabasePlan } from "../plan/types";
import { type AccountContext, childOptions, compartmentFor } from "./accountContext";

export interface AutonomousDatabaseArgs {
    ctx: AccountContext;
    adb: AutonomousDatabasePlan;
    /** Access control list entries (`<vcn ocid>;<ip>` or public IPs/CIDRs) of its clients. */
    allowedClients: pulumi.Input<pulumi.Input<string>[]>;
    /** ADMIN password (12-30 characters, upper, lower and digit), a Pulumi secret. */
    adminPassword: pulumi.Input<string>;
}

export class AutonomousDatabase extends pulumi.ComponentResource {
    readonly database: oci.database.AutonomousDatabase;
    /** The ADMIN password (secret). */
    readonly adminPassword: pulumi.Output<string>;

    constructor(name: string, args: AutonomousDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:data:AutonomousDatabase", name, {}, opts);
        const { ctx, adb } = args;

        this.adminPassword = pulumi.secret(args.adminPassword);

        this.database = new oci.database.AutonomousDatabase(adb.resourceName, {
            compartmentId: compartmentFor(ctx, "autonomousDatabase"),
            displayName: adb.resourceName,
            dbName: adb.dbName,
            dbWorkload: adb.workload,
            dbVersion: adb.dbVersion,
            isFreeTier: adb.isFreeTier,
            // Always Free: fixed 1 OCPU / 20 GB; the API still wants the classic sizing fields.
            ...(adb.isFreeTier
                ? { cpuCoreCount: 1, dataStorageSizeInTbs: 1 }
                : { computeModel: "ECPU", computeCount: 2, dataStorageSizeInGb: adb.dataStorageGb, licenseModel: "LICENSE_INCLUDED" }),
            isAutoScalingEnabled: false,
            adminPassword: this.adminPassword,
            isMtlsConnectionRequired: true,
            whitelistedIps: args.allowedClients,
            freeformTags: ctx.tags,
        }, childOptions(this, ctx, { protect: true }));

        this.registerOutputs({ autonomousDatabaseId: this.database.id, connectionStrings: this.database.connectionStrings });
    }
}
