/**
 * The identities sync on a VM that booted long ago, for real: the rendered files go through the
 * real delivery script (install, `--check` as validate, the sync as reload) inside a private mount
 * namespace whose /etc, /home, /var and /usr are overlays of this machine's, so useradd, userdel,
 * chpasswd, visudo and sshd work on a throwaway copy. Add two operators, run again (no change),
 * remove one and rotate the other's key, and refuse what would lock the delivery account out.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { remoteScript, secretEnvName } from "../../components/delivery/deliveryScript";
import { DEPLOY_USER, IDENTITIES_DIR, IDENTITIES_SYNC, operatorHashSecretPath, type OperatorIdentity, renderIdentitySync, SUDOERS_DROP_IN } from "../../render/identities";
import type { RenderedFile } from "../../render/types";
import { IN_CI } from "./fixtures";
import { canSandbox } from "./sandbox";

const ROOTS = ["etc", "home", "var", "usr"];
const stage = mkdtempSync(join(tmpdir(), "blitzhub-identities-"));
afterAll(() => rmSync(stage, { recursive: true, force: true }));

const ALICE_HASH = "$6$saltsalt$4jO8VKrz0GmrHZr.TYpNBy9DW3fRr3sMdOQBUGNKm5Q7bbH7mybDbjdeKVtaS3HcpJnvEkm4LJm4CW2e/qzD90";
const KEY = (n: number, who: string) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${String(n).padStart(43, "A")} ${who}`;

function files(operators: OperatorIdentity[]): RenderedFile[] {
    return renderIdentitySync(operators).map((spec) => ({
        account: "EU-MGMT-01",
        vm: "bastion-1",
        service: "identities",
        path: spec.path,
        content: spec.content,
        mode: spec.mode ?? "0644",
        owner: "root",
        group: "root",
        validate: spec.validate,
        reload: spec.reload,
        secretRefs: [...spec.content.matchAll(/@@secret:(secret\/[a-z0-9_/]+)@@/g)].map((m) => m[1]),
    }));
}

/** Runs `script` as root in the sandbox: the overlays (state kept in `stage` between runs) and a private /run. */
function sandboxed(script: string, env: Record<string, string> = {}, input = ""): Promise<{ status: number; out: string }> {
    const mounts = ROOTS.map((r) => `mkdir -p ${stage}/upper/${r} ${stage}/work/${r} && mount -t overlay overlay -o lowerdir=/${r},upperdir=${stage}/upper/${r},workdir=${stage}/work/${r} /${r}`);
    const lines = ["set -e", ...mounts, "mount -t tmpfs tmpfs /run && mkdir -p /run/sshd", "set +e", script];
    return new Promise((resolve) => {
        const child = spawn("unshare", ["-m", "--propagation", "private", "bash", "-c", lines.join("\n")], { env: { ...process.env, ...env } });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d));
        child.stderr.on("data", (d: Buffer) => (out += d));
        child.on("close", (code: number) => resolve({ status: code, out }));
        child.stdin.end(input);
    });
}

/** Delivers `rendered` with the real delivery script, into the sandbox. */
function deliver(rendered: RenderedFile[], secrets: Record<string, string>) {
    const env = Object.fromEntries(Object.entries(secrets).map(([path, value]) => [secretEnvName(path), value]));
    // BLITZHUB_ROOT "/": the sandbox's own root, and no wait for cloud-init (which never finishes here).
    return sandboxed("bash -s", { ...env, BLITZHUB_ROOT: "/" }, remoteScript(rendered));
}

const state = () =>
    sandboxed(
        [
            "for u in alice bob carol deploy; do printf '%s: ' $u; if e=$(getent passwd $u); then echo \"$e\" | cut -d: -f5; else echo absent; fi; done",
            "printf 'shadow alice: %s\\n' \"$(getent shadow alice | cut -d: -f2)\"",
            "printf 'shadow bob: %s\\n' \"$(getent shadow bob | cut -d: -f2 | cut -c1)\"",
            "for u in alice bob; do printf 'keys %s: %s\\n' $u \"$(cat /home/$u/.ssh/authorized_keys 2>/dev/null | awk '{print $3}' | paste -sd, -)\"; done",
            "printf 'ssh dir alice: %s\\n' \"$(stat -c '%a %U' /home/alice/.ssh/authorized_keys 2>/dev/null)\"",
            `printf 'sudoers: %s\\n' "$(stat -c '%a' ${SUDOERS_DROP_IN} 2>/dev/null) $(grep -c ALL ${SUDOERS_DROP_IN} 2>/dev/null)"`,
            `grep '^alice ' ${SUDOERS_DROP_IN} || true`,
            "grep '^AllowUsers' /etc/ssh/sshd_config.d/90-blitzhub.conf || true",
            "visudo -c -q && echo 'visudo: ok'",
            "sshd -t && echo 'sshd: ok'",
            "id -nG alice 2>/dev/null | tr ' ' '\\n' | grep -x adm || true",
        ].join("\n"),
    ).then((r) => r.out);

