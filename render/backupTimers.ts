/**
 * systemd timers that copy each service's backup paths to MinIO at the spec's times, each VM
 * with its own write-only MinIO user (render/backupCredentials.ts), and the restore command.
 */
import type { TopologyPlan, VmPlan } from "../plan/types";
import { INTERNAL_CA_BUNDLE_PATH } from "./internalPki";
import { BACKUP_BUCKET, BACKUP_READER_SECRET, BACKUP_READER_USER, backupJobsOf, backupWriterOf } from "./backupCredentials";
import { instancesOf, requirePort, type ServiceInstance } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec } from "./types";

export { BACKUP_BUCKET } from "./backupCredentials";

/** The MinIO every backup writes to: the first non-replica placement. */
export function backupStore(plan: TopologyPlan): ServiceInstance | undefined {
    return instancesOf(plan, "minio").filter((i) => i.placement.mode !== "replica")[0] ?? instancesOf(plan, "minio")[0];
}

export function renderBackupTimers(plan: TopologyPlan, vmLabel: string, vm: VmPlan): FileSpec[] {
    const jobs = backupJobsOf(vm);
    if (jobs.length === 0) return [];
    const minio = backupStore(plan);
    if (!minio) throw new Error(`${vmLabel}: backups are scheduled but the plan has no minio`);
    const minioPort = requirePort(minio.placement, `${vmLabel} backup → minio`, "api", "s3", "http").port;
    const account = plan.accounts.find((a) => a.vms.includes(vm))!;
    const writer = backupWriterOf(account, vm)!;
    const validate = "sh -n /usr/local/bin/blitzhub-backup && sh -n /usr/local/sbin/blitzhub-restore && systemd-analyze verify --man=no /etc/systemd/system/blitzhub-backup-*.timer";
    const reload = `systemctl daemon-reload && systemctl enable --now ${jobs.map((j) => `${j.unit}.timer`).join(" ")}`;
    // MinIO serves its S3 API only over TLS (render/minio.ts); rclone trusts the internal CA alone for it.
    const common = { vmLabel, minioIp: minio.vm.privateIp, minioPort, caBundle: INTERNAL_CA_BUNDLE_PATH, bucket: BACKUP_BUCKET, host: writer.host };
    const files: FileSpec[] = [
        {
            path: "/usr/local/bin/blitzhub-backup",
            content: renderTemplate("backup/blitzhub-backup.sh.hbs", { vmLabel }),
            mode: "0755",
        },
        {
            path: "/usr/local/sbin/blitzhub-restore",
            content: renderTemplate("backup/blitzhub-restore.sh.hbs", { ...common, readerUser: BACKUP_READER_USER, readerSecret: BACKUP_READER_SECRET }),
            mode: "0750",
        },
        {
            path: "/etc/blitzhub/backup.env",
            content: renderTemplate("backup/backup.env.hbs", { ...common, prefixes: writer.prefixes, accessKey: writer.user, secretKeySecret: writer.secretPath }),
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
