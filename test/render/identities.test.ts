/**
 * Identities on every VM, through the real checkers: the sudoers drop-in (`visudo -c -f`), the
 * sshd drop-in with the pinned host key (`sshd -t`), host keys OpenSSH reads back, and the deploy
 * key's forced command refusing anything but the entry point.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { deployAuthorizedKey, DELIVERY_ENTRY_POINT, renderCloudInit, renderDeliveryEntryPoint, renderSshdDropIn, renderSudoers, sshHostKeyFromSeed } from "../../render/index";
import { realPlan, IN_CI } from "./fixtures";
import { hasBinary } from "./sandbox";

const dir = mkdtempSync(join(tmpdir(), "blitzhub-identities-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const operators = [
    { name: "alice", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAliceKey alice@laptop"], sudoPasswordHash: "$6$saltsaltsaltsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmn" },
    { name: "bob", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBobKey bob@laptop"] },
];

function requireChecker(bin: string): boolean {
    if (hasBinary(bin)) return true;
    if (IN_CI) throw new Error(`${bin} missing (bash .ci/install-checkers.sh)`);
    return false;
}

describe("sudoers drop-in", () => {
    it.runIf(requireChecker("visudo"))("passes visudo -c -f, and a broken one fails", () => {
        const file = join(dir, "90-blitzhub");
        writeFileSync(file, renderSudoers(operators), { mode: 0o440 });
        const ok = spawnSync("visudo", ["-c", "-f", file]);
        expect(ok.status, String(ok.stdout) + String(ok.stderr)).toBe(0);
        writeFileSync(file, renderSudoers(operators).replace("ALL=(ALL:ALL) ALL", "ALL=(ALL:ALL ALL"), { mode: 0o440 });
        expect(spawnSync("visudo", ["-c", "-f", file]).status).not.toBe(0);
    });

    it("gives full sudo only with the operator's own password, deploy only the entry point without arguments", () => {
        const rules = renderSudoers(operators).split("\n").filter((l) => l && !l.startsWith("#") && !l.startsWith("Defaults"));
        expect(rules).toEqual(["alice ALL=(ALL:ALL) ALL", `deploy ALL=(root) NOPASSWD: ${DELIVERY_ENTRY_POINT} ""`]);
    });
});

describe("host keys", () => {
    it("are OpenSSH Ed25519 keys whose public half ssh-keygen derives from the private one, distinct per seed", () => {
        const a = sshHostKeyFromSeed(Buffer.alloc(32, 1).toString("base64"), "eu-fe-01-app");
        const b = sshHostKeyFromSeed(Buffer.alloc(32, 2).toString("base64"), "eu-fe-01-edge-1");
        expect(a.publicKey).not.toBe(b.publicKey);
        expect(sshHostKeyFromSeed(Buffer.alloc(32, 1).toString("base64"), "eu-fe-01-app")).toEqual(a);
        const file = join(dir, "host_key");
        writeFileSync(file, a.privateKey, { mode: 0o600 });
        const derived = spawnSync("ssh-keygen", ["-y", "-f", file]);
        expect(derived.status, String(derived.stderr)).toBe(0);
        expect(String(derived.stdout).trim()).toBe(a.publicKey);
        expect(() => sshHostKeyFromSeed(Buffer.alloc(16).toString("base64"), "short")).toThrow(/32 bytes/);
    });
});

describe("sshd drop-in", () => {
    it.runIf(requireChecker("sshd"))("passes sshd -t with the rendered host key, and names only the operators and deploy", () => {
        const key = sshHostKeyFromSeed(Buffer.alloc(32, 9).toString("base64"), "test");
        const hostKey = join(dir, "ssh_host_ed25519_key");
        writeFileSync(hostKey, key.privateKey, { mode: 0o600 });
        const config = join(dir, "sshd_config");
        writeFileSync(config, renderSshdDropIn(operators).replace("HostKey /etc/ssh/ssh_host_ed25519_key", `HostKey ${hostKey}`));
        spawnSync("mkdir", ["-p", "/run/sshd"]);
        const res = spawnSync("sshd", ["-t", "-f", config]);
        expect(res.status, String(res.stderr)).toBe(0);
        expect(renderSshdDropIn(operators)).toMatch(/^AllowUsers alice bob deploy$/m);
    });
});

describe("deploy key", () => {
    it("runs only the entry point: sshd's forced command ignores what the client asks", () => {
        const line = deployAuthorizedKey("ssh-ed25519 AAAA deploy@ci", []);
        expect(line).toBe(`restrict,command="sudo -n ${DELIVERY_ENTRY_POINT}" ssh-ed25519 AAAA deploy@ci`);
        expect(deployAuthorizedKey("ssh-ed25519 AAAA deploy@ci", ["10.0.1.10:22"])).toBe(
            `restrict,port-forwarding,permitopen="10.0.1.10:22",command="sudo -n ${DELIVERY_ENTRY_POINT}" ssh-ed25519 AAAA deploy@ci`,
        );
    });

    it("the entry point runs the script from stdin and logs its hash, not its content", () => {
        const entry = join(dir, "blitzhub-deliver");
        writeFileSync(entry, renderDeliveryEntryPoint().replace("logger -t", `printf '%s\\n' >> ${dir}/log`));
        chmodSync(entry, 0o755);
        const res = spawnSync(entry, [], { input: "echo delivered $((6 * 7)) # secret-value-xyz\n", env: { PATH: process.env.PATH, SUDO_USER: "deploy" } });
        expect(res.status, String(res.stderr)).toBe(0);
        expect(String(res.stdout)).toBe("delivered 42\n");
        const log = spawnSync("cat", [join(dir, "log")]).stdout.toString();
        expect(log).toMatch(/delivery by deploy: script sha256 [0-9a-f]{64}/);
        expect(log).not.toContain("secret-value-xyz");
    });

    it("cloud-init of every VM ends the deploy key with the forced command (no key without it)", () => {
        const { plan } = realPlan();
        for (const a of plan.accounts) for (const vm of a.vms) {
            const doc = parse(renderCloudInit(plan, a, vm, { operators, deployPublicKey: "ssh-ed25519 AAAA deploy@ci" })) as { users: { name: string; ssh_authorized_keys: string[] }[] };
            const deploy = doc.users.find((u) => u.name === "deploy")!;
            expect(deploy.ssh_authorized_keys.every((k) => k.startsWith("restrict,") && k.includes(`command="sudo -n ${DELIVERY_ENTRY_POINT}"`)), vm.resourceName).toBe(true);
        }
    });
});

describe("WireGuard forwarding", () => {
    it("logs each new forwarded connection with the operator's tunnel address before accepting it", () => {
        const { files } = realPlan();
        const bastions = files.filter((f) => f.service === "host-firewall" && f.content.includes('iifname "wg0"'));
        expect(bastions.length).toBe(2);
        for (const f of bastions) {
            const forward = f.content.slice(f.content.indexOf("chain forward"));
            const log = forward.indexOf('ct state new log prefix "blitzhub-wg-forward: "');
            expect(log, f.vm).toBeGreaterThan(0);
            expect(log).toBeLessThan(forward.indexOf("ip daddr 10.0.0.0/16 accept"));
        }
    });
});
