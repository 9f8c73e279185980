import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";

/** Arguments of a `MonitoringAccount`: the common account arguments. */
export type MonitoringAccountArgs = AccountArgs;

/**
 * The monitoring tenancy (spec §5): Prometheus, Grafana, Alertmanager and the OpenTelemetry collector on private VMs; scrapes every VM by static IP over the DRGs.
 */
export class MonitoringAccount extends AccountComponent {
    constructor(name: string, args: MonitoringAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:monitoring:MonitoringAccount", name, args, opts);
        this.registerOutputs(this.outputs());
    }
}
