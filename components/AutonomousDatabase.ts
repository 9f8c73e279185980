/**
 * The Always Free Autonomous Database. Always Free ADBs have no private endpoint, so access is
 * limited by its access control list: the client VMs' VCN (same region, through their service
 * gateway, `<vcn ocid>;<ip>`) and the NAT egress IPs of clients in other regions. mTLS (wallet)
 * is required on top. The admin password comes from `@pulumi/random` and stays secret.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AutonomousDatabasePlan } from "../plan/types";
import { type AccountContext, childOptions } from "./accountContext";

export interface AutonomousDatabaseArgs {
    ctx: AccountContext;
    adb: AutonomousDatabasePlan;
    /** Access control list entries (`<vcn ocid>;<ip>` or public IPs/CIDRs) of its clients. */
    allowedClients: pulumi.Input<pulumi.Input<string>[]>;
}

export class AutonomousDatabase extends pulumi.ComponentResource {
    readonly database: oci.database.AutonomousDatabase;
    /** The ADMIN password (secret). */
    readonly adminPassword: pulumi.Output<string>;

    constructor(name: string, args: AutonomousDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:data:AutonomousDatabase", name, {}, opts);
        const { ctx, adb } = args;

        // ADB rules: 12-30 characters, upper, lower and digit, no double quote.
        const password = new random.RandomPassword(`${adb.resourceName}-admin-password`, {
            length: 24,
            minUpper: 2,
            minLower: 2,
            minNumeric: 2,
            minSpecial: 1,
            overrideSpecial: "#_-",
        }, { parent: this });
        this.adminPassword = pulumi.secret(password.result);

        this.database = new oci.database.AutonomousDatabase(adb.resourceName, {
            compartmentId: ctx.compartmentId,
            displayName: adb.resourceName,
            dbName: adb.dbName,
            dbWorkload: adb.workload,
            dbVersion: adb.dbVersion,
            isFreeTier: adb.isFreeTier,
            computeModel: "ECPU",
            computeCount: 2,
            dataStorageSizeInGb: adb.dataStorageGb,
            isAutoScalingEnabled: false,
            licenseModel: "LICENSE_INCLUDED",
            adminPassword: this.adminPassword,
            isMtlsConnectionRequired: true,
            whitelistedIps: args.allowedClients,
            freeformTags: ctx.tags,
        }, childOptions(this, ctx, { protect: true }));

        this.registerOutputs({ autonomousDatabaseId: this.database.id, connectionStrings: this.database.connectionStrings });
    }
}
