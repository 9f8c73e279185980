import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";

/** Arguments of a `SolanaAccount`: the common account arguments. */
export type SolanaAccountArgs = AccountArgs;

/**
 * A Solana tenancy (spec §3): validator/RPC node with its ledger volume, a network LB for gossip/TPU (UDP+TCP 8000-8020) and a public flexible LB for JSON-RPC.
 */
export class SolanaAccount extends AccountComponent {
    constructor(name: string, args: SolanaAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:solana:SolanaAccount", name, args, opts);
        this.registerOutputs(this.outputs());
    }
}
