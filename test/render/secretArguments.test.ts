/**
 * No secret in a process's arguments on a host: the MinIO provisioning script runs with a
 * recording `mc` on PATH, and every secret value it handles must arrive on stdin, never in argv
 * (which `ps` shows to every user).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { backupWriters } from "../../render/backupCredentials";
import { realPlan } from "./fixtures";
import { fakeSecrets } from "./sandbox";

const dir = mkdtempSync(join(tmpdir(), "blitzhub-secret-args-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fill(content: string, values: Record<string, string>): string {
    return content.replace(/@@secret:(secret\/[a-z0-9_/]+)@@/g, (_m, path: string) => values[path]);
}

describe("MinIO provisioning", () => {
    it("hands the root password and every backup user's key to mc on stdin, never as arguments", () => {
        const { files } = realPlan();
        const minio = files.filter((f) => f.service === "minio");
        const script = minio.find((f) => f.path.endsWith("minio-provision.sh"))!;
        const env = minio.find((f) => f.path.startsWith("/etc/default/"))!;
        // The TLS files (CA, leaf, key) are MinIO's, not mc's: only the script's and env's secrets here.
        const values = fakeSecrets([script, env]);
        // The root password, backup-reader's and prometheus-metrics' keys, and one key per backup source.
        expect(Object.keys(values).length).toBe(3 + backupWriters(realPlan().plan).length);
        const bin = join(dir, "bin");
        mkdirSync(bin, { recursive: true });
        // Records each call's arguments and stdin; answers like a reachable MinIO.
        writeFileSync(join(bin, "mc"), `#!/bin/sh\nprintf '%s ' "$@" >> ${dir}/mc.args\necho >> ${dir}/mc.args\n[ -t 0 ] || cat >> ${dir}/mc.stdin\nexit 0\n`);
        chmodSync(join(bin, "mc"), 0o755);
        writeFileSync(join(dir, "minio.env"), fill(env.content, values));
        // mc trusts the internal CA from MinIO's certs directory (it serves HTTPS only).
        const ca = minio.find((f) => f.path.endsWith(".crt") && f.path.includes("/CAs/"))!;
        expect(script.content).toContain(`cp "${ca.path}"`);
        writeFileSync(join(dir, "ca.crt"), "test CA\n");
        writeFileSync(join(dir, "provision.sh"), fill(script.content, values).replace(`. ${env.path}`, `. ${dir}/minio.env`).replace(ca.path, join(dir, "ca.crt")));
        expect(script.content).toContain(`. ${env.path}`);
        const res = spawnSync("sh", [join(dir, "provision.sh")], { env: { PATH: `${bin}:${process.env.PATH}` }, input: "" });
        expect(res.status, String(res.stderr)).toBe(0);
        const args = readFileSync(join(dir, "mc.args"), "utf8");
        const stdin = readFileSync(join(dir, "mc.stdin"), "utf8");
        expect(args).toContain("admin user add local");
        for (const value of Object.values(values)) {
            expect(args, "a secret in mc's arguments").not.toContain(value);
            expect(stdin).toContain(value);
        }
        expect(script.content).not.toMatch(/MC_HOST_/);
    });
});
