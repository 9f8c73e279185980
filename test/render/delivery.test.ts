/**
 * Config delivery: the host script really installs, substitutes secrets, validates, rolls back
 * and reloads (run here against a scratch root); the SSH wrapper pipes secrets only through the
 * stream; the component triggers on the content hash and keeps secrets out of its plain inputs.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash, localCommand, remoteScript, secretEnvName } from "../../components/delivery/deliveryScript";
import type { RenderedFile } from "../../render/types";
import { IN_CI, realPlan } from "./fixtures";

const scratch = mkdtempSync(join(tmpdir(), "blitzhub-delivery-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(path: string, content: string, extra: Partial<RenderedFile> = {}): RenderedFile {
    return { account: "EU-BE-01", vm: "redis-primary", service: "redis", path, content, mode: "0640", owner: "root", group: "root", secretRefs: [], ...extra };
}

async function runRemote(files: RenderedFile[], root: string, env: Record<string, string>) {
    return new Promise<{ status: number; out: string }>((resolve) => {
        const child = spawn("bash", ["-s"], { env: { ...process.env, BLITZHUB_ROOT: root, ...env } });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d));
        child.stderr.on("data", (d: Buffer) => (out += d));
        child.on("close", (code: number) => resolve({ status: code, out }));
        child.stdin.end(remoteScript(files));
    });
}

describe("delivery script on the host", () => {
    const isRoot = process.getuid?.() === 0;
    if (!isRoot && IN_CI) {
        it("runs as root (CI=true)", () => expect.fail("the host-side delivery tests install files with their owners and modes: run them as root"));
    } else if (!isRoot) {
        it.skip("not root: the host-side delivery tests (install, rollback, refused secret) need root", () => {});
    }

    it.runIf(isRoot)("installs with mode/owner, fills secrets, validates, then reloads", async () => {
        const root = join(scratch, "ok");
        mkdirSync(root, { recursive: true });
        const files = [
            file("/etc/redis/redis.conf", "port 6379\nrequirepass @@secret:secret/redis_password@@\n", {
                secretRefs: ["secret/redis_password"],
                validate: 'grep -q "^requirepass s3cr3t-\\$x$" "$root/etc/redis/redis.conf"',
                reload: 'touch "$root/reloaded"',
            }),
        ];
        const r = await runRemote(files, root, { [secretEnvName("secret/redis_password")]: "s3cr3t-$x" });
        expect(r.status, r.out).toBe(0);
        expect(readFileSync(join(root, "etc/redis/redis.conf"), "utf8")).toBe("port 6379\nrequirepass s3cr3t-$x\n");
        expect((statSync(join(root, "etc/redis/redis.conf")).mode & 0o777).toString(8)).toBe("640");
        expect(existsSync(join(root, "reloaded"))).toBe(true);
    });

    it.runIf(isRoot)("restores the previous files and does not reload when validation fails", async () => {
        const root = join(scratch, "fail");
        mkdirSync(join(root, "etc/haproxy"), { recursive: true });
        writeFileSync(join(root, "etc/haproxy/haproxy.cfg"), "old\n");
        const files = [file("/etc/haproxy/haproxy.cfg", "new\n", { service: "haproxy", validate: "false", reload: 'touch "$root/reloaded"' }), file("/etc/haproxy/extra.cfg", "x\n", { service: "haproxy", validate: "false" })];
        const r = await runRemote(files, root, {});
        expect(r.status).not.toBe(0);
        expect(r.out).toMatch(/validation failed/);
        expect(readFileSync(join(root, "etc/haproxy/haproxy.cfg"), "utf8")).toBe("old\n");
        expect(existsSync(join(root, "etc/haproxy/extra.cfg"))).toBe(false);
        expect(existsSync(join(root, "reloaded"))).toBe(false);
    });

    it.runIf(isRoot)("refuses to install a file whose secret has no value", async () => {
        const root = join(scratch, "nosecret");
        mkdirSync(root, { recursive: true });
        const r = await runRemote([file("/etc/x.conf", "pw @@secret:secret/nope@@\n", { secretRefs: ["secret/nope"] })], root, {});
        expect(r.status).not.toBe(0);
        expect(r.out).toMatch(/no value for secret\/nope/);
        expect(existsSync(join(root, "etc/x.conf"))).toBe(false);
    });
});

describe("SSH wrapper", () => {
    it("pipes the secret exports and the script to the VM through the bastion, with no secret in argv", async () => {
        const bin = join(scratch, "bin");
        mkdirSync(bin, { recursive: true });
        writeFileSync(
            join(bin, "ssh"),
            `#!/bin/sh\nprintf '%s\\n' "$@" > ${scratch}/ssh.args\nfor a in "$@"; do case "$a" in UserKnownHostsFile=*) cp "\${a#UserKnownHostsFile=}" ${scratch}/ssh.known;; esac; done\ncat > ${scratch}/ssh.stdin\n`,
        );
        chmodSync(join(bin, "ssh"), 0o755);
        const cmd = localCommand({
            host: "10.0.2.10",
            user: "deploy",
            bastionHost: "10.0.6.34",
            bastionUser: "deploy",
            bastionPort: 22,
            hostKey: "ssh-ed25519 AAAAVmKey eu-be-01-redis-primary",
            bastionHostKey: "ssh-ed25519 AAAABastionKey eu-mgmt-01-bastion-1",
        });
        const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, BLITZHUB_SSH_KEY: "KEY", BLITZHUB_SECRET_redis_password: "p'w $x" };
        const res = spawnSync("bash", ["-c", cmd], { input: "echo remote-script\n", env });
        expect(res.status, String(res.stderr)).toBe(0);
        const args = readFileSync(join(scratch, "ssh.args"), "utf8");
        expect(args.split("\n").at(-2), "no remote command: the key's forced command runs").toBe("deploy@10.0.2.10");
        expect(args).toMatch(/ProxyCommand=ssh .*StrictHostKeyChecking=yes .* -W %h:%p deploy@10\.0\.6\.34/);
        expect(args).toContain("StrictHostKeyChecking=yes");
        expect(args).not.toContain("accept-new");
        expect(readFileSync(join(scratch, "ssh.known"), "utf8")).toBe("10.0.2.10 ssh-ed25519 AAAAVmKey\n10.0.6.34 ssh-ed25519 AAAABastionKey\n");
        expect(args).not.toContain("p'w");
        const stdin = readFileSync(join(scratch, "ssh.stdin"), "utf8");
        expect(stdin.endsWith("echo remote-script\n")).toBe(true);
        const exported = spawnSync("bash", ["-c", `${stdin.split("\n")[0]}; printf '%s' "$BLITZHUB_SECRET_redis_password"`]);
        expect(String(exported.stdout)).toBe("p'w $x");
    });
});

describe("ConfigDelivery component (mocks)", () => {
    const created: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    beforeAll(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    created.push({ type: args.type, name: args.name, inputs: args.inputs });
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: () => ({}),
            },
            "blitzhub",
            "test",
            false,
            "organization",
        );
    });

    const { files } = realPlan();
    const nginxFiles = files.filter((f) => f.account === "EU-FE-01" && f.vm === "app" && f.service === "nginx");
    const redisFiles = files.filter((f) => f.account === "EU-BE-01" && f.vm === "redis-primary" && f.service === "redis");
    const SECRET = "Very-Secret-Redis-Value-42";
    /** The app user's password of EU-BE-01's Redis cluster (derived from the deployment's seed at deploy). */
    const APP_PASSWORD = "secret/derived/eu_be_01/redis/app";
    const redisVmFiles = files.filter((f) => f.account === "EU-BE-01" && f.vm === "redis-primary");
    const vmSecrets = Object.fromEntries(
        [...new Set(redisVmFiles.flatMap((f) => f.secretRefs))].map((ref) => [ref, pulumi.secret(ref === APP_PASSWORD ? SECRET : `value-of-${ref}`)]),
    );

    it("registers one component per VM and a local command per service, triggered by its content hash only", async () => {
        const { ConfigDelivery } = await import("../../components/delivery/ConfigDelivery");
        const services = [...new Set(redisVmFiles.map((f) => f.service))];
        expect(services.length).toBeGreaterThan(1);
        const commandOptions: pulumi.CustomResourceOptions[] = [];
        const d = new ConfigDelivery("eu-be-01-redis-primary-delivery", {
            files: redisVmFiles,
            vmResourceName: "eu-be-01-redis-primary",
            host: "10.0.2.10",
            hostKey: "ssh-ed25519 AAAAVmKey eu-be-01-redis-primary",
            bastionHost: "10.0.6.34",
            bastionHostKey: "ssh-ed25519 AAAABastionKey eu-mgmt-01-bastion-1",
            privateKey: pulumi.secret("PRIVATE-KEY"),
            secrets: vmSecrets,
        }, {
            transformations: [
                (t) => {
                    if (t.type === "command:local:Command") commandOptions.push(t.opts as pulumi.CustomResourceOptions);
                    return undefined;
                },
            ],
        });
        expect(Object.keys(d.services)).toEqual(services);
        for (const service of services) {
            const triggers = await new Promise((resolve) => d.services[service].command.triggers.apply(resolve));
            expect(triggers, service).toEqual([contentHash(redisVmFiles.filter((f) => f.service === service))]);
            expect(created.find((c) => c.name === `eu-be-01-redis-primary-${service}-config`)?.type, service).toBe("command:local:Command");
        }
        const redis = d.services.redis.command;
        const stdin = await new Promise<string | undefined>((resolve) => redis.stdin.apply(resolve));
        expect(stdin).toContain(`user app on >@@secret:${APP_PASSWORD}@@ `);
        expect(stdin).not.toContain(SECRET);
        const env = redis.environment;
        expect(await pulumi.isSecret(env)).toBe(true);
        const envValue = await new Promise<Record<string, string> | undefined>((resolve) => env.apply(resolve));
        expect(envValue?.[secretEnvName(APP_PASSWORD)]).toBe(SECRET);
        const create = await new Promise<string | undefined>((resolve) => redis.create.apply(resolve));
        // The engine applies additionalSecretOutputs (mocks do not): every command asks for it.
        expect(commandOptions.length).toBe(services.length);
        for (const o of commandOptions) expect(o.additionalSecretOutputs).toEqual(["stdout", "stderr"]);
        expect(create).toContain("deploy@10.0.2.10");
        expect(create).toContain("'10.0.2.10 ssh-ed25519 AAAAVmKey'");
        expect(create).not.toContain(SECRET);
        expect(created.filter((c) => c.type === "blitzhub:delivery:ConfigDelivery").map((c) => c.name)).toEqual(["eu-be-01-redis-primary-delivery"]);
    });

    it("changes its trigger when the content changes and not otherwise", async () => {
        const { deliveryPlan } = await import("../../components/delivery/ConfigDelivery");
        // Nginx's backend-CA certificate and key (secret/pki/backend/...) come from the deployment's seed at deploy.
        const secrets = Object.fromEntries([...new Set(nginxFiles.flatMap((f) => f.secretRefs))].map((ref) => [ref, pulumi.secret(`value-of-${ref}`)]));
        expect(Object.keys(secrets).sort()).toEqual(["secret/pki/backend/leaf/eu_fe_01/app/nginx/cert", "secret/pki/backend/leaf/eu_fe_01/app/nginx/key"]);
        const a = deliveryPlan({ files: nginxFiles, secrets });
        const b = deliveryPlan({ files: nginxFiles.map((f) => ({ ...f })), secrets });
        const c = deliveryPlan({ files: nginxFiles.map((f, i) => (i === 0 ? { ...f, content: `${f.content}# edit\n` } : f)), secrets });
        expect(a.hash).toBe(b.hash);
        expect(c.hash).not.toBe(a.hash);
    });

    it("refuses files without their secret values, or of two VMs", async () => {
        const { deliveryPlan, deliveryPlans } = await import("../../components/delivery/ConfigDelivery");
        expect(() => deliveryPlan({ files: redisFiles })).toThrow(/no value for .*secret\/derived\/eu_be_01\/redis\/app/);
        expect(() => deliveryPlan({ files: [...redisFiles, ...nginxFiles] })).toThrow(/more than one VM\/service/);
        expect(() => deliveryPlans({ files: [...redisFiles, ...nginxFiles] })).toThrow(/more than one VM: EU-BE-01\/redis-primary, EU-FE-01\/app/);
        expect(() => deliveryPlans({ files: [] })).toThrow(/no files to deliver/);
        expect(deliveryPlans({ files: redisVmFiles, secrets: vmSecrets }).map((p) => p.service)).toEqual([...new Set(redisVmFiles.map((f) => f.service))]);
    });
});
