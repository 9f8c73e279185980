/**
 * TEMPORARY minimal bootstrap until `renderCloudInit` (H5, `render/`) lands: the `ops` user
 * with the operators' keys and the hostname. Stable on purpose (instances ignore user data
 * changes); the real bootstrap (pinned packages, host firewall, node_exporter, Promtail) is
 * H5's `renderCloudInit(plan, account, vm)`.
 */
import type { VmPlan } from "../plan/types";

export function bootstrapCloudInit(vm: VmPlan, sshAuthorizedKeys: string[]): string {
    const keys = sshAuthorizedKeys.map((key) => `      - ${JSON.stringify(key)}`).join("\n");
    return [
        "#cloud-config",
        `hostname: ${vm.resourceName}`,
        "users:",
        "  - name: ops",
        "    groups: [sudo]",
        "    shell: /bin/bash",
        "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"",
        "    ssh_authorized_keys:",
        keys,
        "",
    ].join("\n");
}
