/** Logrotate entries for every service on a VM that has log files (the spec: daily, 7 days). */
import type { VmPlan } from "../plan/types";
import { renderTemplate } from "./templates";
import type { FileSpec } from "./types";

/**
 * One `/etc/logrotate.d/<service>` per service. The file name is the service's own, so it
 * replaces the entry its Debian package ships for the same logs instead of duplicating it.
 */
export function renderLogrotate(vmLabel: string, vm: VmPlan): FileSpec[] {
    return vm.services
        .filter((s) => s.def.logrotate)
        .map((s) => ({
            path: `/etc/logrotate.d/${s.service}`,
            content: renderTemplate("logrotate/entry.hbs", {
                vmLabel,
                service: s.service,
                paths: s.def.logrotate!.paths,
                frequency: s.def.logrotate!.frequency,
                rotate: s.def.logrotate!.rotate,
            }),
            validate: "logrotate -d /etc/logrotate.conf 2>&1 | (! grep -E '^error:')",
        }));
}
