import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";

/** Arguments of a `FrontendAccount`: the common account arguments. */
export type FrontendAccountArgs = AccountArgs;

/**
 * A frontend tenancy (spec §1): the React build served by Nginx (with ModSecurity) on the A1 and two edge micros, behind a public flexible LB on port 80.
 */
export class FrontendAccount extends AccountComponent {
    constructor(name: string, args: FrontendAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:frontend:FrontendAccount", name, args, opts);
        this.registerOutputs(this.outputs());
    }
}
