/**
 * The wire form of a VM's cloud-init document in OCI's instance metadata (`user_data`): gzip,
 * then base64. cloud-init recognises gzip by its magic bytes and decompresses it before parsing,
 * so the document on the VM is the same; compressed, the bastions' user data (one `permitopen`
 * per VM of the plan) stays inside OCI's 32,000-byte metadata limit as the fleet grows.
 * Deterministic: Node writes gzip with mtime 0 and no file name, so the same document always
 * encodes to the same bytes and a plan never shows churn.
 */
import { gunzipSync, gzipSync } from "node:zlib";

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** `user_data` for a cloud-init document: base64 of its gzip compression. */
export function encodeUserData(cloudInit: string): string {
    return gzipSync(Buffer.from(cloudInit, "utf8"), { level: 9 }).toString("base64");
}

/** The cloud-init document in a `user_data` value, compressed (this program) or not (older VMs). */
export function decodeUserData(userData: string): string {
    const bytes = Buffer.from(userData, "base64");
    return (bytes.subarray(0, 2).equals(GZIP_MAGIC) ? gunzipSync(bytes) : bytes).toString("utf8");
}
