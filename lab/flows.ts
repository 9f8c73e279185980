/**
 * The flows: named checks that drive real traffic through the lab. Each passes, fails with a
 * message that says what was expected and what came back, or is "not run" with its reason
 * (a service that cannot run here is never reported as passed).
 */
import type { Lab, LabVm } from "./lab";
import type { LabMachine } from "./machine";
import { resolve } from "node:path";
import { throwawayTestCertificate } from "../render/internalPki";
import { edgeTestCertificate } from "../render/edgeTestCertificate";
import { RABBITMQ_APP_USER } from "../render/rabbitmq";
import { redisUsers } from "../render/redis";
import { LAB_CLIENTS } from "./services";

export type FlowStatus = "passed" | "failed" | "not run";

export interface FlowResult {
    name: string;
    status: FlowStatus;
    detail: string;
    seconds: number;
}

/** A flow's outcome: throw `FlowFailure` to fail, `NotRun` to skip with a reason. */
export class FlowFailure extends Error {}
export class NotRun extends Error {}

interface Flow {
    name: string;
    description: string;
    run: (lab: Lab) => Promise<string>;
}

interface HttpResponse {
    status: number;
    headers: Record<string, string>;
    body: string;
}

/** An HTTP request made with curl from inside a lab host. */
export function http(
    from: LabMachine,
    url: string,
    options: { headers?: Record<string, string>; insecure?: boolean; timeout?: number; tls?: { ca: string; cert?: string; key?: string } } = {},
): HttpResponse {
    const args = ["curl", "-sS", "-i", "-m", String(options.timeout ?? 8), ...(options.insecure ? ["-k"] : [])];
    if (options.tls) args.push("--cacert", options.tls.ca, ...(options.tls.cert && options.tls.key ? ["--cert", options.tls.cert, "--key", options.tls.key] : []));
    for (const [k, v] of Object.entries(options.headers ?? {})) args.push("-H", `${k}: ${v}`);
    args.push("--", url);
    const r = from.run(args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" "), { timeout: (options.timeout ?? 8) + 5 });
    if (r.code !== 0) throw new FlowFailure(`${url} from ${from.label}: curl failed (${r.code}): ${r.stderr.trim().split("\n").pop()}`);
    // curl -i prints each response of the exchange (1xx first); the last one is the answer.
    const parts = r.stdout.split(/\r\n\r\n/);
    let i = 0;
    while (i < parts.length - 1 && /^HTTP\/\S+ 1\d\d/.test(parts[i])) i++;
    const [head, ...rest] = parts.slice(i);
    const [statusLine, ...headerLines] = head.split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
        const c = line.indexOf(":");
        if (c > 0) headers[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
    }
    return { status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") };
}

function expect(condition: unknown, message: string): asserts condition {
    if (!condition) throw new FlowFailure(message);
}

async function eventually<T>(what: string, seconds: number, probe: () => T | undefined): Promise<T> {
    const until = Date.now() + seconds * 1000;
    let last: unknown;
    for (;;) {
        try {
            const v = probe();
            if (v !== undefined) return v;
        } catch (error) {
            last = error;
        }
        if (Date.now() > until) throw new FlowFailure(`${what}: not within ${seconds} s${last instanceof Error ? ` (last: ${last.message})` : ""}`);
        await new Promise((r) => setTimeout(r, 500));
    }
}

function one(lab: Lab, service: string): LabVm {
    const vm = lab.vmsWith(service)[0];
    if (!vm) throw new NotRun(`no lab VM runs ${service}`);
    return vm;
}

function client(lab: Lab, name: string): LabMachine {
    const c = lab.clients.get(name);
    if (!c) throw new NotRun(`no lab client ${name}`);
    return c;
}

function file(vm: LabVm, path: string): string {
    const f = vm.files.find((x) => x.path === path);
    if (!f) throw new FlowFailure(`${vm.label}: nothing rendered at ${path}`);
    return f.content;
}

/** The port a service's rendered config listens on, as the plan places it. */
function port(vm: LabVm, service: string, name: string): number {
    const p = vm.vm.services.find((s) => s.service === service)?.def.ports.find((x) => x.name === name);
    if (!p) throw new FlowFailure(`${vm.label}: ${service} has no port ${name} in the plan`);
    return p.port;
}

/** Nginx's port for the load balancer (TLS with its backend-CA leaf), as the plan places it. */
function loadBalancerTlsPort(vm: LabVm, service: string): number {
    const p = vm.vm.services.find((s) => s.service === service)?.def.ports.find((x) => x.loadBalancerTls);
    if (!p) throw new FlowFailure(`${vm.label}: ${service} has no loadBalancerTls port in the plan`);
    return p.port;
}

/**
 * Nginx as the load balancer reaches it (the fe-lb client stands in for it): over TLS on its
 * backend port, the only one the host firewall admits from the lb subnet.
 */
function fe(lab: Lab): string {
    const nginx = one(lab, "nginx");
    return `https://${nginx.vm.privateIp}:${loadBalancerTlsPort(nginx, "nginx")}`;
}

/** Where the fe-lb client keeps the backend CA (what the load balancer's bundle holds). */
const LB_BACKEND_CA = "/tmp/lab-backend-ca.crt";

/** The fe-lb client's TLS settings toward Nginx: the backend CA alone, as the load balancer verifies it. */
function feTls(lab: Lab): { ca: string } {
    const c = client(lab, "fe-lb");
    if (c.run(`test -s ${LB_BACKEND_CA}`, { timeout: 5 }).code !== 0) c.run(`cat > ${LB_BACKEND_CA}`, { input: lab.secrets.backendCa.certPem });
    return { ca: LB_BACKEND_CA };
}

/**
 * The React client through HAProxy, retried while HAProxy's health checks have not yet marked its
 * WebSocket backend up (a few seconds after start); the last outcome is the verdict.
 */
async function reactClientThroughHaproxy(lab: Lab, origin: string): Promise<{ ok: boolean; detail: string }> {
    const until = Date.now() + 20_000;
    let last = reactClientRun(lab, client(lab, "net-lb"), origin);
    while (!last.ok && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 1000));
        last = reactClientRun(lab, client(lab, "net-lb"), origin);
    }
    return last;
}