describe("identities sync on a VM that booted long ago", () => {
    const ready = canSandbox();
    if (!ready && IN_CI) it("runs as root with unshare (CI=true)", () => expect.fail("the identities sync test needs root and unshare"));
    if (!ready) return;

    const alice: OperatorIdentity = { name: "alice", sshPublicKeys: [KEY(1, "alice-laptop")], sudoPasswordHash: ALICE_HASH };
    const bob: OperatorIdentity = { name: "bob", sshPublicKeys: [KEY(2, "bob-laptop"), KEY(3, "bob-desktop")] };
    const secrets = { [operatorHashSecretPath("alice")]: ALICE_HASH };

    it("starts from a VM cloud-init made: the deploy account, host keys, no operator yet", async () => {
        const r = await sandboxed(
            [
                "set -e",
                `useradd --create-home --shell /bin/sh --comment 'BlitzHub config delivery (forced command only)' ${DEPLOY_USER}`,
                "ssh-keygen -A -q >/dev/null",
                `mkdir -p /etc/sudoers.d && printf '%s\\n' '${DEPLOY_USER} ALL=(root) NOPASSWD: /usr/local/sbin/blitzhub-deliver ""' > ${SUDOERS_DROP_IN} && chmod 0440 ${SUDOERS_DROP_IN}`,
                "getent passwd alice bob carol | wc -l",
            ].join("\n"),
        );
        expect(r.status, r.out).toBe(0);
        expect(r.out.trim()).toBe("0");
    }, 60_000);

    it("adds two operators: logins, keys, alice's sudo password hash (bob has none: locked), sudoers and sshd drop-ins", async () => {
        const r = await deliver(files([alice, bob]), secrets);
        expect(r.status, r.out).toBe(0);
        expect(r.out).toContain("added the login of operator alice");
        expect(r.out).toContain("added the login of operator bob");
        const s = await state();
        expect(s).toContain("alice: BlitzHub operator alice");
        expect(s).toContain("bob: BlitzHub operator bob");
        expect(s).toContain("carol: absent");
        expect(s).toContain(`shadow alice: ${ALICE_HASH}`);
        expect(s).toContain("shadow bob: !");
        expect(s).toContain("keys alice: alice-laptop");
        expect(s).toContain("keys bob: bob-laptop,bob-desktop");
        expect(s).toContain("ssh dir alice: 600 alice");
        expect(s).toContain("alice ALL=(ALL:ALL) ALL");
        expect(s).toContain("AllowUsers alice bob deploy");
        expect(s).toContain("visudo: ok");
        expect(s).toContain("sshd: ok");
        expect(s).toMatch(/^adm$/m);
        expect(s).toContain("deploy: BlitzHub config delivery");
        // The hash reached the host through the delivery's environment, never an argument; the rendered file holds a placeholder.
        expect(files([alice]).find((f) => f.path === `${IDENTITIES_DIR}/operators`)!.content).not.toContain(ALICE_HASH);
    }, 120_000);

    it("is idempotent: a second run changes nothing", async () => {
        const r = await sandboxed(IDENTITIES_SYNC);
        expect(r.status, r.out).toBe(0);
        expect(r.out).toContain("blitzhub-identities: 0 change(s); operators: alice bob");
    }, 60_000);

    it("removes a departed operator and rotates a key; the delivery account is untouched", async () => {
        const rotated: OperatorIdentity = { ...alice, sshPublicKeys: [KEY(4, "alice-new-laptop")] };
        const r = await deliver(files([rotated]), secrets);
        expect(r.status, r.out).toBe(0);
        expect(r.out).toContain("removed the login of departed operator bob");
        const s = await state();
        expect(s).toContain("bob: absent");
        expect(s).toContain("keys alice: alice-new-laptop");
        expect(s).toContain("AllowUsers alice deploy");
        expect(s).not.toContain("bob ALL");
        expect(s).toContain("deploy: BlitzHub config delivery");
        expect(s).toContain("visudo: ok");
        const again = await sandboxed(IDENTITIES_SYNC);
        expect(again.out).toContain("0 change(s); operators: alice");
    }, 120_000);

    it("refuses, before changing anything, a sudoers drop-in without the delivery rule and a login it did not make", async () => {
        const broken = files([alice, bob]).map((f) => (f.path === `${IDENTITIES_DIR}/sudoers` ? { ...f, content: f.content.replace(/^deploy .*\n/m, "") } : f));
        const r = await deliver(broken, secrets);
        expect(r.status).not.toBe(0);
        expect(r.out).toContain("would lock deploy out");
        // The delivery put the previous files back and bob was not added.
        const s = await state();
        expect(s).toContain("bob: absent");
        expect(s).toContain("AllowUsers alice deploy");
        // A login of the same name that BlitzHub did not make is never taken over.
        await sandboxed("useradd --create-home --comment 'someone else' carol");
        const carol: OperatorIdentity = { name: "carol", sshPublicKeys: [KEY(5, "carol")] };
        const taken = await deliver(files([alice, carol]), secrets);
        expect(taken.status).not.toBe(0);
        expect(taken.out).toContain("carol exists and is not a login BlitzHub made");
        expect(await sandboxed("test -e /home/carol/.ssh/authorized_keys && echo has-keys || echo no-keys").then((x) => x.out)).toContain("no-keys");
    }, 120_000);
});
