/**
 * Who may write and read the backup store (MinIO), and how much.
 *
 * - Every VM with backup jobs writes as its own MinIO user, `backup-<vm resource name>`, whose
 *   policy allows `s3:PutObject` on its own prefixes only (`<target>/<vm resource name>/*`):
 *   no list, no read, no delete. A host taken over can add copies, never read or erase any, and
 *   never touch another host's. The bucket is versioned, so a put over an existing name keeps the
 *   old version.
 * - `backup-reader` may list and read the whole bucket (restores, the offsite copy); its key is on
 *   no backup source: the MinIO VM holds it for the offsite job, operators read it from the
 *   catalogue secrets for a restore (docs/backups.md).
 * - Retention is the store's (lifecycle rules per target), since writers may not delete.
 *
 * Each writer's key is derived from one generated seed (`secret/minio/backup_writer_key`, never on
 * a host) with HMAC-SHA256 over the writer's name, so the stacks of every region derive the same
 * key from the seed they already share and no key is stored twice. Pure.
 */
import { createHmac } from "node:crypto";
import type { TopologyPlan, VmPlan } from "../plan/types";

/** MinIO bucket holding every `/backups/<name>` prefix of the spec. */
export const BACKUP_BUCKET = "backups";

/** The catalogue secret every writer's key derives from (kept off the hosts). */
export const BACKUP_WRITER_SEED = "secret/minio/backup_writer_key";

/** The read-only user of restores and of the offsite copy. */
export const BACKUP_READER_USER = "backup-reader";

/** The catalogue secret that is `backup-reader`'s key. */
export const BACKUP_READER_SECRET = "secret/minio/backup_reader_key";

/** Vault-path prefix of the derived per-host writer keys. */
const WRITER_SECRET_PREFIX = "secret/minio/backup_writers/";

/** One scheduled copy of a service's paths (a catalogue `backup` entry) on one VM. */
export interface BackupJob {
    service: string;
    /** systemd unit name without suffix (`blitzhub-backup-nginx`). */
    unit: string;
    schedule: string;
    paths: string[];
    /** `/backups/nginx_conf` as the catalogue writes it. */
    target: string;
    retentionDays: number;
}

/** A VM that writes backups, with the MinIO identity it writes as. */
export interface BackupWriter {
    account: string;
    vm: string;
    /** Its folder under every target (`eu-fe-01-app`): the VM's resource name. */
    host: string;
    /** MinIO user (= access key id) and policy name. */
    user: string;
    /** Vault-style path of its derived key (`secret/minio/backup_writers/eu_fe_01_app`). */
    secretPath: string;
    /** Object prefixes it may write (`nginx_conf/eu-fe-01-app/`). */
    prefixes: string[];
}

/** The backup jobs of one VM, in placement order. */
export function backupJobsOf(vm: VmPlan): BackupJob[] {
    return vm.services.flatMap((s) =>
        s.def.backup.map((b, i) => ({
            service: s.service,
            unit: `blitzhub-backup-${s.service}${s.def.backup.length > 1 ? `-${i + 1}` : ""}`,
            schedule: b.schedule,
            paths: b.paths,
            target: b.target,
            retentionDays: b.retentionDays,
        })),
    );
}

/** Bucket prefix of a catalogue target: `/backups/nginx_conf` → `nginx_conf`. */
export function targetPrefix(target: string): string {
    return target.replace(/^\/backups\//, "").replace(/^\/+/, "");
}

/** The writer of one VM, or undefined when it has no backup job. */
export function backupWriterOf(account: { name: string }, vm: VmPlan): BackupWriter | undefined {
    const jobs = backupJobsOf(vm);
    if (jobs.length === 0) return undefined;
    return {
        account: account.name,
        vm: vm.name,
        host: vm.resourceName,
        user: `backup-${vm.resourceName}`,
        secretPath: `${WRITER_SECRET_PREFIX}${vm.resourceName.replace(/-/g, "_")}`,
        prefixes: [...new Set(jobs.map((j) => `${targetPrefix(j.target)}/${vm.resourceName}/`))],
    };
}

/** Every backup writer of the plan, in plan order. */
export function backupWriters(plan: TopologyPlan): BackupWriter[] {
    return plan.accounts.flatMap((a) => a.vms.map((v) => backupWriterOf(a, v)).filter((w): w is BackupWriter => w !== undefined));
}

/** Every target with its longest retention (a lifecycle rule per prefix), sorted by prefix. */
export function backupRetentions(plan: TopologyPlan): { prefix: string; days: number }[] {
    const days = new Map<string, number>();
    for (const a of plan.accounts) for (const v of a.vms) for (const j of backupJobsOf(v)) {
        const prefix = `${targetPrefix(j.target)}/`;
        days.set(prefix, Math.max(days.get(prefix) ?? 0, j.retentionDays));
    }
    return [...days].map(([prefix, d]) => ({ prefix, days: d })).sort((x, y) => x.prefix.localeCompare(y.prefix));
}

/** IAM policy of a writer: put objects under its own prefixes, nothing else. */
export function writerPolicy(writer: BackupWriter, bucket: string = BACKUP_BUCKET): object {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:PutObject"], Resource: writer.prefixes.map((p) => `arn:aws:s3:::${bucket}/${p}*`) }],
    };
}

/** IAM policy of `backup-reader`: list and read every object and version, nothing else. */
export function readerPolicy(bucket: string = BACKUP_BUCKET): object {
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: ["s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation"], Resource: [`arn:aws:s3:::${bucket}`] },
            { Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: [`arn:aws:s3:::${bucket}/*`] },
        ],
    };
}

/**
 * A writer's secret key: HMAC-SHA256(seed, user), 40 hex characters (MinIO accepts 8-40).
 * Knowing one host's key tells nothing about the seed or another host's key.
 */
export function deriveBackupWriterKey(seed: string, user: string): string {
    return createHmac("sha256", seed).update(`blitzhub-backup-writer:${user}`).digest("hex").slice(0, 40);
}

/** The MinIO user whose token Prometheus scrapes MinIO's metrics with (policy `admin:Prometheus` only). */
export const MINIO_METRICS_USER = "prometheus-metrics";

/** Its key, derived from the same seed as the writers' (never on a host but MinIO's). */
export const MINIO_METRICS_KEY_SECRET = "secret/minio/metrics_user_key";

/** The bearer token Prometheus sends to MinIO's metrics endpoint (a JWT signed with that key). */
export const MINIO_METRICS_TOKEN_SECRET = "secret/minio/metrics_token";

/** Expiry of the metrics token: fixed (2100-01-01), so the token is the same on every run. */
const METRICS_TOKEN_EXPIRY = 4102444800;

/** IAM policy of the metrics user: read the Prometheus metrics, nothing else. */
export function metricsPolicy(): object {
    return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["admin:Prometheus"] }] };
}

/**
 * The JWT MinIO accepts on its metrics endpoints (what `mc admin prometheus generate` makes):
 * HS512 over `{exp, sub: <access key>, iss: "prometheus"}` with the user's secret key.
 */
export function minioMetricsToken(secretKey: string, user: string = MINIO_METRICS_USER): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const body = `${part({ alg: "HS512", typ: "JWT" })}.${part({ exp: METRICS_TOKEN_EXPIRY, sub: user, iss: "prometheus" })}`;
    return `${body}.${createHmac("sha512", secretKey).update(body).digest("base64url")}`;
}
