import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";
import { AutonomousDatabase } from "./AutonomousDatabase";

/** Arguments of a `DataAccount`. */
export interface DataAccountArgs extends AccountArgs {
    /**
     * Access control list of the Autonomous Database: `<vcn ocid>;<ip>` for clients in this
     * region, NAT egress IPs for clients elsewhere.
     */
    autonomousDatabaseClients: pulumi.Input<pulumi.Input<string>[]>;
    /** ADMIN password of the Autonomous Database (a generated catalogue secret). */
    autonomousDatabaseAdminPassword?: pulumi.Input<string>;
}

/**
 * The data tenancy (inferred §7): RabbitMQ cluster and MinIO on private VMs, the Always Free
 * Autonomous Database and the private, versioned backup bucket.
 */
export class DataAccount extends AccountComponent {
    readonly autonomousDatabase?: AutonomousDatabase;

    constructor(name: string, args: DataAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:data:DataAccount", name, args, opts);
        const adb = args.plan.autonomousDatabase;
        if (adb) {
            if (args.autonomousDatabaseAdminPassword === undefined) throw new Error(`${name}: no admin password for ${adb.resourceName}`);
            this.autonomousDatabase = new AutonomousDatabase(adb.resourceName, {
                ctx: this.ctx,
                adb,
                allowedClients: args.autonomousDatabaseClients,
                adminPassword: args.autonomousDatabaseAdminPassword,
            }, { parent: this });
        }
        this.registerOutputs({
            ...this.outputs(),
            autonomousDatabaseId: this.autonomousDatabase?.database.id,
        });
    }
}
