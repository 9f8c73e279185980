import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";

/** Arguments of a `LogsAccount`: the common account arguments. */
export type LogsAccountArgs = AccountArgs;

/**
 * The logs tenancy (spec §8): Loki and the Fluentd forwarders on private VMs.
 */
export class LogsAccount extends AccountComponent {
    constructor(name: string, args: LogsAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:logs:LogsAccount", name, args, opts);
        this.registerOutputs(this.outputs());
    }
}
