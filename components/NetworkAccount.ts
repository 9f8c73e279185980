import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";

/** Arguments of a `NetworkAccount`: the common account arguments. */
export type NetworkAccountArgs = AccountArgs;

/**
 * The network tenancy (spec §9): HAProxy replicas behind the WebSocket network LB; its DRG is the EU (global) hub that every region peers with.
 */
export class NetworkAccount extends AccountComponent {
    constructor(name: string, args: NetworkAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:network:NetworkAccount", name, args, opts);
        this.registerOutputs(this.outputs());
    }
}
