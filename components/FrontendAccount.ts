import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";

/** Arguments of a `FrontendAccount`: the common account arguments. */
export type FrontendAccountArgs = AccountArgs;

/**
 * A frontend tenancy (spec §1): public Nginx/Next.js edge VMs behind a public flexible LB whose WebSocket backend set keeps session persistence.
 */
export class FrontendAccount extends AccountComponent {
    constructor(name: string, args: FrontendAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:frontend:FrontendAccount", name, args, opts);
        this.registerOutputs(this.outputs());
    }
}
