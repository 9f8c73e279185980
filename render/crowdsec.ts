/**
 * CrowdSec on the EU-SEC-01 A1 (`/etc/crowdsec/config.yaml`, the Debian package's layout):
 * Local API on the catalogue port (loopback), SQLite with WAL, Prometheus on the VM's plan IP.
 */
import { requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** `crowdsec -t` loads the config, the hub, parsers and scenarios and exits without serving. */
export const CROWDSEC_VALIDATE = "crowdsec -t -c /etc/crowdsec/config.yaml";

export function renderCrowdsec(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const settings = placement.def.settings;
    return [
        {
            path: "/etc/crowdsec/config.yaml",
            content: renderTemplate("crowdsec/config.yaml.hbs", {
                vmLabel: label,
                version: placement.def.version,
                ip: vm.privateIp,
                apiPort: requirePort(placement, `${label} crowdsec`, "api").port,
                metricsPort: requirePort(placement, `${label} crowdsec`, "metrics").port,
                banAfter: Number(settings.banAfterInvalidAttempts ?? 5),
                bouncer: String(settings.bouncer ?? "firewall"),
            }),
            mode: "0600",
            owner: "crowdsec",
            group: "crowdsec",
            validate: CROWDSEC_VALIDATE,
            reload: "systemctl reload crowdsec",
        },
    ];
}
