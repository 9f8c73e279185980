/**
 * Backups nobody can erase from a host (issue 14, gap 4): one write-only MinIO user per backup
 * source, a read-only user for restores and the offsite copy, retention in the store, the
 * restore command run against a recording rclone, the offsite copy on MinIO's VM.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
    BACKUP_READER_SECRET,
    BACKUP_READER_USER,
    BACKUP_WRITER_SEED,
    backupJobsOf,
    backupWriters,
    deriveBackupWriterKey,
    targetPrefix,
} from "../../render/backupCredentials";
import { OFFSITE_SECRET } from "../../render/minio";
import { realPlan } from "./fixtures";

const { plan, files } = realPlan();
const at = (account: string, vm: string, path: string) => {
    const f = files.find((x) => x.account === account && x.vm === vm && x.path === path);
    if (!f) throw new Error(`${account}/${vm} has no ${path}`);
    return f;
};
const provision = files.find((f) => f.path.endsWith("/minio-provision.sh"))!;
const policies = new Map(
    [...provision.content.matchAll(/cat > "\$cfg\/([a-z0-9-]+)\.json" <<'BLITZHUB_POLICY'\n(.*)\nBLITZHUB_POLICY/g)].map((m) => [
        m[1],
        JSON.parse(m[2]) as { Statement: { Effect: string; Action: string[]; Resource: string[] }[] },
    ]),
);

const dir = mkdtempSync(join(tmpdir(), "blitzhub-backups-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("backup writers", () => {
    const writers = backupWriters(plan);

    it("every VM with a backup job writes as its own MinIO user with its own key, and no host has another's", () => {
        const sources = plan.accounts.flatMap((a) => a.vms.filter((v) => backupJobsOf(v).length > 0).map((v) => `${a.name}/${v.name}`));
        expect(writers.map((w) => `${w.account}/${w.vm}`)).toEqual(sources);
        expect(writers.length).toBeGreaterThan(30);
        expect(new Set(writers.map((w) => w.user)).size).toBe(writers.length);
        expect(new Set(writers.map((w) => w.secretPath)).size).toBe(writers.length);
        for (const w of writers) {
            const env = at(w.account, w.vm, "/etc/blitzhub/backup.env");
            expect(env.content).toContain(`RCLONE_CONFIG_BLITZHUB_ACCESS_KEY_ID=${w.user}\n`);
            expect(env.content).toContain(`BACKUP_HOST=${w.host}\n`);
            expect(env.secretRefs).toEqual([w.secretPath]);
            expect(env.mode).toBe("0600");
        }
        // A writer's key is on its own VM and MinIO's, nowhere else; the seed and the reader's key on no source.
        for (const w of writers) {
            const holders = new Set(files.filter((f) => f.secretRefs.includes(w.secretPath)).map((f) => `${f.account}/${f.vm}`));
            expect([...holders].sort()).toEqual([...new Set([`${w.account}/${w.vm}`, `${provision.account}/${provision.vm}`])].sort());
        }
        expect(files.filter((f) => f.secretRefs.includes(BACKUP_WRITER_SEED))).toEqual([]);
        const readerHolders = new Set(files.filter((f) => f.secretRefs.includes(BACKUP_READER_SECRET)).map((f) => `${f.account}/${f.vm}`));
        expect([...readerHolders]).toEqual([`${provision.account}/${provision.vm}`]);
    });

    it("each writer's policy allows s3:PutObject on its own prefixes only: no list, read or delete", () => {
        for (const w of writers) {
            const policy = policies.get(w.user);
            expect(policy, w.user).toBeDefined();
            expect(policy!.Statement).toHaveLength(1);
            const [statement] = policy!.Statement;
            expect(statement.Effect).toBe("Allow");
            expect(statement.Action).toEqual(["s3:PutObject"]);
            const vm = plan.accounts.find((a) => a.name === w.account)!.vms.find((v) => v.name === w.vm)!;
            const expected = [...new Set(backupJobsOf(vm).map((j) => `arn:aws:s3:::backups/${targetPrefix(j.target)}/${vm.resourceName}/*`))];
            expect(statement.Resource).toEqual(expected);
        }
        expect(provision.content).not.toMatch(/policy attach local readwrite/);
        expect(provision.content).toMatch(/mc_local admin user remove local "backup-writer"/);
        expect(provision.content).toMatch(/mc_local version enable "local\/backups"/);
    });

    it("backup-reader may list and read, never write or delete", () => {
        const actions = policies.get(BACKUP_READER_USER)!.Statement.flatMap((s) => s.Action);
        expect(actions.sort()).toEqual(["s3:GetBucketLocation", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"]);
    });

    it("the backup script only puts: no listing of the destination, no read-back, no delete", () => {
        const script = at("EU-FE-01", "app", "/usr/local/bin/blitzhub-backup").content;
        const rclone = script.split("\n").filter((l) => /^\s*rclone /.test(l));
        expect(rclone.length).toBe(2);
        for (const line of rclone) {
            expect(line).toMatch(/^\s*rclone (copy|copyto) --quiet --no-check-dest --s3-no-head /);
        }
        expect(script).not.toMatch(/rclone (delete|purge|sync|move)/);
        expect(script).toContain("${BACKUP_HOST}");
    });

    it("retention is the store's: a lifecycle rule per target with the catalogue's longest retentionDays", () => {
        const days = new Map<string, number>();
        for (const a of plan.accounts) for (const v of a.vms) for (const j of backupJobsOf(v)) {
            const prefix = `${targetPrefix(j.target)}/`;
            days.set(prefix, Math.max(days.get(prefix) ?? 0, j.retentionDays));
        }
        const rules = [...provision.content.matchAll(/ilm rule add --prefix "([^"]+)" --expire-days (\d+) --noncurrent-expire-days (\d+)/g)];
        expect(new Map(rules.map((m) => [m[1], Number(m[2])]))).toEqual(days);
        for (const m of rules) expect(m[3]).toBe(m[2]);
        expect(days.get("solana_ledger/")).toBe(3);
    });

    it("writer keys derive from the seed per user: 40 hex characters, distinct, and unknown without the seed", () => {
        const a = deriveBackupWriterKey("seed-one", "backup-eu-fe-01-app");
        expect(a).toMatch(/^[0-9a-f]{40}$/);
        expect(deriveBackupWriterKey("seed-one", "backup-eu-fe-01-app")).toBe(a);
        expect(deriveBackupWriterKey("seed-one", "backup-eu-fe-01-edge-1")).not.toBe(a);
        expect(deriveBackupWriterKey("seed-two", "backup-eu-fe-01-app")).not.toBe(a);
        const keys = new Set(writers.map((w) => deriveBackupWriterKey("seed", w.user)));
        expect(keys.size).toBe(writers.length);
    });
});

describe("blitzhub-restore", () => {
    const script = at("EU-FE-01", "app", "/usr/local/sbin/blitzhub-restore");
    const bin = join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    // A recording rclone: its arguments and the restore remote's key, and two backups to list.
    writeFileSync(
        join(bin, "rclone"),
        `#!/bin/sh\nprintf '%s\\n' "$*" >> ${dir}/rclone.args\nprintf '%s\\n' "$RCLONE_CONFIG_RESTORE_SECRET_ACCESS_KEY" >> ${dir}/rclone.keys\n` +
            `case "$1" in lsf) printf '20261128T021500Z/nginx/nginx.conf\\n20261129T021500Z/nginx/nginx.conf\\n20261129T021500Z/nginx/mime.types\\n' ;; copy) mkdir -p "$4/nginx" && echo restored > "$4/nginx/nginx.conf" ;; esac\n`,
    );
    chmodSync(join(bin, "rclone"), 0o755);
    writeFileSync(join(dir, "restore.sh"), script.content);
    const run = (args: string[], input: string) =>
        spawnSync("sh", [join(dir, "restore.sh"), ...args], { env: { PATH: `${bin}:${process.env.PATH}` }, input, encoding: "utf8" });

    it("reads the reader's key on stdin, never as an argument, and restores the latest backup into a new directory", () => {
        const key = "ReaderKeyValue123";
        const dest = join(dir, "restored");
        const r = run(["/backups/nginx_conf", "latest", dest], `${key}\n`);
        expect(r.status, r.stderr).toBe(0);
        expect(readFileSync(join(dest, "nginx/nginx.conf"), "utf8")).toBe("restored\n");
        const args = readFileSync(join(dir, "rclone.args"), "utf8");
        expect(args).toContain("lsf -R --files-only restore:backups/nginx_conf/eu-fe-01-app/");
        expect(args).toContain(`copy --quiet restore:backups/nginx_conf/eu-fe-01-app/20261129T021500Z ${dest}`);
        expect(args).not.toContain(key);
        expect(readFileSync(join(dir, "rclone.keys"), "utf8").trim().split("\n").every((k) => k === key)).toBe(true);
        expect(r.stdout).toContain("20261129T021500Z");
    });

    it("refuses without a key, an unknown backup, or a destination that exists", () => {
        expect(run(["/backups/nginx_conf", "latest", join(dir, "x")], "").status).toBe(2);
        const unknown = run(["/backups/nginx_conf", "20200101T000000Z", join(dir, "y")], "k\n");
        expect(unknown.status).toBe(1);
        expect(unknown.stderr).toContain("20261128T021500Z");
        expect(run(["/backups/nginx_conf", "latest", dir], "k\n").status).toBe(2);
        const other = run(["/backups/nginx_conf", "list", join(dir, "z"), "eu-fe-01-edge-1"], "k\n");
        expect(other.status).toBe(0);
        expect(readFileSync(join(dir, "rclone.args"), "utf8")).toContain("restore:backups/nginx_conf/eu-fe-01-edge-1/");
    });
});

describe("offsite copy", () => {
    it("MinIO's VM copies the bucket nightly, after every backup timer, to the data account's offsite bucket as backup-reader", () => {
        const offsite = files.filter((f) => f.service === "backup-offsite");
        expect(new Set(offsite.map((f) => `${f.account}/${f.vm}`))).toEqual(new Set([`${provision.account}/${provision.vm}`]));
        const env = at(provision.account, provision.vm, "/etc/blitzhub/backup-offsite.env");
        const account = plan.accounts.find((a) => a.name === provision.account)!;
        expect(env.content).toContain(`RCLONE_CONFIG_OFFSITE_ENDPOINT=https://exampleeudata01ns.compat.objectstorage.${account.homeRegion}.oraclecloud.com\n`);
        expect(env.content).toContain(`OFFSITE_DESTINATION=offsite:${account.slug}-backups-offsite\n`);
        expect(env.content).toContain(`RCLONE_CONFIG_STORE_ACCESS_KEY_ID=${BACKUP_READER_USER}\n`);
        expect(env.secretRefs.sort()).toEqual([BACKUP_READER_SECRET, OFFSITE_SECRET].sort());
        expect(env.mode).toBe("0600");
        const script = at(provision.account, provision.vm, "/usr/local/bin/blitzhub-backup-offsite").content;
        expect(script).toMatch(/^rclone copy .*"\$OFFSITE_SOURCE" "\$OFFSITE_DESTINATION"$/m);
        expect(script).not.toMatch(/rclone (sync|delete|purge|move)/);
        const time = (t: string) => t.replace(/^.* (\d\d:\d\d:\d\d) UTC$/, "$1");
        const offsiteAt = time(/OnCalendar=(.*)/.exec(at(provision.account, provision.vm, "/etc/systemd/system/blitzhub-backup-offsite.timer").content)![1]);
        for (const f of files.filter((x) => x.service === "backup" && x.path.endsWith(".timer"))) {
            const when = /OnCalendar=(.*)/.exec(f.content)![1];
            expect(time(when) < offsiteAt, `${f.account}/${f.vm} ${f.path} at ${when}`).toBe(true);
        }
    });
});
