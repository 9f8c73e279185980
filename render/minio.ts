/** MinIO on EU-DATA-01: its environment file and the provisioning of the backups bucket and writer user. */
import { BACKUP_ACCESS_KEY, BACKUP_BUCKET } from "./backupTimers";
import { requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** MinIO's administrative user; its password is `secret/minio/root_password`. */
export const MINIO_ROOT_USER = "blitzhub-admin";

export function renderMinio(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const secret = (re: RegExp) => {
        const found = placement.def.secrets.find((s) => re.test(s.path));
        if (!found) throw new Error(`${label} minio: the catalogue declares no secret matching ${re}`);
        return found.path;
    };
    const envPath = placement.def.files.find((f) => f.startsWith("/etc/default/")) ?? "/etc/default/minio";
    const data = {
        vmLabel: label,
        envPath,
        version: placement.def.version,
        volumes: placement.def.env.MINIO_VOLUMES ?? "/var/lib/minio/data",
        ip: vm.privateIp,
        apiPort: requirePort(placement, `${label} minio`, "api").port,
        consolePort: requirePort(placement, `${label} minio`, "console").port,
        rootUser: MINIO_ROOT_USER,
        rootPasswordSecret: secret(/root_password/),
        backupKeySecret: secret(/backup_writer_key/),
        backupUser: BACKUP_ACCESS_KEY,
        bucket: BACKUP_BUCKET,
    };
    const reload = "systemctl restart minio && /usr/local/lib/blitzhub/minio-provision.sh";
    const validate = `sh -n /usr/local/lib/blitzhub/minio-provision.sh && sh -c 'set -a; . ${envPath}; test -n "$MINIO_ROOT_PASSWORD" && test -n "$MINIO_VOLUMES"'`;
    return [
        { path: envPath, content: renderTemplate("minio/minio.env.hbs", data), mode: "0640", owner: "root", group: "minio", validate, reload },
        { path: "/usr/local/lib/blitzhub/minio-provision.sh", content: renderTemplate("minio/provision.sh.hbs", data), mode: "0700", validate, reload },
    ];
}