/** The rendered React WebSocket client, as Vite would build it (its `define`s substituted), driven from a lab host. */
function reactClientRun(lab: Lab, from: LabMachine, origin: string, env: Record<string, string> = {}): { ok: boolean; detail: string } {
    const react = one(lab, "react");
    const source = file(react, "/app/frontend/src/services/websocket.js");
    const vite = file(react, "/app/frontend/vite.config.js");
    let built = source;
    for (const m of vite.matchAll(/"(import\.meta\.env\.[A-Z_]+)":\s*JSON\.stringify\(("[^"]*")\)/g)) built = built.split(m[1]).join(m[2]);
    if (/import\.meta\.env/.test(built)) throw new FlowFailure(`websocket.js reads ${/import\.meta\.env\.\w+/.exec(built)![0]}, which vite.config.js does not define`);
    if (/from\s+["'](?!\.)/.test(built)) throw new FlowFailure(`websocket.js imports a package (${/from\s+["']([^"']+)/.exec(built)![1]}): the lab drives the client as built, with no bundler`);
    const driver = `
globalThis.window = { location: { origin: ${JSON.stringify(origin)} } };
const m = await import("/tmp/lab-ws-client.mjs");
const timer = setTimeout(() => { console.log(JSON.stringify({ ok: false, detail: "no frame back within 8 s" })); process.exit(1); }, 8000);
m.connect(() => "lab-signature");
m.subscribe(m.EVENTS.transaction, (data) => {
  if (data && data.echo && data.echo.event === "subscribe") { clearTimeout(timer); console.log(JSON.stringify({ ok: true, detail: JSON.stringify(data) })); m.disconnect(); process.exit(0); }
});
m.send("subscribe", { txId: "lab-1" });
`;
    const r = from.run(`cat > /tmp/lab-ws-client.mjs && cat > /tmp/lab-ws-driver.mjs <<'EOF'\n${driver}\nEOF\nnode --experimental-websocket --no-warnings /tmp/lab-ws-driver.mjs`, { input: built, timeout: 15, env });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    try {
        return JSON.parse(line) as { ok: boolean; detail: string };
    } catch {
        return { ok: false, detail: `client exited ${r.code}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ")}` };
    }
}

/** The internal CA as every VM has it after delivery (the system trust store's source file). */
const INTERNAL_CA = "/usr/local/share/ca-certificates/blitzhub-internal-ca.crt";

/** redis-cli over TLS, verifying the server against `ca` (the VM's internal CA by default), as `user` when given. */
function redisCli(from: LabMachine, host: string, login: { user: string; password: string } | undefined, args: string, ca = INTERNAL_CA): string {
    const r = from.run(`redis-cli --no-auth-warning --tls --cacert ${ca} -h ${host} -p 6379 ${login ? `--user ${login.user}` : ""} ${args}`, {
        env: login ? { REDISCLI_AUTH: login.password } : {},
        timeout: 10,
    });
    return `${r.stdout}${r.stderr}`.trim();
}

