/** Host firewall (nftables) from the plan's ingress rules of one VM; the same ruleset the NSGs enforce. */
import type { VmPlan } from "../plan/types";
import { renderTemplate } from "./templates";

export function renderFirewall(vmLabel: string, vm: VmPlan): string {
    const rules = [...vm.firewall]
        .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.source.localeCompare(b.source))
        .map((r) => ({
            ...r,
            ports: r.toPort !== undefined && r.toPort !== r.port ? `${r.port}-${r.toPort}` : String(r.port),
            reason: r.reason.replace(/\s+/g, " "),
            sourceDescription: r.sourceDescription.replace(/\s+/g, " "),
        }));
    return renderTemplate("firewall/nftables.conf.hbs", { vmLabel, rules });
}
