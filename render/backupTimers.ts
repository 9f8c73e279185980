/** systemd timers that copy each service's backup paths to MinIO at the spec's times. */
import type { TopologyPlan, VmPlan } from "../plan/types";
import { instancesOf, requirePort } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec } from "./types";

/** MinIO user every backup job writes as (its secret key is `secret/minio/backup_writer_key`). */
export const BACKUP_ACCESS_KEY = "backup-writer";

/** MinIO bucket holding every `/backups/<name>` prefix of the spec. */
export const BACKUP_BUCKET = "backups";

export function renderBackupTimers(plan: TopologyPlan, vmLabel: string, vm: VmPlan): FileSpec[] {
    const jobs = vm.services.flatMap((s) =>
        s.def.backup.map((b, i) => ({ service: s.service, unit: `blitzhub-backup-${s.service}${s.def.backup.length > 1 ? `-${i + 1}` : ""}`, ...b })),
    );
    if (jobs.length === 0) return [];
    const minio = instancesOf(plan, "minio").filter((i) => i.placement.mode !== "replica")[0] ?? instancesOf(plan, "minio")[0];
    if (!minio) throw new Error(`${vmLabel}: backups are scheduled but the plan has no minio`);
    const minioPort = requirePort(minio.placement, `${vmLabel} backup → minio`, "api", "s3", "http").port;
    const secret = (re: RegExp) => {
        const found = minio.placement.def.secrets.find((s) => re.test(s.path));
        if (!found) throw new Error(`${vmLabel}: the minio catalogue entry declares no secret matching ${re}`);
        return found.path;
    };
    const validate = "sh -n /usr/local/bin/blitzhub-backup && systemd-analyze verify --man=no /etc/systemd/system/blitzhub-backup-*.timer";
    const reload = `systemctl daemon-reload && systemctl enable --now ${jobs.map((j) => `${j.unit}.timer`).join(" ")}`;
    const files: FileSpec[] = [
        {
            path: "/usr/local/bin/blitzhub-backup",
            content: renderTemplate("backup/blitzhub-backup.sh.hbs", { vmLabel }),
            mode: "0755",
        },
        {
            path: "/etc/blitzhub/backup.env",
            content: renderTemplate("backup/backup.env.hbs", {
                vmLabel,
                minioIp: minio.vm.privateIp,
                minioPort,
                bucket: BACKUP_BUCKET,
                accessKey: BACKUP_ACCESS_KEY,
                secretKeySecret: secret(/backup_writer_key/),
            }),
            mode: "0600",
        },
    ];
    for (const job of jobs) {
        files.push(
            { path: `/etc/systemd/system/${job.unit}.service`, content: renderTemplate("backup/backup.service.hbs", { vmLabel, ...job }) },
            { path: `/etc/systemd/system/${job.unit}.timer`, content: renderTemplate("backup/backup.timer.hbs", { vmLabel, ...job }) },
        );
    }
    return files.map((f) => ({ ...f, validate, reload }));
}
