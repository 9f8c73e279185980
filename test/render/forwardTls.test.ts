/**
 * Fluentd's forward protocol (24224) over mutual TLS (issue 14, gap 2): every in_forward requires
 * a client certificate of the internal CA; the forwarders and Fastify send with their own leaves.
 * Fluentd cannot run here (not in Debian 12 or npm; the VMs do not bootstrap it yet): the rendered
 * values are asserted, and the aggregator's rendered `<transport tls>` configures a Node TLS
 * server with the same semantics (`client_cert_auth true` = require and verify a client
 * certificate against `ca_path`), which the forwarders' and Fastify's rendered settings must reach.
 */
import { connect, createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { throwawayTestCertificate } from "../../render/internalPki";
import { substituteSecrets } from "../../render/secrets";
import type { RenderedFile } from "../../render/types";
import { fileContent, realPlan, serviceFilesOf } from "./fixtures";
import { fakeSecrets } from "./sandbox";

const { files } = realPlan();
const of = serviceFilesOf(files);
const content = fileContent;
const CONF = "/etc/fluentd/fluent.conf";
const aggregator = of("EU-LOG-01", "loki", "fluentd");
const forwarders = ["fluentd-1", "fluentd-2"].map((vm) => of("EU-LOG-01", vm, "fluentd"));
const fastify = of("EU-BE-01", "api", "fastify");

/** `key value` lines of the first `<transport tls>` section, or of the `@type forward` output. */
function settings(text: string, section: RegExp): Record<string, string> {
    const body = section.exec(text)?.[1] ?? "";
    return Object.fromEntries(body.split("\n").map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 2 && !p[0].startsWith("#") && !p[0].startsWith("<")));
}
const inForward = (list: RenderedFile[]) => settings(content(list, CONF), /<transport tls>\n([\s\S]*?)<\/transport>/);
const outForward = (list: RenderedFile[]) => settings(content(list, CONF), /<match \*\*>\n  @type forward\n([\s\S]*?)<buffer>/);
function fastifyFluentd(): { host: string; port: number; tls?: { caFile: string; certFile: string; keyFile: string } } {
    const module = { exports: {} as { fluentd: ReturnType<typeof fastifyFluentd> } };
    new Function("module", "exports", content(fastify, "/app/config/fastify.js"))(module, module.exports);
    return module.exports.fluentd;
}

describe("Fluentd forward: the rendered TLS settings", () => {
    it("every in_forward (the aggregator and both forwarders) requires a client certificate of the internal CA", () => {
        for (const list of [aggregator, ...forwarders]) {
            expect(inForward(list)).toEqual({
                cert_path: "/etc/fluentd/tls/fluentd.crt",
                private_key_path: "/etc/fluentd/tls/fluentd.key",
                ca_path: "/etc/fluentd/tls/ca.crt",
                client_cert_auth: "true",
                min_version: "TLSv1_2",
                max_version: "TLSv1_3",
            });
            const key = list.find((f) => f.path === "/etc/fluentd/tls/fluentd.key")!;
            expect([key.mode, key.owner, key.group]).toEqual(["0640", "fluentd", "fluentd"]);
        }
        // Each instance its own leaf.
        expect(new Set([aggregator, ...forwarders].map((l) => content(l, "/etc/fluentd/tls/fluentd.crt"))).size).toBe(3);
    });

    it("the forwarders send to the aggregator over TLS, verifying its address, with their own leaf", () => {
        for (const list of forwarders) {
            expect(outForward(list)).toMatchObject({
                transport: "tls",
                tls_cert_path: "/etc/fluentd/tls/ca.crt",
                tls_client_cert_path: "/etc/fluentd/tls/fluentd.crt",
                tls_client_private_key_path: "/etc/fluentd/tls/fluentd.key",
                tls_verify_hostname: "true",
            });
            expect(content(list, CONF)).toMatch(/<server>\n\s+name \S+\n\s+host 10\.0\.8\.18\n\s+port 24224\n/);
        }
    });

    it("Fastify sends to the aggregator with the CA and its own leaf", () => {
        expect(fastifyFluentd()).toEqual({ host: "10.0.8.18", port: 24224, tagPrefix: "fastify", tls: { caFile: "/app/config/tls/ca.crt", certFile: "/app/config/tls/fastify.crt", keyFile: "/app/config/tls/fastify.key" } });
    });
});

describe("Fluentd forward: the rendered senders reach the rendered in_forward, and nothing else does", () => {
    const all = [...aggregator, ...forwarders.flat(), ...fastify];
    const secrets = fakeSecrets(all);
    const read = (path: string, list = all) => substituteSecrets(content(list, path), secrets);
    let server: Server;
    let port = 0;
    const received: string[] = [];

    beforeAll(async () => {
        const tls = inForward(aggregator);
        server = createServer({ cert: read(tls.cert_path, aggregator), key: read(tls.private_key_path, aggregator), ca: read(tls.ca_path, aggregator), requestCert: tls.client_cert_auth === "true", rejectUnauthorized: tls.client_cert_auth === "true", minVersion: "TLSv1.2" }, (socket) => {
            socket.on("data", (d) => {
                received.push(`${socket.getPeerCertificate().subject?.CN}: ${d}`);
                socket.end("ok");
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        port = (server.address() as { port: number }).port;
    });
    afterAll(() => server?.close());

    /** Sends one line with these TLS files; the server's answer, or why the connection was refused. */
    function send(tls: { ca: string; cert?: string; key?: string }, line: string): Promise<string> {
        return new Promise((resolve) => {
            const socket = connect({ host: "127.0.0.1", port, ca: tls.ca, ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}) }, () => socket.write(line));
            let answer = "";
            socket.on("data", (d) => (answer += d));
            socket.on("error", (e) => resolve(`refused: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
            socket.on("close", () => resolve(answer || "refused: closed without an answer"));
            socket.setTimeout(5000, () => socket.destroy(new Error("no answer in 5 s")));
        });
    }

    it("accepts each forwarder's out_forward settings and Fastify's", async () => {
        for (const list of forwarders) {
            const out = outForward(list);
            expect(await send({ ca: read(out.tls_cert_path, list), cert: read(out.tls_client_cert_path, list), key: read(out.tls_client_private_key_path, list) }, "forwarder")).toBe("ok");
        }
        const f = fastifyFluentd().tls!;
        expect(await send({ ca: read(f.caFile, fastify), cert: read(f.certFile, fastify), key: read(f.keyFile, fastify) }, "fastify")).toBe("ok");
        expect(received.length).toBe(3);
    });

    it("refuses a sender without a certificate, or with another CA's", async () => {
        const before = received.length;
        const ca = read("/etc/fluentd/tls/ca.crt", aggregator);
        expect(await send({ ca }, "anonymous")).toBe("refused: ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED");
        const other = throwawayTestCertificate({ dnsNames: ["intruder.invalid"], ipAddresses: ["127.0.0.1"] });
        // Refused in the handshake (an "unknown CA" alert, which the client may see only as the close).
        expect(await send({ ca, cert: other.certPem, key: other.keyPem }, "intruder")).toMatch(/^refused: /);
        expect(received.length).toBe(before);
    });
});