export const FLOWS: Flow[] = [
    {
        name: "fe-health-headers",
        description: "FE /health answers 200 with every security header of the rendered snippet (HSTS only when the LB says the request came over HTTPS)",
        run: async (lab) => {
            const nginx = one(lab, "nginx");
            const r = http(client(lab, "fe-lb"), `${fe(lab)}/health`, { headers: { "X-Forwarded-Proto": "https" }, tls: feTls(lab) });
            expect(r.status === 200, `GET /health: expected 200, got ${r.status}`);
            const wanted = [...file(nginx, "/etc/nginx/snippets/security-headers.conf").matchAll(/^add_header\s+(\S+)/gm)].map((m) => m[1].toLowerCase());
            const missing = wanted.filter((h) => !(h in r.headers));
            expect(wanted.length > 0 && missing.length === 0, `GET /health lacks ${missing.join(", ")}`);
            // The LB's health check carries no X-Forwarded-Proto: served, without HSTS.
            const check = http(client(lab, "fe-lb"), `${fe(lab)}/health`, { tls: feTls(lab) });
            expect(check.status === 200 && !("strict-transport-security" in check.headers), `a health check: ${check.status}, HSTS ${"strict-transport-security" in check.headers}`);
            return `200, ${wanted.length} security headers over HTTPS; none of HSTS to a health check`;
        },
    },
    {
        name: "fe-root",
        description: "/ serves the React build",
        run: async (lab) => {
            const r = await eventually("GET / serves the build", 10, () => {
                const x = http(client(lab, "fe-lb"), `${fe(lab)}/`, { tls: feTls(lab) });
                return x.status === 200 && x.body.includes("data-blitzhub-build") ? x : undefined;
            });
            return `${r.status}, index.html of the build`;
        },
    },
    {
        name: "fe-api-proxied",
        description: "/api/ reaches Fastify through Nginx",
        run: async (lab) => {
            const r = http(client(lab, "fe-lb"), `${fe(lab)}/api/v1/status`, { tls: feTls(lab) });
            expect(r.status === 200, `GET /api/v1/status: expected 200, got ${r.status}: ${r.body.slice(0, 200)}`);
            const body = JSON.parse(r.body) as { path: string };
            expect(body.path === "/api/v1/status", `Fastify saw ${body.path}`);
            return "200 from Fastify";
        },
    },
    {
        name: "api-cache-per-user",
        description: "the API cache never serves one user's response to another",
        run: async (lab) => {
            const c = client(lab, "fe-lb");
            const url = `${fe(lab)}/api/v1/balance`;
            const asUser = (user: string, how: "cookie" | "authorization") =>
                http(c, url, { headers: how === "cookie" ? { Cookie: `session=${user}` } : { Authorization: `Bearer ${user}` }, tls: feTls(lab) });
            for (const how of ["cookie", "authorization"] as const) {
                const a = asUser(`alice-${how}`, how);
                const b = asUser(`bob-${how}`, how);
                expect(a.status === 200 && b.status === 200, `GET ${url} (${how}): ${a.status}/${b.status}`);
                const seen = (JSON.parse(b.body) as { user: string }).user;
                expect(seen.endsWith(`bob-${how}`), `bob (by ${how}) got the response made for ${seen} (X-Cache-Status ${b.headers["x-cache-status"] ?? "-"})`);
            }
            const anon1 = http(c, `${fe(lab)}/api/v1/public`, { tls: feTls(lab) });
            const anon2 = http(c, `${fe(lab)}/api/v1/public`, { tls: feTls(lab) });
            expect(anon2.headers["x-cache-status"] === "HIT", `anonymous GET twice: expected the second from the cache, X-Cache-Status ${anon2.headers["x-cache-status"] ?? "-"} (first ${anon1.headers["x-cache-status"] ?? "-"})`);
            return "per-user responses never cached across users; anonymous ones still cached (HIT)";
        },
    },
    {
        name: "ws-nginx",
        description: "WebSocket upgrade and one frame each way through Nginx, with the React client's own code",
        run: async (lab) => {
            const r = reactClientRun(lab, client(lab, "fe-lb"), fe(lab), { NODE_EXTRA_CA_CERTS: feTls(lab).ca });
            expect(r.ok, `React client through Nginx: ${r.detail}`);
            return "frame out, frame back";
        },
    },
    {
        name: "ws-haproxy",
        description: "WebSocket through HAProxy :3001 with the React client's own code",
        run: async (lab) => {
            const h = one(lab, "haproxy");
            const r = await reactClientThroughHaproxy(lab, `http://${h.vm.privateIp}:${/bind\s+:(\d+)[^\n]*\n(?:[^\n]*\n)*?\s*mode\s+(?:tcp|http)/.exec(file(h, "/etc/haproxy/haproxy.cfg").split("frontend ws_frontend")[1] ?? "")?.[1] ?? 3001}`);
            expect(r.ok, `React client through HAProxy: ${r.detail}`);
            return "frame out, frame back";
        },
    },
    {
        name: "haproxy-http",
        description: "HAProxy HTTP: its health URI and /api/ to Fastify",
        run: async (lab) => {
            const h = one(lab, "haproxy");
            const c = client(lab, "net-lb");
            const health = http(c, `http://${h.vm.privateIp}/health`);
            expect(health.status === 200, `GET /health on HAProxy: ${health.status}`);
            const api = await eventually("HAProxy → Fastify", 15, () => {
                const x = http(c, `http://${h.vm.privateIp}/api/v1/status`);
                return x.status === 200 ? x : undefined;
            });
            return `health 200, /api/ ${api.status}`;
        },
    },
    {
        name: "haproxy-https-no-sni",
        description: "HAProxy HTTPS: a client without SNI completes the handshake and reaches the API",
        run: async (lab) => {
            const h = one(lab, "haproxy");
            const c = client(lab, "net-lb");
            const s = c.run(`echo | openssl s_client -connect ${h.vm.privateIp}:443 -noservername 2>&1`, { timeout: 10 });
            expect(/Cipher is|New, TLS/.test(s.stdout) && !/alert|errno/.test(s.stdout.split("\n")[0] ?? ""), `TLS handshake without SNI failed: ${s.stdout.split("\n").filter((l) => /error|alert|unrecognized/i.test(l)).slice(0, 2).join(" | ")}`);
            const api = await eventually("HTTPS → Fastify", 15, () => {
                const x = http(c, `https://${h.vm.privateIp}/api/v1/status`, { insecure: true });
                return x.status === 200 ? x : undefined;
            });
            return `handshake without SNI, /api/ ${api.status}`;
        },
    },
    {
        name: "redis-auth-replication",
        description: "Redis over TLS only, verified against the internal CA; ACL users: NOAUTH without one, a wrong password or user refused, CONFIG refused to the app; a write on the primary reaches the replica over TLS, the replica refuses writes",
        run: async (lab) => {
            const [primary, replica] = ["EU-BE-01/redis-primary", "EU-BE-01/redis-replica"].map((l) => lab.vms.get(l));
            if (!primary || !replica) throw new NotRun("the lab has no Redis primary and replica");
            const from = one(lab, "fastify").machine;
            const users = redisUsers(primary.account);
            const app = { user: "app", password: lab.secrets.valueOf(users.app) };
            const ip = primary.vm.privateIp;
            const clear = from.run(`redis-cli --no-auth-warning -h ${ip} -p 6379 PING`, { timeout: 10 });
            expect(!/PONG|NOAUTH/.test(clear.stdout + clear.stderr), `a clear-text connection got an answer: "${(clear.stdout + clear.stderr).trim()}"`);
            const noAuth = redisCli(from, ip, undefined, "SET lab:k x");
            expect(/NOAUTH|Authentication required/i.test(noAuth), `SET without a user: expected NOAUTH, got "${noAuth}"`);
            const wrong = redisCli(from, ip, { user: "app", password: "not-the-password" }, "PING");
            expect(/WRONGPASS/.test(wrong), `a wrong password: expected WRONGPASS, got "${wrong}"`);
            const otherUser = redisCli(from, ip, { user: "replication", password: app.password }, "PING");
            expect(/WRONGPASS/.test(otherUser), `the app's password as another user: expected WRONGPASS, got "${otherUser}"`);
            const config = redisCli(from, ip, app, "CONFIG GET maxmemory");
            expect(/NOPERM/.test(config), `CONFIG as the app: expected NOPERM, got "${config}"`);
            // A CA other than the deployment's is not trusted: the handshake fails.
            const otherCa = throwawayTestCertificate({ dnsNames: ["other.invalid"] }).caPem;
            from.run("cat > /tmp/lab-other-ca.pem", { input: otherCa });
            const untrusted = redisCli(from, ip, app, "PING", "/tmp/lab-other-ca.pem");
            expect(!/PONG/.test(untrusted), `a server certificate checked against another CA was accepted: "${untrusted}"`);
            const value = `v${Date.now()}`;
            const set = redisCli(from, ip, app, `SET lab:k ${value}`);
            expect(set === "OK", `SET on the primary: "${set}"`);
            await eventually("the replica has the primary's write", 15, () => (redisCli(from, replica.vm.privateIp, app, "GET lab:k") === value ? true : undefined));
            const ro = redisCli(from, replica.vm.privateIp, app, "SET lab:k y");
            expect(/READONLY/.test(ro), `SET on the replica: expected READONLY, got "${ro}"`);
            const info = redisCli(from, ip, app, "INFO replication");
            expect(/NOPERM/.test(info), `INFO as the app: expected NOPERM (INFO is the exporter's), got "${info.slice(0, 80)}"`);
            const link = redisCli(from, replica.vm.privateIp, { user: "exporter", password: lab.secrets.valueOf(users.exporter) }, "INFO replication");
            expect(/master_link_status:up/.test(link), `replica link: ${/master_link_status:\S+/.exec(link)?.[0] ?? link.slice(0, 100)}`);
            return "TLS only (CA verified, another CA refused); NOAUTH, WRONGPASS, NOPERM for CONFIG; replicated over TLS, READONLY replica";
        },
    },
    {
        name: "fe-https-edge",
        description:
            "client → load balancer (stand-in, the plan's listeners) over HTTPS with the edge certificate → re-encrypted to Nginx's backend port, verified against the backend CA: 200 with HSTS; port 80 answers 301 to HTTPS without HSTS; Nginx redirects a plain-HTTP request itself; the lb subnet cannot reach Nginx in clear text, and a backend with another CA's certificate is refused",
        run: async (lab) => {
            const nginx = one(lab, "nginx");
            const lb = lab.plan.accounts.find((a) => a.name === nginx.account.name)!.loadBalancer;
            const tls = lb.listeners.filter((l) => l.tls);
            const redirect = lb.listeners.filter((l) => l.redirectToHttpsPort !== undefined);
            expect(tls.length > 0 && redirect.length > 0, `${lb.resourceName}: the plan has ${tls.length} HTTPS and ${redirect.length} redirecting listeners`);
            const set = lb.backendSets.find((s) => s.name === tls[0].backendSet)!;
            expect(set.backendTls, `${lb.resourceName}: backend set ${set.name} does not re-encrypt (backendTls false)`);
            const c = client(lab, "fe-lb");
            const address = LAB_CLIENTS.eu.find((x) => x.name === "fe-lb")!.ip;
            const ip = nginx.vm.privateIp;
            const backendCa = feTls(lab).ca;
            // Nginx's backend port answers TLS with a certificate of the backend CA for its own IP.
            const handshake = await eventually("a TLS handshake with Nginx's backend port", 15, () => {
                const r = c.run(`openssl s_client -connect ${ip}:${set.port} -CAfile ${backendCa} -verify_ip ${ip} -verify_return_error </dev/null 2>&1`, { timeout: 10 });
                return /Verify return code: 0 \(ok\)/.test(r.stdout) ? r.stdout : undefined;
            });
            const protocol = /Protocol\s*:\s*(TLSv[\d.]+)/.exec(handshake)?.[1] ?? /New, (TLSv[\d.]+)/.exec(handshake)?.[1] ?? "?";
            expect(/Peer signature type: ECDSA|Server public key is 256 bit|ECDSA/.test(handshake), "Nginx did not present an ECDSA certificate");
            // TLS 1.2 as OCI's suite (oci-tls-12-13-wider-ssl-cipher-suite-v1) would offer it: an ECDHE-ECDSA AEAD
            // cipher is agreed; a cipher of that suite without ECDHE (RSA key exchange) is not.
            const tls12 = c.run(`openssl s_client -connect ${ip}:${set.port} -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -CAfile ${backendCa} -verify_return_error </dev/null 2>&1`, { timeout: 10 }).stdout;
            expect(/Cipher\s*(is|:)\s*ECDHE-ECDSA-AES128-GCM-SHA256/.test(tls12) && /Verify return code: 0 \(ok\)/.test(tls12), `TLS 1.2 with ECDHE-ECDSA-AES128-GCM-SHA256: ${tls12.split("\n").filter((l) => /Cipher|error|Verify/.test(l)).join(" | ")}`);
            const rsaKex = c.run(`openssl s_client -connect ${ip}:${set.port} -tls1_2 -cipher AES128-GCM-SHA256 -CAfile ${backendCa} </dev/null 2>&1`, { timeout: 10 }).stdout;
            expect(!/Cipher\s*(is|:)\s*AES128-GCM-SHA256/.test(rsaKex), "Nginx agreed to TLS 1.2 without ECDHE (AES128-GCM-SHA256)");
            // The lb subnet reaches Nginx only on the TLS port: its clear-text port is closed to it (host firewall).
            const httpPort = port(nginx, "nginx", "http");
            const clear = c.run(`timeout 3 bash -c 'exec 3<>/dev/tcp/${ip}/${httpPort}' 2>/dev/null && echo open || echo closed`, { timeout: 10 }).stdout.trim();
            expect(clear === "closed", `Nginx's clear-text port ${httpPort} from the lb subnet: ${clear}`);

            // ECDSA P-256, as OCI's load balancer takes (an Ed25519 one it refuses).
            const cert = edgeTestCertificate({ dnsNames: ["blitzhub.lab"], ipAddresses: [address] });
            c.run("mkdir -p /tmp/lab-edge && cat > /tmp/lab-edge/edge.crt", { input: cert.certPem });
            c.run("umask 077 && cat > /tmp/lab-edge/edge.key", { input: cert.keyPem });
            c.run("cat > /tmp/lab-edge/ca.crt", { input: cert.caPem });
            const config = {
                address,
                backend: { host: ip, port: set.port, ca: backendCa },
                https: tls.map((l) => ({ port: l.port, cert: "/tmp/lab-edge/edge.crt", key: "/tmp/lab-edge/edge.key" })),
                redirect: redirect.map((l) => ({ port: l.port, toPort: l.redirectToHttpsPort })),
            };
            c.run("cat > /tmp/lab-edge/lb.json", { input: JSON.stringify(config) });
            // A backend that is not Nginx: its certificate names its own address but comes from another CA.
            const rogueCert = edgeTestCertificate({ dnsNames: ["rogue.lab"], ipAddresses: [address] });
            c.run("cat > /tmp/lab-edge/rogue.crt", { input: rogueCert.certPem });
            c.run("umask 077 && cat > /tmp/lab-edge/rogue.key", { input: rogueCert.keyPem });
            const roguePort = 9443;
            const rogueLbPort = 9444;
            c.run("cat > /tmp/lab-edge/lb-rogue.json", { input: JSON.stringify({ ...config, backend: { host: address, port: roguePort, ca: backendCa }, https: [{ port: rogueLbPort, cert: "/tmp/lab-edge/edge.crt", key: "/tmp/lab-edge/edge.key" }], redirect: [] }) });
            const rogueScript = `require("node:https").createServer({ cert: require("node:fs").readFileSync("/tmp/lab-edge/rogue.crt"), key: require("node:fs").readFileSync("/tmp/lab-edge/rogue.key") }, (q, s) => s.end("rogue backend\\n")).listen(${roguePort}, ${JSON.stringify(address)})`;
            const standIn = c.spawn(["node", resolve(import.meta.dirname, "standins/lb.mjs"), "/tmp/lab-edge/lb.json"]);
            const rogue = c.spawn(["node", "-e", rogueScript]);
            const rogueLb = c.spawn(["node", resolve(import.meta.dirname, "standins/lb.mjs"), "/tmp/lab-edge/lb-rogue.json"]);
            try {
                const base = `https://${address}${tls[0].port === 443 ? "" : `:${tls[0].port}`}`;
                const ok = await eventually("HTTPS through the load balancer stand-in", 15, () => {
                    const r = c.run(`curl -sS -i -m 5 --cacert /tmp/lab-edge/ca.crt ${base}/health`, { timeout: 10 });
                    return r.code === 0 ? r.stdout : undefined;
                });
                expect(/^HTTP\/1\.1 200/.test(ok), `GET ${base}/health: ${ok.split("\r\n")[0]}`);
                expect(/^strict-transport-security: max-age=31536000; includeSubDomains/im.test(ok), "no HSTS header over HTTPS");
                const api = http(c, `${base}/api/v1/status`, { tls: { ca: "/tmp/lab-edge/ca.crt" } });
                expect(api.status === 200, `GET ${base}/api/v1/status through the re-encrypted hop: ${api.status} ${api.body.slice(0, 120)}`);
                const unverified = c.run(`curl -sS -m 5 ${base}/health`, { timeout: 10 });
                expect(unverified.code !== 0, "curl accepted the edge certificate without its CA");
                const plain = http(c, `http://${address}:${redirect[0].port}/api/v1/status?x=1`);
                expect(plain.status === 301, `GET on port ${redirect[0].port}: expected 301, got ${plain.status}`);
                expect(plain.headers.location === `https://${address}/api/v1/status?x=1`, `redirect to "${plain.headers.location}"`);
                expect(!("strict-transport-security" in plain.headers), "HSTS sent over plain HTTP");
                const direct = http(c, `${fe(lab)}/api/v1/status`, { headers: { "X-Forwarded-Proto": "http" }, tls: feTls(lab) });
                expect(direct.status === 301 && !("strict-transport-security" in direct.headers), `Nginx on a plain-HTTP request: ${direct.status}, HSTS ${"strict-transport-security" in direct.headers}`);
                // The same load balancer in front of a backend with another CA's certificate: refused, never proxied.
                const refused = await eventually("the stand-in in front of the other-CA backend", 15, () => {
                    const r = c.run(`curl -sS -i -m 5 --cacert /tmp/lab-edge/ca.crt https://${address}:${rogueLbPort}/health`, { timeout: 10 });
                    return r.code === 0 ? r.stdout : undefined;
                });
                expect(/^HTTP\/1\.1 502/.test(refused) && !/rogue backend/.test(refused), `a backend with another CA's certificate: ${refused.split("\r\n")[0]} ${refused.slice(-160).trim()}`);
                const rogueDirect = c.run(`curl -sS -m 5 -k https://${address}:${roguePort}/`, { timeout: 10 }).stdout;
                expect(/rogue backend/.test(rogueDirect), `the other-CA backend itself did not answer (so the refusal proves nothing): ${rogueDirect}`);
                const reason = /lb stand-in: backend [^:]+:\d+: (\S+)/.exec(refused)?.[1] ?? "refused";
                return `HTTPS ${tls.map((l) => l.port).join(",")} → re-encrypted (${protocol}; TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 too, no RSA key exchange; backend CA verified, Nginx's ECDSA leaf for ${ip}) → Nginx ${set.port}: 200 with HSTS, /api 200; ${redirect.map((l) => l.port).join(",")} → 301 ${plain.headers.location}, no HSTS over HTTP; Nginx ${httpPort} closed to the lb subnet; a backend with another CA's certificate: 502 (${reason})`;
            } finally {
                standIn.kill("SIGTERM");
                rogueLb.kill("SIGTERM");
                rogue.kill("SIGTERM");
            }
        },
    },
    {
        name: "amqp-tls",
        description: "RabbitMQ: AMQP only over TLS 1.3 with the internal CA's certificate (5672 closed); the app's user has no tags and authenticates",
        run: async (lab) => {
            const broker = one(lab, "rabbitmq");
            const amqp = broker.vm.services.find((s) => s.service === "rabbitmq")!.ports.find((p) => p.name === "amqp")!;
            const from = one(lab, "fastify").machine;
            const ip = broker.vm.privateIp;
            const handshake = await eventually("a TLS handshake with RabbitMQ", 60, () => {
                const r = from.run(`openssl s_client -connect ${ip}:${amqp.port} -tls1_3 -CAfile ${INTERNAL_CA} -verify_ip ${ip} -verify_return_error </dev/null`, { timeout: 10 });
                return /Verify return code: 0 \(ok\)/.test(r.stdout) ? r.stdout : undefined;
            });
            expect(/TLSv1\.3/.test(handshake), "not TLS 1.3");
            const listening = broker.machine.run("ss -ltnH", { timeout: 10 }).stdout;
            expect(!/:5672\s/.test(listening), `something listens on 5672 on the broker: ${listening.split("\n").filter((l) => /:5672\s/.test(l)).join("; ")}`);
            const clear = from.run(`timeout 3 bash -c 'exec 3<>/dev/tcp/${ip}/5672' 2>/dev/null && echo open || echo closed`, { timeout: 10 }).stdout.trim();
            expect(clear === "closed", `clear-text AMQP 5672 from the API VM: ${clear}`);
            const users = broker.machine.run("rabbitmqctl -q list_users", { timeout: 60 }).stdout;
            const app = users.split("\n").find((l) => l.startsWith(`${RABBITMQ_APP_USER}\t`));
            expect(app !== undefined && /\[\]/.test(app), `${RABBITMQ_APP_USER}: ${app ?? "missing"} (users: ${users.replace(/\n/g, "; ")})`);
            expect(!/administrator/.test(users.split("\n").filter((l) => !l.startsWith("guest")).join("\n")), `an administrator besides the loopback-only guest: ${users.replace(/\n/g, "; ")}`);
            const auth = broker.machine.run(`rabbitmqctl -q authenticate_user ${RABBITMQ_APP_USER} "$P"`, { env: { P: lab.secrets.valueOf("secret/rabbitmq/app_password") }, timeout: 60 });
            expect(auth.code === 0, `the app's user does not authenticate: ${(auth.stdout + auth.stderr).trim()}`);
            // The Erlang distribution (what rabbitmqctl above used too) is TLS 1.3 with the node's leaf,
            // and refuses a peer that presents no certificate.
            const dist = broker.vm.services.find((s) => s.service === "rabbitmq")!.ports.find((p) => p.name === "dist")!;
            const distTls = /\{certfile, "([^"]+)"\}[\s\S]*?\{keyfile, "([^"]+)"\}/.exec(file(broker, "/etc/rabbitmq/inter_node_tls.config"));
            expect(distTls, "no certfile/keyfile in inter_node_tls.config");
            const peer = broker.machine.run(`openssl s_client -connect ${ip}:${dist.port} -tls1_3 -CAfile ${INTERNAL_CA} -verify_ip ${ip} -verify_return_error -cert ${distTls![1]} -key ${distTls![2]} </dev/null`, { timeout: 10 });
            expect(/Verify return code: 0 \(ok\)/.test(peer.stdout) && /TLSv1\.3/.test(peer.stdout), `the distribution port ${dist.port} with the node's certificate: ${peer.stdout.split("\n").find((l) => /Verify return|error/i.test(l)) ?? peer.stderr.trim()}`);
            const anonymous = broker.machine.run(`printf 'x' | openssl s_client -connect ${ip}:${dist.port} -tls1_3 -CAfile ${INTERNAL_CA} -ign_eof 2>&1`, { timeout: 10 });
            expect(/alert certificate required/i.test(anonymous.stdout), `the distribution port ${dist.port} accepted a peer without a certificate: ${anonymous.stdout.slice(-300)}`);
            return `TLS 1.3 on ${amqp.port} (CA verified), 5672 closed, ${RABBITMQ_APP_USER} without tags authenticates; Erlang distribution on ${dist.port} over mutual TLS 1.3 (no certificate: refused)`;
        },
    },
    {
        name: "rate-limit-429",
        description: "a burst on /api/ is answered 429",
        run: async (lab) => {
            const c = client(lab, "fe-lb");
            // 80 requests at once from one client address (one curl, parallel transfers): the zone allows
            // its rate plus the burst, and answers the rest 429.
            const config = Array.from({ length: 80 }, (_, i) => `url = "${fe(lab)}/api/v1/burst?n=${i}"\noutput = "/dev/null"\n`).join("");
            const r = c.run(`curl -s -Z --parallel-max 80 -m 8 --cacert ${feTls(lab).ca} -w '%{http_code}\\n' -H 'X-Forwarded-For: 192.0.2.77' -H 'Authorization: Bearer burst' -K -`, { input: config, timeout: 30 });
            const codes = r.stdout.trim().split("\n");
            const n429 = codes.filter((x) => x === "429").length;
            const n200 = codes.filter((x) => x === "200").length;
            expect(n429 > 0 && n200 > 0, `80 requests in a burst: ${n200} × 200, ${n429} × 429 (others: ${codes.filter((x) => x !== "200" && x !== "429").join(",") || "none"})`);
            return `${n200} × 200, ${n429} × 429`;
        },
    },
    {
        name: "modsecurity-block-audit",
        description: "ModSecurity blocks an SQL injection (403) and writes it to its audit log",
        run: async (lab) => {
            const nginx = one(lab, "nginx");
            if (!nginx.services.includes("modsecurity")) throw new NotRun("ModSecurity is not placed with Nginx");
            const marker = `lab${Date.now()}`;
            const r = http(client(lab, "fe-lb"), `${fe(lab)}/api/v1/items?id=1%27%20OR%20%271%27=%271&m=${marker}`, { tls: feTls(lab) });
            expect(r.status === 403, `SQL injection: expected 403, got ${r.status}`);
            const log = /SecAuditLog\s+(\S+)/.exec(file(nginx, "/etc/modsecurity/modsecurity.conf"))?.[1];
            expect(log, "modsecurity.conf names no SecAuditLog");
            const found = await eventually(`the audit log ${log} records the request`, 5, () => (nginx.machine.run(`grep -c ${marker} ${log}`).stdout.trim() !== "0" && nginx.machine.run(`grep -q ${marker} ${log}`).code === 0 ? true : undefined));
            return `403, recorded in ${log}${found ? "" : ""}`;
        },
    },
    {
        name: "prometheus-targets",
        description: "Prometheus runs; every target of a service the lab runs is up and serves metrics",
        run: async (lab) => {
            const prom = one(lab, "prometheus");
            const listen = /--web\.listen-address=(\S+?)"?(\s|$)/.exec(file(prom, "/etc/default/prometheus"))?.[1];
            expect(listen, "no --web.listen-address in /etc/default/prometheus");
            const labIps = new Map([...lab.vms.values()].map((v) => [v.vm.privateIp, v]));
            const notRunServices = new Set(lab.notRun.map((n) => n.what.split(" on ")[0]));
            type Target = { labels: { job: string; service?: string; instance: string }; health: string; lastError: string; scrapeUrl: string };
            const inLab = (t: Target) => labIps.has(t.labels.instance.split(":")[0]);
            // Prometheus' API takes only clients with a certificate of the internal CA (web.yml): the flow
            // uses Prometheus' own leaf, and checks that a client without one is refused.
            const web = file(prom, "/etc/prometheus/web.yml");
            const tlsFile = (key: string) => new RegExp(`${key}:\\s*"?([^"\\n]+)"?`).exec(web)?.[1] ?? "";
            const tls = { ca: tlsFile("client_ca_file"), cert: tlsFile("cert_file"), key: tlsFile("key_file") };
            expect(/client_auth_type:\s*RequireAndVerifyClientCert/.test(web) && tls.ca && tls.cert && tls.key, "web.yml does not require client certificates of the internal CA");
            const anonymous = prom.machine.run(`curl -sS -m 5 -o /dev/null -w '%{http_code}' --cacert ${tls.ca} https://${listen}/api/v1/targets`);
            expect(anonymous.code !== 0, `Prometheus answered a client without a certificate (HTTP ${anonymous.stdout})`);
            const plain = prom.machine.run(`curl -sS -m 5 -o /dev/null -w '%{http_code}' http://${listen}/api/v1/targets`);
            expect(plain.code !== 0 || !/^2/.test(plain.stdout), `Prometheus answered clear-text HTTP ${plain.stdout}`);
            const read = () => (JSON.parse(http(prom.machine, `https://${listen}/api/v1/targets?state=active`, { tls }).body) as { data: { activeTargets: Target[] } }).data.activeTargets.filter(inLab);
            const runs = (t: Target) => !notRunServices.has(t.labels.service ?? t.labels.job);
            const describe = (t: Target) => `${t.labels.job}@${t.labels.instance} (${labIps.get(t.labels.instance.split(":")[0])!.label}): ${t.lastError || t.health}`;
            // Slow starters (RabbitMQ boots in tens of seconds) get until the deadline; a target still down then fails.
            const until = Date.now() + 75_000;
            let targets = read();
            while (Date.now() < until && (targets.length === 0 || targets.filter(runs).some((t) => t.health !== "up"))) {
                await new Promise((r) => setTimeout(r, 2000));
                targets = read();
            }
            expect(targets.length > 0, "Prometheus scrapes no target on a lab VM");
            const skipped = targets.filter((t) => !runs(t)).map((t) => `${t.labels.job}@${t.labels.instance}`);
            const down = targets.filter(runs).filter((t) => t.health !== "up").map(describe);
            expect(down.length === 0, `targets down: ${down.join("; ")}`);
            return `${targets.length - skipped.length} lab targets up; the API over mutual TLS only (no client certificate: refused)${skipped.length ? `; not run: ${skipped.join(", ")}` : ""}`;
        },
    },
    {
        name: "alertmanager-delivers",
        description: "Alertmanager takes a firing alert from Prometheus' leaf over mutual TLS (refusing a client without one) and delivers it to its receiver (the lab's sink)",
        run: async (lab) => {
            const am = one(lab, "alertmanager");
            const sinkLog = "/tmp/lab-sink.jsonl";
            am.machine.run(
                `cat > /tmp/lab-sink.mjs <<'EOF'\nimport { createServer } from "node:http"; import { appendFileSync } from "node:fs";\ncreateServer((req, res) => { let b = ""; req.on("data", (d) => (b += d)); req.on("end", () => { appendFileSync(${JSON.stringify(sinkLog)}, JSON.stringify({ url: req.url, body: b }) + "\\n"); res.end("ok"); }); }).listen(${(lab.constructor as typeof import("./lab").Lab).SINK.port}, "127.0.0.1");\nEOF\n(node /tmp/lab-sink.mjs >/dev/null 2>&1 &) ; sleep 0.5`,
            );
            const prom = one(lab, "prometheus");
            const amUrl = /targets:\s*\n\s*-\s*"([^"]+)"/.exec(file(prom, "/etc/prometheus/prometheus.yml"))?.[1];
            expect(amUrl, "prometheus.yml names no Alertmanager");
            // Prometheus' alerting client as rendered: https, its own leaf, the internal CA.
            const alerting = /alertmanagers:[\s\S]*?static_configs:/.exec(file(prom, "/etc/prometheus/prometheus.yml"))?.[0] ?? "";
            const tlsFile = (key: string) => new RegExp(`${key}:\\s*"?([^"\\n]+)"?`).exec(alerting)?.[1] ?? "";
            const tls = { ca: tlsFile("ca_file"), cert: tlsFile("cert_file"), key: tlsFile("key_file") };
            expect(/scheme:\s*https/.test(alerting) && tls.ca && tls.cert && tls.key, "prometheus.yml does not send alerts over https with a client certificate");
            const curl = `curl -sS -m 5 -o /dev/null -w '%{http_code}' --capath /tmp/lab-no-capath --cacert ${tls.ca}`;
            prom.machine.run("mkdir -p /tmp/lab-no-capath");
            const alert = JSON.stringify([{ labels: { alertname: "LabFlowAlert", severity: "critical", service: "lab", account: am.account.name, vm: am.vm.name }, annotations: { summary: "lab flow alert" } }]);
            const anonymous = prom.machine.run(`${curl} -H 'Content-Type: application/json' -d @- https://${amUrl}/api/v2/alerts`, { input: alert });
            expect(anonymous.code !== 0, `Alertmanager took an alert from a client without a certificate (HTTP ${anonymous.stdout})`);
            const plain = prom.machine.run(`curl -sS -m 5 -o /dev/null -w '%{http_code}' http://${amUrl}/api/v2/silences`);
            expect(plain.code !== 0 || !/^2/.test(plain.stdout), `Alertmanager answered clear-text HTTP ${plain.stdout}`);
            const post = prom.machine.run(`${curl} --cert ${tls.cert} --key ${tls.key} -H 'Content-Type: application/json' -d @- https://${amUrl}/api/v2/alerts`, { input: alert });
            expect(post.stdout.trim() === "200", `POST /api/v2/alerts from Prometheus' VM with its leaf: ${post.stdout.trim()} ${post.stderr.trim()}`);
            const got = await eventually("the sink receives the alert", 40, () => {
                const r = am.machine.run(`cat ${sinkLog} 2>/dev/null`);
                return r.stdout.includes("LabFlowAlert") ? r.stdout : undefined;
            });
            return `over mutual TLS with Prometheus' leaf (no certificate, clear text: refused); delivered to ${JSON.parse(got.trim().split("\n")[0]).url}`;
        },
    },
    {
        name: "backup-to-s3",
        description: "a backup timer's job writes its copy to the S3 API as its VM's own user, with object puts only",
        run: async (lab) => {
            const { vm, name } = backupSource(lab);
            const r = vm.machine.run(`systemctl start ${name}`, { timeout: 60 });
            expect(r.code === 0, `systemctl start ${name}: exit ${r.code}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ")}`);
            const s3 = one(lab, "minio");
            const env = file(s3, "/etc/default/minio");
            const volumes = /MINIO_VOLUMES="?([^"\n]+)"?/.exec(env)?.[1];
            const listed = s3.machine.run(`find ${volumes} -type f -path '*${vm.vm.resourceName}*' -name '*._S3rver_object' | head -5`);
            expect(listed.stdout.trim() !== "", `no object under ${volumes} for ${vm.vm.resourceName} after ${name}`);
            const user = /ACCESS_KEY_ID=(\S+)/.exec(file(vm, "/etc/blitzhub/backup.env"))?.[1];
            expect(user === `backup-${vm.vm.resourceName}`, `${vm.label} writes as ${user}, not its own user`);
            const requests = s3Requests(lab).filter((q) => q.key === user);
            expect(requests.length > 0, `the S3 stand-in logged no request from ${user}`);
            // rclone asks once whether the destination is a file (HEAD, refused: the key cannot read); every request let through is a put.
            const served = requests.filter((q) => q.status < 300);
            const puts = served.filter((q) => q.action === "s3:PutObject");
            expect(puts.length > 0 && puts.length === served.length, `${user} was served requests other than puts: ${JSON.stringify(served.filter((q) => q.action !== "s3:PutObject").slice(0, 3))}`);
            // Over TLS only: the rendered endpoint is https://, MinIO's leaf verifies against the internal
            // CA the VM trusts, a clear-text request gets no HTTP answer, and another CA's trust is refused.
            const endpoint = /RCLONE_CONFIG_BLITZHUB_ENDPOINT=(\S+)/.exec(file(vm, "/etc/blitzhub/backup.env"))?.[1] ?? "";
            const caCert = /RCLONE_CA_CERT=(\S+)/.exec(file(vm, "/etc/blitzhub/backup.env"))?.[1] ?? "";
            expect(endpoint.startsWith("https://") && caCert !== "", `${vm.label}'s backup endpoint is ${endpoint} (CA ${caCert || "none"}), not https:// with the internal CA`);
            // An empty --capath: Debian's curl also reads /etc/ssl/certs (where the internal CA is) besides --cacert.
            const verified = vm.machine.run(`mkdir -p /tmp/lab-no-capath && curl -sS -m 5 -o /dev/null -w '%{http_code}' --capath /tmp/lab-no-capath --cacert ${caCert} ${endpoint}/`);
            expect(verified.code === 0 && /^[1-5]\d\d$/.test(verified.stdout), `curl ${endpoint} verifying against ${caCert}: exit ${verified.code} ${verified.stderr.trim()}`);
            const plain = vm.machine.run(`curl -sS -m 5 -o /dev/null -w '%{http_code}' ${endpoint.replace("https://", "http://")}/`);
            expect(plain.code !== 0 || plain.stdout === "000" || plain.stdout === "400", `a clear-text request to ${endpoint} was answered ${plain.stdout}`);
            vm.machine.run("cat > /tmp/lab-other-ca.pem", { input: throwawayTestCertificate({ dnsNames: ["other.invalid"] }).caPem });
            const otherCa = vm.machine.run(`curl -sS -m 5 -o /dev/null -w '%{http_code}' --capath /tmp/lab-no-capath --cacert /tmp/lab-other-ca.pem ${endpoint}/`);
            expect(otherCa.code !== 0, `${endpoint} verified against another CA (curl exit ${otherCa.code}, HTTP ${otherCa.stdout}, ${otherCa.stderr.trim()})`);
            return `${name} → ${listed.stdout.trim().split("\n").length}+ objects over ${endpoint} (verified against ${caCert}; clear text and another CA refused); ${user}: ${puts.length} puts served, ${requests.length - served.length} other requests refused`;
        },
    },
    {
        name: "backup-cannot-be-erased-from-host",
        description: "a backup source's own key can neither delete, overwrite-read nor list backups, its own or another host's",
        run: async (lab) => {
            const { vm } = backupSource(lab);
            const s3 = one(lab, "minio");
            const volumes = /MINIO_VOLUMES="?([^"\n]+)"?/.exec(file(s3, "/etc/default/minio"))?.[1];
            const object = s3.machine.run(`cd ${volumes} && find . -type f -path '*${vm.vm.resourceName}*' -name '*._S3rver_object' | head -1`).stdout.trim().replace(/^\.\//, "");
            if (!object) throw new NotRun(`no backup of ${vm.label} in the store yet (backup-to-s3 runs first)`);
            // s3rver keeps an object's bytes in `<bucket>/<key>._S3rver_object`, beside its metadata.
            const key = object.replace(/\._S3rver_object$/, "");
            const [bucket, ...rest] = key.split("/");
            const remote = `blitzhub:${bucket}/${rest.join("/")}`;
            const attempts = [
                { what: "delete one of its own backups", command: `rclone deletefile ${remote}` },
                { what: "read one of its own backups", command: `rclone cat ${remote}` },
                { what: "list the bucket", command: `rclone lsf blitzhub:${bucket}` },
                { what: "purge its own prefix", command: `rclone purge blitzhub:${bucket}/${rest[0]}/${vm.vm.resourceName}` },
            ];
            const denied: string[] = [];
            for (const a of attempts) {
                const r = vm.machine.run(`set -a; . /etc/blitzhub/backup.env; set +a; ${a.command} --retries 1 --low-level-retries 1`, { timeout: 60 });
                expect(r.code !== 0, `${vm.label}'s backup key could ${a.what} (${a.command} exited 0)`);
                denied.push(a.what);
            }
            const still = s3.machine.run(`test -e ${volumes}/${object} && echo present`);
            expect(still.stdout.trim() === "present", `${object} is gone after the attempts`);
            const refused = s3Requests(lab).filter((q) => q.status === 403).length;
            return `refused: ${denied.join(", ")}; ${refused} requests denied (403), the object is still there`;
        },
    },
    {
        name: "restore-from-s3",
        description: "blitzhub-restore brings the latest backup back with the read-only key on stdin, identical to the source",
        run: async (lab) => {
            const { vm, unit } = backupSource(lab);
            const target = /ExecStart=\S+ (\S+) \d+ (\S+)/.exec(unit.content);
            expect(target, `no target and path in ${unit.path}`);
            const [, prefix, source] = target!;
            const key = lab.secrets.valueOf("secret/minio/backup_reader_key");
            const destination = "/var/tmp/lab-restore";
            vm.machine.run(`rm -rf ${destination}`);
            const noKey = vm.machine.run(`/usr/local/sbin/blitzhub-restore ${prefix} latest ${destination}`, { input: "" });
            expect(noKey.code === 2, `blitzhub-restore without a key on stdin: exit ${noKey.code}, expected 2`);
            const list = vm.machine.run(`/usr/local/sbin/blitzhub-restore ${prefix} list ${destination}`, { input: `${key}\n`, timeout: 60 });
            expect(list.code === 0 && list.stdout.trim() !== "", `blitzhub-restore list: exit ${list.code}: ${(list.stderr || list.stdout).trim()}`);
            const r = vm.machine.run(`/usr/local/sbin/blitzhub-restore ${prefix} latest ${destination}`, { input: `${key}\n`, timeout: 60 });
            expect(r.code === 0, `blitzhub-restore: exit ${r.code}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ")}`);
            const base = source.split("/").pop()!;
            const sums = (dir: string) => vm.machine.run(`cd ${dir} && find . -type f | LC_ALL=C sort | xargs -r sha256sum`).stdout;
            const original = sums(source);
            const restored = sums(`${destination}/${base}`);
            expect(original.trim() !== "", `${source} has no regular file to compare`);
            expect(restored === original, `the restored ${base} differs from ${source}:\n${restored.slice(0, 400)}\nvs\n${original.slice(0, 400)}`);
            const readerRequests = s3Requests(lab).filter((q) => q.key === "backup-reader");
            expect(readerRequests.every((q) => q.action !== "s3:PutObject" && q.action !== "s3:DeleteObject"), "the restore wrote or deleted in the store");
            return `${prefix} ${list.stdout.trim().split("\n").pop()}: ${original.trim().split("\n").length} files restored identical to ${source} (${readerRequests.length} read requests as backup-reader)`;
        },
    },
    {
        name: "real-client-ip",
        description: "the real client IP reaches the backend once (Nginx) and WebSocket clients through HAProxy keep theirs",
        run: async (lab) => {
            const userIp = "198.51.100.23";
            const r = http(client(lab, "fe-lb"), `${fe(lab)}/api/v1/whoami`, { headers: { "X-Forwarded-For": userIp, Authorization: "Bearer whoami" }, tls: feTls(lab) });
            const body = JSON.parse(r.body) as { xForwardedFor: string | null; xRealIp: string | null };
            expect(body.xForwardedFor === userIp, `through Nginx the backend got X-Forwarded-For "${body.xForwardedFor}", expected "${userIp}"`);
            expect(body.xRealIp === userIp, `through Nginx the backend got X-Real-IP "${body.xRealIp}"`);
            const netLb = LAB_CLIENTS[lab.options.stack].find((x) => x.name === "net-lb")!.ip;
            const ws = await reactClientThroughHaproxy(lab, `http://${one(lab, "haproxy").vm.privateIp}:3001`);
            expect(ws.ok, `WebSocket through HAProxy: ${ws.detail}`);
            const seen = (JSON.parse(ws.detail) as { client: { xForwardedFor: string | null; peer: string } }).client;
            expect(seen.xForwardedFor === netLb || seen.peer === netLb, `through HAProxy the WebSocket server saw ${seen.xForwardedFor ?? "no X-Forwarded-For"} from ${seen.peer}, not the client ${netLb}`);
            return `Nginx → "${body.xForwardedFor}", HAProxy WebSocket → ${seen.xForwardedFor}`;
        },
    },
];

