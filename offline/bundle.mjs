// @ts-check
/**
 * The offline CLIs' bundle: the TypeScript sources compiled by esbuild into one folder of ES
 * modules, rebuilt whenever the content of one of its inputs (every source esbuild read, plus the
 * files that shape the build) differs from what was built. Each build gets its own folder under
 * `buildRoot` and `current.json` names the newest, so runs in parallel never load a half-written
 * bundle.
 * Third-party packages are not bundled; they load from `node_modules` as usual.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Builds superseded longer ago than this are removed (a run still using one has long finished). */
const STALE_BUILD_MS = 10 * 60 * 1000;

/**
 * @typedef {object} BundleOptions
 * @property {string} root Project root: entry points and inputs are relative to it.
 * @property {string} buildRoot Folder holding the builds and `current.json`.
 * @property {Record<string, string>} entryPoints Output name → entry source (`{ plan: "offline/cli/plan.ts" }`).
 * @property {string[]} [buildInputs] Files that shape the build without being bundled (`tsconfig.json`, the lockfile).
 */

/**
 * @typedef {object} Bundle
 * @property {string} dir Folder of this build, under `buildRoot`.
 * @property {number} builtAt When the build started (ms since the epoch).
 * @property {string[]} inputs Every input, relative to `root`.
 * @property {string} inputsHash sha256 of every input's path and content; empty when an input changed during the build.
 * @property {boolean} rebuilt Whether this call built it.
 */

/**
 * The current bundle, built first when it is missing or stale.
 * @param {BundleOptions} options
 * @returns {Promise<Bundle & { entry: (name: string) => string }>}
 */
export async function ensureBundle(options) {
    fs.mkdirSync(options.buildRoot, { recursive: true });
    const existing = readCurrent(options.buildRoot);
    const bundle = existing !== undefined && isFresh(existing, options) ? { ...existing, rebuilt: false } : { ...(await build(options)), rebuilt: true };
    return { ...bundle, entry: (name) => path.join(options.buildRoot, bundle.dir, `${name}.js`) };
}

/**
 * @param {string} buildRoot
 * @returns {Omit<Bundle, "rebuilt"> | undefined}
 */
function readCurrent(buildRoot) {
    try {
        return JSON.parse(fs.readFileSync(path.join(buildRoot, "current.json"), "utf8"));
    } catch {
        return undefined;
    }
}

/**
 * sha256 over the inputs' paths and contents (a few milliseconds: the sources and the lockfile);
 * undefined when one is missing.
 * @param {string} root
 * @param {string[]} inputs
 */
function hashInputs(root, inputs) {
    const hash = createHash("sha256");
    for (const input of inputs) {
        try {
            hash.update(`${input}\0`).update(fs.readFileSync(path.join(root, input))).update("\0");
        } catch {
            return undefined;
        }
    }
    return hash.digest("hex");
}

/**
 * @param {Omit<Bundle, "rebuilt">} bundle
 * @param {BundleOptions} options
 */
function isFresh(bundle, options) {
    if (!bundle.inputsHash || !fs.existsSync(path.join(options.buildRoot, bundle.dir))) return false;
    const wanted = [...Object.values(options.entryPoints), ...(options.buildInputs ?? [])];
    if (wanted.some((file) => !bundle.inputs.includes(file))) return false;
    return hashInputs(options.root, bundle.inputs) === bundle.inputsHash;
}

/**
 * @param {BundleOptions} options
 * @returns {Promise<Omit<Bundle, "rebuilt">>}
 */
async function build(options) {
    const esbuild = await import("esbuild");
    const builtAt = Date.now();
    const dir = `${builtAt.toString(36)}-${randomBytes(3).toString("hex")}`;
    const tsconfig = path.join(options.root, "tsconfig.json");
    const result = await esbuild.build({
        absWorkingDir: options.root,
        entryPoints: options.entryPoints,
        outdir: path.join(options.buildRoot, dir),
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "node",
        target: "node20",
        packages: "external",
        ...(fs.existsSync(tsconfig) ? { tsconfig } : {}),
        sourcemap: "linked",
        metafile: true,
        logLevel: "error",
    });
    const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...(options.buildInputs ?? [])])].sort();
    // A file saved while esbuild read it may not be what was built: leave the hash empty, so the next run builds again.
    const changedDuringBuild = inputs.some((input) => {
        try {
            return fs.statSync(path.join(options.root, input)).mtimeMs >= builtAt;
        } catch {
            return true;
        }
    });
    const bundle = { dir, builtAt, inputs, inputsHash: changedDuringBuild ? "" : (hashInputs(options.root, inputs) ?? "") };
    const current = path.join(options.buildRoot, "current.json");
    const superseded = readCurrent(options.buildRoot);
    const tmp = `${current}.${process.pid}.${randomBytes(3).toString("hex")}`;
    fs.writeFileSync(tmp, `${JSON.stringify(bundle, null, 1)}\n`);
    fs.renameSync(tmp, current);
    // A run started from the build just replaced may still import its lazily loaded chunks:
    // its age counts from now, when it stopped being current, not from when it was built.
    if (superseded && superseded.dir !== dir) {
        const now = new Date();
        try {
            fs.utimesSync(path.join(options.buildRoot, superseded.dir), now, now);
        } catch {
            // Already removed.
        }
    }
    removeOldBuilds(options.buildRoot, dir);
    return bundle;
}

/**
 * @param {string} buildRoot
 * @param {string} keep
 */
function removeOldBuilds(buildRoot, keep) {
    for (const entry of fs.readdirSync(buildRoot, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name === keep) continue;
        const dir = path.join(buildRoot, entry.name);
        try {
            if (Date.now() - fs.statSync(dir).mtimeMs > STALE_BUILD_MS) fs.rmSync(dir, { recursive: true, force: true });
        } catch {
            // Another run removed it first.
        }
    }
}
