/**
 * MinIO on EU-DATA-01: its environment file, the provisioning of the backups bucket and its
 * users (render/backupCredentials.ts), and the nightly offsite copy to OCI Object Storage.
 */
import { BACKUP_BUCKET, BACKUP_READER_SECRET, BACKUP_READER_USER, backupRetentions, backupWriters, MINIO_METRICS_KEY_SECRET, MINIO_METRICS_USER, metricsPolicy, readerPolicy, writerPolicy } from "./backupCredentials";
import { INTERNAL_CA_BUNDLE_PATH, internalTlsFiles } from "./internalPki";
import { requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** MinIO's administrative user; its password is `secret/minio/root_password`. */
export const MINIO_ROOT_USER = "blitzhub-admin";

/** The one read-write writer every host shared before per-host users; provisioning removes it. */
export const LEGACY_BACKUP_USER = "backup-writer";

/** MinIO's `--certs-dir`: `public.crt` and `private.key` (the names MinIO looks for), the CA under `CAs/`. */
export const MINIO_CERTS_DIR = "/etc/minio/certs";

/** The OCI customer secret key of the offsite copy (stack config `blitzhub-offsite:secretKey`). */
export const OFFSITE_SECRET = "secret/minio/offsite_secret_key";

/** When the offsite copy runs: after the last backup timer of the catalogue (04:45 UTC). */
export const OFFSITE_SCHEDULE = "*-*-* 05:30:00 UTC";

/** The role bucket that receives the offsite copy. */
export const OFFSITE_BUCKET_NAME = "backups-offsite";

export function renderMinio(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const secret = (re: RegExp) => {
        const found = placement.def.secrets.find((s) => re.test(s.path));
        if (!found) throw new Error(`${label} minio: the catalogue declares no secret matching ${re}`);
        return found.path;
    };
    if (!placement.def.secrets.some((s) => s.path === BACKUP_READER_SECRET)) {
        throw new Error(`${label} minio: the catalogue declares no secret ${BACKUP_READER_SECRET} (the key of ${BACKUP_READER_USER})`);
    }
    const envPath = placement.def.files.find((f) => f.startsWith("/etc/default/")) ?? "/etc/default/minio";
    const api = requirePort(placement, `${label} minio`, "api");
    if (!api.tls) throw new Error(`${label} minio: the catalogue's port api must say tls: true (MinIO serves it over TLS; clients use https://)`);
    const apiPort = api.port;
    const reload = "systemctl restart minio && /usr/local/lib/blitzhub/minio-provision.sh";
    // The S3 API only over TLS: with public.crt in --certs-dir MinIO serves HTTPS on the API port
    // and has no clear-text listener at all.
    const tls = internalTlsFiles(account, vm, "minio", {
        dir: MINIO_CERTS_DIR,
        owner: "minio",
        reload,
        names: { cert: "public.crt", key: "private.key", ca: "CAs/blitzhub-internal-ca.crt" },
    });
    const data = {
        vmLabel: label,
        envPath,
        version: placement.def.version,
        volumes: placement.def.env.MINIO_VOLUMES ?? "/var/lib/minio/data",
        ip: vm.privateIp,
        apiPort,
        consolePort: requirePort(placement, `${label} minio`, "console").port,
        rootUser: MINIO_ROOT_USER,
        rootPasswordSecret: secret(/root_password/),
        bucket: BACKUP_BUCKET,
        readerUser: BACKUP_READER_USER,
        readerSecret: BACKUP_READER_SECRET,
        readerPolicy: JSON.stringify(readerPolicy(BACKUP_BUCKET)),
        writers: backupWriters(plan).map((w) => ({ ...w, policy: JSON.stringify(writerPolicy(w, BACKUP_BUCKET)) })),
        retentions: backupRetentions(plan),
        legacyUser: LEGACY_BACKUP_USER,
        metricsUser: MINIO_METRICS_USER,
        metricsSecret: MINIO_METRICS_KEY_SECRET,
        metricsPolicy: JSON.stringify(metricsPolicy()),
        certsDir: MINIO_CERTS_DIR,
        caPath: tls.caPath,
    };
    const validate = `sh -n /usr/local/lib/blitzhub/minio-provision.sh && sh -c 'set -a; . ${envPath}; test -n "$MINIO_ROOT_PASSWORD" && test -n "$MINIO_VOLUMES"'`;
    const files: FileSpec[] = [
        ...tls.files,
        { path: envPath, content: renderTemplate("minio/minio.env.hbs", data), mode: "0640", owner: "root", group: "minio", validate, reload },
        { path: "/usr/local/lib/blitzhub/minio-provision.sh", content: renderTemplate("minio/provision.sh.hbs", data), mode: "0700", validate, reload },
    ];
    return files;
}

/**
 * The offsite copy's files on MinIO's VM (service `backup-offsite`, delivered on its own so that
 * it waits for its key without holding MinIO back). None without `options.offsiteBackup`.
 */
export function renderOffsiteBackup(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement, options } = ctx;
    const offsite = options.offsiteBackup;
    if (!offsite) return [];
    const label = vmLabel(account, vm);
    const bucket = account.buckets.find((b) => b.name === OFFSITE_BUCKET_NAME);
    if (!bucket) throw new Error(`${label}: the offsite copy needs the role bucket ${OFFSITE_BUCKET_NAME} in ${account.name}`);
    const data = {
        vmLabel: label,
        minioIp: vm.privateIp,
        minioPort: requirePort(placement, `${label} minio`, "api").port,
        caBundle: INTERNAL_CA_BUNDLE_PATH,
        bucket: BACKUP_BUCKET,
        readerUser: BACKUP_READER_USER,
        readerSecret: BACKUP_READER_SECRET,
        offsiteSecret: OFFSITE_SECRET,
        offsiteBucket: `${account.slug}-${bucket.name}`,
        region: account.homeRegion,
        namespace: offsite.namespace,
        accessKeyId: offsite.accessKeyId,
        schedule: OFFSITE_SCHEDULE,
    };
    const validate = "sh -n /usr/local/bin/blitzhub-backup-offsite && systemd-analyze verify --man=no /etc/systemd/system/blitzhub-backup-offsite.timer";
    const reload = "systemctl daemon-reload && systemctl enable --now blitzhub-backup-offsite.timer";
    return [
        { path: "/usr/local/bin/blitzhub-backup-offsite", content: renderTemplate("backup/blitzhub-backup-offsite.sh.hbs", data), mode: "0755" },
        { path: "/etc/blitzhub/backup-offsite.env", content: renderTemplate("backup/offsite.env.hbs", data), mode: "0600" },
        { path: "/etc/systemd/system/blitzhub-backup-offsite.service", content: renderTemplate("backup/offsite.service.hbs", data) },
        { path: "/etc/systemd/system/blitzhub-backup-offsite.timer", content: renderTemplate("backup/offsite.timer.hbs", data) },
    ].map((f) => ({ ...f, validate, reload }));
}