/** The FE VM's Nginx backup job (or the first backup job of the Nginx VM). */
function backupSource(lab: Lab): { vm: LabVm; unit: LabVm["files"][number]; name: string } {
    const vm = one(lab, "nginx");
    const unit = vm.files.find((f) => /blitzhub-backup-nginx.*\.service$/.test(f.path)) ?? vm.files.find((f) => /blitzhub-backup-.*\.service$/.test(f.path));
    if (!unit) throw new NotRun(`${vm.label} has no backup timer`);
    return { vm, unit, name: unit.path.split("/").pop()! };
}

/** The S3 stand-in's request log on MinIO's VM. */
function s3Requests(lab: Lab): { key: string; method: string; action: string; path: string; status: number }[] {
    const s3 = one(lab, "minio");
    const log = s3.machine.run(`cat ${(lab.constructor as typeof import("./lab").Lab).S3_REQUEST_LOG} 2>/dev/null`).stdout;
    return log.split("\n").filter(Boolean).map((line) => JSON.parse(line) as { key: string; method: string; action: string; path: string; status: number });
}

export async function runFlows(lab: Lab, only: string[] | undefined, print: (line: string) => void): Promise<FlowResult[]> {
    const results: FlowResult[] = [];
    for (const flow of FLOWS.filter((f) => !only || only.includes(f.name))) {
        const t0 = Date.now();
        let result: FlowResult;
        try {
            const detail = await flow.run(lab);
            result = { name: flow.name, status: "passed", detail, seconds: (Date.now() - t0) / 1000 };
        } catch (error) {
            const status: FlowStatus = error instanceof NotRun ? "not run" : "failed";
            result = { name: flow.name, status, detail: error instanceof Error ? error.message : String(error), seconds: (Date.now() - t0) / 1000 };
        }
        results.push(result);
        print(`${result.status === "passed" ? "PASS" : result.status === "failed" ? "FAIL" : "NOT RUN"} ${result.name} (${result.seconds.toFixed(1)} s): ${result.detail}`);
    }
    return results;
}

export function summarize(lab: Lab, results: FlowResult[]): { failed: number; text: string } {
    const lines: string[] = [];
    const services = new Map<string, string>();
    for (const n of lab.notRun) services.set(n.what.split(" on ")[0], n.reason);
    for (const [s, reason] of services) lines.push(`not run: ${s}: ${reason}`);
    for (const d of lab.failedDeliveries) lines.push(`delivery failed: ${d.service} on ${d.vm}: ${d.output.split("\n").filter(Boolean).pop()}`);
    const passed = results.filter((r) => r.status === "passed").length;
    const failed = results.filter((r) => r.status === "failed").length + lab.failedDeliveries.length;
    const notRun = results.filter((r) => r.status === "not run").length;
    lines.push(`lab: ${passed} passed, ${failed} failed${notRun ? `, ${notRun} not run` : ""}`);
    return { failed, text: `${lines.join("\n")}\n` };
}
