import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../stacks/config";

/** A project folder for `--project-dir`: the stack files and the example OCI config, to edit. */
export function projectCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-project-"));
    for (const f of fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\..*yaml$/.test(f))) fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
    fs.mkdirSync(path.join(dir, "config"));
    fs.copyFileSync(path.join(PROJECT_DIR, "config", "oci-config.example"), path.join(dir, "config", "oci-config.example"));
    return dir;
}
