import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderCloudInit } from "../../render/index";
import { decodeUserData, encodeUserData } from "../../render/userData";
import { metadataBytes } from "../../render/userDataSize";
import { realPlan } from "./fixtures";

const { plan } = realPlan();
const operators = [{ name: "alice", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice"] }];
const bastion = plan.accounts.find((a) => a.name === "EU-MGMT-01")!;
const document = renderCloudInit(plan, bastion.name, bastion.vms[0].name, { operators, deployPublicKey: "ssh-ed25519 AAAA deploy" });

describe("user data on the wire (gzip, then base64)", () => {
    it("decodes back to the rendered document, and reads plain base64 from VMs launched before compression", () => {
        expect(decodeUserData(encodeUserData(document))).toBe(document);
        expect(decodeUserData(Buffer.from(document, "utf8").toString("base64"))).toBe(document);
    });

    it("is the same bytes on every run, so a plan never churns", () => {
        expect(encodeUserData(document)).toBe(encodeUserData(`${document}`));
    });

    it("is what gunzip reads (cloud-init decompresses by the gzip magic), and far smaller than plain base64", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "userdata-"));
        const file = path.join(dir, "user-data.gz");
        fs.writeFileSync(file, Buffer.from(encodeUserData(document), "base64"));
        const gunzip = spawnSync("gunzip", ["-c", file], { encoding: "utf8" });
        fs.rmSync(dir, { recursive: true, force: true });
        expect(gunzip.status).toBe(0);
        expect(gunzip.stdout).toBe(document);
        const plain = Buffer.from(document, "utf8").toString("base64").length;
        expect(metadataBytes(document, [])).toBeLessThan(plain / 2);
    });

    it("is read back by cloud-init itself: the Oracle datasource's base64 decode, then its user-data conversion", () => {
        // Debian's cloud-init (installed with the checkers, .ci/install-checkers.sh) runs on Debian's python3.
        const script = [
            "import base64, sys",
            "from cloudinit import user_data",
            "raw = base64.b64decode(sys.stdin.read())  # DataSourceOracle: userdata_raw",
            "msg = user_data.convert_string(raw)",
            "sys.stdout.write(msg.get_payload(decode=True).decode('utf-8'))",
        ].join("\n");
        const run = spawnSync("/usr/bin/python3", ["-c", script], { input: encodeUserData(document), encoding: "utf8" });
        expect(run.stderr).toBe("");
        expect(run.stdout).toBe(document);
    });
});
