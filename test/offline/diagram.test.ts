/**
 * The topology picture: the DOT names what the issue asks for, Graphviz (npm) lays it out, and
 * Debian's headless Chromium renders the SVG into a screenshot that is not blank, with each line's
 * text runs where Graphviz placed them (no overlap).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { planOf, topologySvg } from "../../offline/diagram/topologySvg";
import { DIAGRAM_FONT_FAMILY, topologyDot } from "../../render/diagram";
import { hasBinary } from "../render/sandbox";

const plan = planOf(join(PROJECT_ROOT, "topology", "blitzhub.yaml"));
let svgOnce: Promise<string> | undefined;
/** The topology's SVG, laid out by Graphviz once for both Chromium tests (a string: nothing to share by mistake). */
const planSvg = (): Promise<string> => (svgOnce ??= topologySvg(plan));
const dir = mkdtempSync(join(tmpdir(), "blitzhub-diagram-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pixels of an 8-bit RGB/RGBA PNG (what Chromium writes), row filters undone. */
function decodePng(png: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    let width = 0, height = 0, channels = 0;
    const idat: Buffer[] = [];
    for (let at = 8; at < png.length; ) {
        const length = png.readUInt32BE(at);
        const type = png.subarray(at + 4, at + 8).toString("latin1");
        const data = png.subarray(at + 8, at + 8 + length);
        if (type === "IHDR") {
            width = data.readUInt32BE(0);
            height = data.readUInt32BE(4);
            expect(data[8], "bit depth").toBe(8);
            expect(data[12], "interlace").toBe(0);
            channels = { 2: 3, 6: 4 }[data[9]] ?? 0;
            expect(channels, `colour type ${data[9]}`).toBeGreaterThan(0);
        }
        if (type === "IDAT") idat.push(data);
        at += 12 + length;
    }
    const raw = inflateSync(Buffer.concat(idat));
    const stride = width * channels;
    const pixels = Buffer.alloc(stride * height);
    for (let y = 0; y < height; y++) {
        const filter = raw[y * (stride + 1)];
        for (let x = 0; x < stride; x++) {
            const value = raw[y * (stride + 1) + 1 + x];
            const a = x >= channels ? pixels[y * stride + x - channels] : 0;
            const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
            const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
            const p = a + b - c;
            const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
            const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
            pixels[y * stride + x] = (value + predictor) & 0xff;
        }
    }
    return { width, height, channels, pixels };
}

/** Runs headless Chromium on a file with extra `args`; its stdout, stderr and exit code. */
function chromium(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const all = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", `--user-data-dir=${mkdtempSync(join(dir, "profile-"))}`,
        ...args, `file://${file}`,
    ];
    return new Promise((resolve, reject) => {
        const child = spawn("chromium", all, { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
        child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

function chromiumScreenshot(svgFile: string, pngFile: string): Promise<{ code: number | null; stderr: string }> {
    return chromium(svgFile, [`--screenshot=${pngFile}`, "--window-size=1600,2400"]);
}

/**
 * Graphviz splits a line of mixed text (a bold name, then plain text) into runs placed by its
 * width table; Chromium draws them with the font it has. Measured in Chromium: where each run
 * ends and where the next run of the same line starts.
 */
async function textRunsInChromium(svg: string): Promise<{ text: string; end: number; next: number }[]> {
    const page = join(dir, "runs.html");
    writeFileSync(page, `<!doctype html><html><body>${svg.slice(svg.indexOf("<svg"))}<pre id="runs"></pre><script>
const texts = [...document.querySelectorAll("svg text")];
const runs = [];
for (let i = 0; i + 1 < texts.length; i++) {
    const [a, b] = [texts[i], texts[i + 1]];
    if (a.getAttribute("y") !== b.getAttribute("y") || a.getAttribute("text-anchor") !== "start" || b.getAttribute("text-anchor") !== "start") continue;
    runs.push({ text: a.textContent, end: Number(a.getAttribute("x")) + a.getComputedTextLength(), next: Number(b.getAttribute("x")) });
}
document.getElementById("runs").textContent = JSON.stringify(runs);
</script></body></html>`);
    const { code, stdout, stderr } = await chromium(page, ["--dump-dom"]);
    expect(code, stderr).toBe(0);
    const json = /<pre id="runs">([^<]*)<\/pre>/.exec(stdout)?.[1];
    expect(json, `no measurement in Chromium's DOM:\n${stderr}`).toBeDefined();
    return JSON.parse(json!.replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
}

describe("topology diagram", () => {
    it("the DOT draws every region, tenancy with its VCN, VM with its services, LB, NLB, DRG and remote peering", () => {
        const dot = topologyDot(plan);
        for (const s of plan.stacks) expect(dot).toContain(`region ${s.region}</b> · ${s.homeRegion}`);
        for (const a of plan.accounts) {
            expect(dot).toContain(`<b>${a.name}</b> · ${a.role}<br/><font point-size="10">VCN ${a.vcnCidr}`);
            for (const vm of a.vms) expect(dot).toContain(`<b>${vm.name}</b><br/><font point-size="9">`);
        }
        expect(dot.match(/\[shape=box[^\]]*label=<<b>LB<\/b>/g)?.length).toBe(15);
        expect(dot.match(/label=<<b>NLB<\/b>/g)?.length).toBe(3);
        expect(dot.match(/label=<<b>DRG<\/b>/g)?.length).toBe(5);
        expect(dot.match(/label="remote peering"/g)?.length).toBe(4);
        // user → FE LB → Nginx → Fastify → Redis / RabbitMQ / ADB; Solana → RabbitMQ → WebSocket.
        expect(dot).toContain("user -> lb_eu_fe_01 [");
        expect(dot).toContain("lb_eu_fe_01 -> vm_eu_fe_01_edge_1 [");
        expect(dot).toMatch(/vm_eu_fe_01_app -> vm_eu_be_01_api \[color="#1f77b4".*lhead|vm_eu_fe_01_app -> vm_eu_be_01_api \[color="#1f77b4".*ltail=cluster_eu_fe_01/);
        expect(dot).toMatch(/vm_eu_be_01_api -> vm_eu_be_01_redis_primary \[color="#1f77b4"/);
        expect(dot).toMatch(/vm_eu_be_01_api -> vm_eu_data_01_broker \[color="#1f77b4"/);
        expect(dot).toMatch(/vm_eu_be_01_api -> adb_eu_data_01 \[/);
        expect(dot).toMatch(/vm_eu_sol_01_validator -> vm_eu_data_01_broker \[color="#9467bd"/);
        expect(dot).toMatch(/vm_eu_data_01_broker -> vm_eu_be_01_api \[color="#9467bd"/);
        expect(dot.match(/-> vm_eu_log_01_loki \[style=dotted, color="#2ca02c"/g)?.length).toBe(14);
        expect(dot.match(/^ {2}vm_eu_mon_01_observability -> \S+ \[style=dotted, color="#ff7f0e"/gm)?.length).toBe(14);
    });

    it("draws only the regions asked for", () => {
        const dot = topologyDot(plan, { regions: ["sa"] });
        expect(dot).toContain("SA-FE-01");
        expect(dot).not.toContain("EU-FE-01");
    });

    const hasChromium = hasBinary("chromium");
    if (!hasChromium && process.env.CI === "true") it("chromium is installed (CI=true)", () => expect.fail("chromium missing: apt-get install -y --no-install-recommends chromium"));
    else if (!hasChromium) it.skip("chromium missing — install: apt-get install -y --no-install-recommends chromium", () => {});

    it.runIf(hasChromium)("the title's bold and plain runs do not overlap in Chromium: the SVG names a font Debian has and Graphviz measures", async () => {
        const svg = await planSvg();
        const families = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
        expect([...families]).toEqual([DIAGRAM_FONT_FAMILY]);
        const runs = await textRunsInChromium(svg);
        // The title, every region and every tenancy label: a bold name, then the rest of the line.
        expect(runs.map((r) => r.text)).toEqual(expect.arrayContaining(["blitzhub", "region eu", "EU-FE-01"]));
        expect(runs.length).toBeGreaterThanOrEqual(1 + plan.stacks.length + plan.accounts.length);
        expect(runs.filter((r) => r.end > r.next + 0.5).map((r) => `${r.text} ends at ${r.end.toFixed(1)}, the next run starts at ${r.next}`)).toEqual([]);
    }, 180_000);

    it.runIf(hasChromium)("the SVG names all 15 accounts and renders in headless Chromium to a screenshot that is not blank", async () => {
        const svg = await planSvg();
        expect(svg).toMatch(/^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
        // Graphviz writes text with numeric entities (`EU&#45;FE&#45;01`).
        const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))));
        expect(plan.accounts.length).toBe(15);
        for (const a of plan.accounts) expect(texts, a.name).toContain(a.name);
        const svgFile = join(dir, "topology.svg");
        const pngFile = join(dir, "topology.png");
        writeFileSync(svgFile, svg);
        const { code, stderr } = await chromiumScreenshot(svgFile, pngFile);
        expect(code, stderr).toBe(0);
        expect(existsSync(pngFile), stderr).toBe(true);
        const { width, height, channels, pixels } = decodePng(readFileSync(pngFile));
        expect([width, height]).toEqual([1600, 2400]);
        let ink = 0;
        const colours = new Set<number>();
        for (let i = 0; i < pixels.length; i += channels) {
            const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
            if (r < 235 || g < 235 || b < 235) ink++;
            colours.add((r << 16) | (g << 8) | b);
        }
        // Drawn, not blank: a real share of non-white pixels in many colours (fills, lines, text).
        expect(ink / (width * height)).toBeGreaterThan(0.05);
        expect(colours.size).toBeGreaterThan(50);
    }, 180_000);
});
