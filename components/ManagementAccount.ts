import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";

/** Arguments of a `ManagementAccount`: the common account arguments. */
export type ManagementAccountArgs = AccountArgs;

/**
 * The management tenancy (spec §6): the bastion/WireGuard hosts, the only SSH entry to every tenancy (WireGuard is their only public port).
 */
export class ManagementAccount extends AccountComponent {
    constructor(name: string, args: ManagementAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:management:ManagementAccount", name, args, opts);
        this.registerOutputs(this.outputs());
    }
}
