/**
 * The Wazuh manager's `/var/ossec/etc/ossec.conf` on the EU-SEC-01 A1: agents and enrollment on
 * the catalogue ports, bound to the VM's plan IP; the co-located services' logs as local files.
 * The API password (`secret/wazuh_api_password`) belongs to the API's own config, not this file.
 */
import { requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/**
 * Well-formed XML (python3's expat, present on every VM and on the checker host), then Wazuh's own
 * configuration test where the manager is installed (on the VM; the checker host has no Wazuh package).
 */
export const WAZUH_VALIDATE =
    "/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' /var/ossec/etc/ossec.conf" +
    " && { test ! -x /var/ossec/bin/wazuh-analysisd || /var/ossec/bin/wazuh-analysisd -t; }";

export function renderWazuhManager(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const localfiles = vm.services
        .filter((s) => s.service !== "wazuh-manager")
        .flatMap((s) => (s.def.logrotate?.paths ?? []).map((path) => ({ service: s.service, path })));
    return [
        {
            path: "/var/ossec/etc/ossec.conf",
            content: renderTemplate("wazuh-manager/ossec.conf.hbs", {
                vmLabel: label,
                version: placement.def.version,
                ip: vm.privateIp,
                agentsPort: requirePort(placement, `${label} wazuh-manager`, "agents").port,
                enrollmentPort: requirePort(placement, `${label} wazuh-manager`, "enrollment").port,
                localfiles,
            }),
            mode: "0660",
            owner: "root",
            group: "wazuh",
            validate: WAZUH_VALIDATE,
            reload: "systemctl restart wazuh-manager",
        },
    ];
}
