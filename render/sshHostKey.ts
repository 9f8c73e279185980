/**
 * SSH host keys known before a VM exists, so delivery pins them instead of trusting the first
 * connection: an Ed25519 key derived from a 32-byte secret seed (kept in Pulumi state as a
 * secret `random.RandomBytes`), in OpenSSH's own formats. Pure: node:crypto only.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";

/** One host's key pair in OpenSSH formats. */
export interface SshHostKey {
    /** `ssh-ed25519 AAAA... comment`: what known_hosts and the plan show. */
    publicKey: string;
    /** `-----BEGIN OPENSSH PRIVATE KEY-----...`: cloud-init `ssh_keys.ed25519_private` (secret). */
    privateKey: string;
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function sshString(value: Buffer | string): Buffer {
    const body = typeof value === "string" ? Buffer.from(value, "utf8") : value;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    return Buffer.concat([length, body]);
}

function uint32(n: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return b;
}

/** The key pair of a 32-byte seed (base64, as `random.RandomBytes.base64` gives it). */
export function sshHostKeyFromSeed(seedBase64: string, comment: string): SshHostKey {
    const seed = Buffer.from(seedBase64, "base64");
    if (seed.length !== 32) throw new Error(`SSH host key seed for ${comment}: needs 32 bytes, got ${seed.length}`);
    const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    const jwk = createPublicKey(key).export({ format: "jwk" });
    const pub = Buffer.from(String(jwk.x), "base64url");
    const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
    // openssh-key-v1, unencrypted: the check integers are derived from the seed so the output is stable.
    const check = seed.readUInt32BE(0);
    const privateSection = Buffer.concat([uint32(check), uint32(check), sshString("ssh-ed25519"), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
    const padding = Buffer.from(Array.from({ length: (8 - (privateSection.length % 8)) % 8 }, (_, i) => i + 1));
    const blob = Buffer.concat([
        Buffer.from("openssh-key-v1\0", "binary"),
        sshString("none"),
        sshString("none"),
        sshString(""),
        uint32(1),
        sshString(publicBlob),
        sshString(Buffer.concat([privateSection, padding])),
    ]);
    const body = blob.toString("base64").match(/.{1,70}/g)!.join("\n");
    return {
        publicKey: `ssh-ed25519 ${publicBlob.toString("base64")} ${comment}`,
        privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`,
    };
}
