/** Logrotate entries for every service on a VM that has log files (the spec: daily, 7 days). */
import type { VmPlan } from "../plan/types";
import { renderTemplate } from "./templates";
import type { FileSpec } from "./types";

/**
 * One `/etc/logrotate.d/<name>` per service, named after its apt package, so it replaces the
 * entry the package ships for the same logs instead of duplicating it (logrotate rejects that).
 */
/**
 * Logs rsyslog writes and rotates itself on Ubuntu (`/etc/logrotate.d/rsyslog`); a second entry
 * for them is a logrotate error, so they are left to it.
 */
export const RSYSLOG_LOGS = ["/var/log/syslog", "/var/log/auth.log", "/var/log/kern.log", "/var/log/mail.log", "/var/log/cron.log"];

export function renderLogrotate(vmLabel: string, vm: VmPlan): FileSpec[] {
    const used = new Set<string>();
    return vm.services
        .filter((s) => s.def.logrotate && s.def.logrotate.paths.some((p) => !RSYSLOG_LOGS.includes(p)))
        .map((s) => {
            // The apt package's name, so the entry replaces the one the package ships (nginx for the rpc-gateway).
            let name = s.def.install.method === "apt" ? s.def.install.package : s.service;
            if (used.has(name)) name = `${name}-${s.service}`;
            used.add(name);
            return { s, name };
        })
        .map(({ s, name }) => ({
            path: `/etc/logrotate.d/${name}`,
            content: renderTemplate("logrotate/entry.hbs", {
                vmLabel,
                service: s.service,
                paths: s.def.logrotate!.paths.filter((p) => !RSYSLOG_LOGS.includes(p)),
                frequency: s.def.logrotate!.frequency,
                rotate: s.def.logrotate!.rotate,
            }),
            validate: "logrotate -d /etc/logrotate.conf 2>&1 | (! grep -E '^error:')",
        }));
}
