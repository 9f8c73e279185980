import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";

/** Arguments of a `BackendAccount`: the common account arguments. */
export type BackendAccountArgs = AccountArgs;

/**
 * A backend tenancy (spec §2): Fastify API and workers on private VMs behind a public flexible LB; Redis primary and replica on the micros.
 */
export class BackendAccount extends AccountComponent {
    constructor(name: string, args: BackendAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:backend:BackendAccount", name, args, opts);
        this.registerOutputs(this.outputs());
    }
}
