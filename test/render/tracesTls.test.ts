/**
 * Traces over mutual TLS (issue 14, gap 2): Fastify's OTLP exporter → the OpenTelemetry
 * Collector's receivers → Jaeger's OTLP receiver, every hop with leaves of the internal CA.
 * Neither the collector nor Jaeger can run here (release binaries only; no Debian or npm build):
 * the rendered values are asserted, and each hop's rendered server side configures a Node HTTP/2
 * TLS server with the same semantics (OTLP/gRPC is HTTP/2 over TLS; a client CA file means
 * "require and verify a client certificate" in both the collector and Jaeger), which the rendered
 * client side must reach, and a client without a certificate or with another CA's must not.
 */
import { connect, createSecureServer, type Http2SecureServer } from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { throwawayTestCertificate } from "../../render/internalPki";
import { substituteSecrets } from "../../render/secrets";
import type { RenderedFile } from "../../render/types";
import { fileContent, realPlan, serviceFilesOf } from "./fixtures";
import { fakeSecrets } from "./sandbox";

const { files } = realPlan();
const of = serviceFilesOf(files);
const content = fileContent;
const collector = of("EU-MON-01", "otel-collector", "otel-collector");
const jaeger = of("EU-MON-01", "observability", "jaeger");
const fastifyVms = files.filter((f) => f.service === "fastify" && f.path === "/app/config/fastify.js").map((f) => of(f.account, f.vm, "fastify"));

type TlsServer = { cert_file: string; key_file: string; client_ca_file: string; min_version: string };
const collectorConfig = parse(content(collector, "/etc/otelcol-contrib/config.yaml")) as {
    receivers: { otlp: { protocols: Record<"grpc" | "http", { endpoint: string; tls: TlsServer }> } };
    exporters: Record<string, { endpoint: string; tls: Record<string, string | boolean> }>;
};
const jaegerConfig = parse(content(jaeger, "/etc/jaeger/config.yaml")) as Record<string, string | boolean>;

/** Fastify's rendered OTLP settings (`module.exports.otel` of its config). */
function fastifyOtel(list: RenderedFile[]): { endpoint: string; protocol?: string; tls?: { caFile: string; certFile: string; keyFile: string } } {
    const module = { exports: {} as { otel: ReturnType<typeof fastifyOtel> } };
    new Function("module", "exports", content(list, "/app/config/fastify.js"))(module, module.exports);
    return module.exports.otel;
}

describe("traces: the rendered TLS settings", () => {
    it("the collector's OTLP receivers (gRPC and HTTP) require a client certificate of the internal CA", () => {
        const tls: TlsServer = {
            cert_file: "/etc/otelcol-contrib/tls/otel-collector.crt",
            key_file: "/etc/otelcol-contrib/tls/otel-collector.key",
            client_ca_file: "/etc/otelcol-contrib/tls/ca.crt",
            min_version: "1.2",
        };
        expect(collectorConfig.receivers.otlp.protocols).toEqual({ grpc: { endpoint: "10.0.5.20:4317", tls }, http: { endpoint: "10.0.5.20:4318", tls } });
        const byPath = new Map(collector.map((f) => [f.path, f]));
        expect(byPath.get(tls.cert_file)!.content.trim()).toBe("@@secret:secret/pki/leaf/eu_mon_01/otel_collector/otel_collector/cert@@");
        const key = byPath.get(tls.key_file)!;
        expect([key.mode, key.owner, key.group]).toEqual(["0640", "otel", "otel"]);
        for (const f of collector) expect(f.validate).toBe("otelcol-contrib validate --config=/etc/otelcol-contrib/config.yaml");
    });

    it("the collector exports to Jaeger over TLS with its own leaf, never insecure", () => {
        expect(collectorConfig.exporters["otlp/jaeger"]).toEqual({
            endpoint: "10.0.5.18:4317",
            tls: { ca_file: "/etc/otelcol-contrib/tls/ca.crt", cert_file: "/etc/otelcol-contrib/tls/otel-collector.crt", key_file: "/etc/otelcol-contrib/tls/otel-collector.key" },
        });
        expect(content(collector, "/etc/otelcol-contrib/config.yaml")).not.toMatch(/insecure/);
    });

    it("Jaeger's OTLP receivers (gRPC, and the HTTP one it opens anyway) require a client certificate of the internal CA", () => {
        for (const protocol of ["grpc", "http"]) {
            expect(jaegerConfig[`collector.otlp.${protocol}.tls.enabled`]).toBe(true);
            expect(jaegerConfig[`collector.otlp.${protocol}.tls.cert`]).toBe("/etc/jaeger/tls/jaeger.crt");
            expect(jaegerConfig[`collector.otlp.${protocol}.tls.key`]).toBe("/etc/jaeger/tls/jaeger.key");
            expect(jaegerConfig[`collector.otlp.${protocol}.tls.client-ca`]).toBe("/etc/jaeger/tls/ca.crt");
        }
        expect(jaegerConfig["collector.otlp.grpc.host-port"]).toBe("10.0.5.18:4317");
        expect(jaegerConfig["collector.otlp.http.host-port"]).toBe("10.0.5.18:4318");
        expect(content(jaeger, "/etc/jaeger/tls/jaeger.key").trim()).toBe("@@secret:secret/pki/leaf/eu_mon_01/observability/jaeger/key@@");
    });

    it("every Fastify exports over https with the CA and its own leaf", () => {
        expect(fastifyVms.length).toBe(2);
        const leaves = new Set<string>();
        for (const list of fastifyVms) {
            const otel = fastifyOtel(list);
            expect(otel.endpoint).toBe("https://10.0.5.20:4317");
            expect(otel.protocol).toBe("grpc");
            expect(otel.tls).toEqual({ caFile: "/app/config/tls/ca.crt", certFile: "/app/config/tls/fastify.crt", keyFile: "/app/config/tls/fastify.key" });
            const key = list.find((f) => f.path === "/app/config/tls/fastify.key")!;
            expect([key.mode, key.owner, key.group]).toEqual(["0640", "app", "app"]);
            leaves.add(content(list, "/app/config/tls/fastify.crt"));
        }
        // One leaf per VM: one Fastify's key is never another's.
        expect(leaves.size).toBe(2);
    });
});

describe("traces: each hop's rendered client reaches its rendered server, and nothing else does", () => {
    const all = [...collector, ...jaeger, ...fastifyVms[0]];
    const secrets = fakeSecrets(all);
    const read = (path: string) => substituteSecrets(content(all, path), secrets);
    const servers: Http2SecureServer[] = [];
    const ports: Record<string, number> = {};

    /** An HTTP/2 TLS server configured like a rendered receiver: its certificate, and a required, verified client certificate. */
    async function receiver(name: string, tls: { cert: string; key: string; clientCa: string }): Promise<void> {
        const server = createSecureServer({ cert: read(tls.cert), key: read(tls.key), ca: read(tls.clientCa), requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.2" }, (req, res) => {
            res.writeHead(200, { "content-type": "application/grpc" }).end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        servers.push(server);
        ports[name] = (server.address() as { port: number }).port;
    }

    /** One OTLP-like POST over HTTP/2 with these client TLS files; the status, or why it was refused. */
    function post(port: number, tls: { ca: string; cert?: string; key?: string }): Promise<string> {
        return new Promise((resolve) => {
            const session = connect(`https://127.0.0.1:${port}`, { ca: tls.ca, ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}) });
            session.on("error", (e) => resolve(`refused: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
            // Under TLS 1.3 the server refuses the client's certificate after the client's side of the
            // handshake is done: the session then closes without an answer (the first outcome wins).
            session.on("close", () => resolve("refused: closed without an answer"));
            session.setTimeout(5000, () => {
                resolve("refused: no answer in 5 s");
                session.destroy();
            });
            const req = session.request({ ":method": "POST", ":path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export", "content-type": "application/grpc" });
            req.on("response", (h) => {
                resolve(String(h[":status"]));
                session.close();
            });
            req.on("error", (e) => resolve(`refused: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
            req.end();
        });
    }

    beforeAll(async () => {
        const grpc = collectorConfig.receivers.otlp.protocols.grpc.tls;
        await receiver("collector", { cert: grpc.cert_file, key: grpc.key_file, clientCa: grpc.client_ca_file });
        await receiver("jaeger", { cert: String(jaegerConfig["collector.otlp.grpc.tls.cert"]), key: String(jaegerConfig["collector.otlp.grpc.tls.key"]), clientCa: String(jaegerConfig["collector.otlp.grpc.tls.client-ca"]) });
    });
    afterAll(() => {
        for (const s of servers) s.close();
    });

    it("Fastify → collector: accepted with Fastify's rendered credentials", async () => {
        const tls = fastifyOtel(fastifyVms[0]).tls!;
        expect(await post(ports.collector, { ca: read(tls.caFile), cert: read(tls.certFile), key: read(tls.keyFile) })).toBe("200");
    });

    it("collector → Jaeger: accepted with the exporter's rendered credentials", async () => {
        const tls = collectorConfig.exporters["otlp/jaeger"].tls as Record<string, string>;
        expect(await post(ports.jaeger, { ca: read(tls.ca_file), cert: read(tls.cert_file), key: read(tls.key_file) })).toBe("200");
    });

    it("refuses a client without a certificate, and one with another CA's, at both hops", async () => {
        const other = throwawayTestCertificate({ dnsNames: ["intruder.invalid"], ipAddresses: ["127.0.0.1"] });
        const ca = read(collectorConfig.receivers.otlp.protocols.grpc.tls.client_ca_file);
        for (const port of [ports.collector, ports.jaeger]) {
            expect(await post(port, { ca })).toBe("refused: ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED");
            expect(await post(port, { ca, cert: other.certPem, key: other.keyPem })).toMatch(/^refused: (?!no answer)/);
        }
    });

    it("a client that trusts another CA does not accept the collector's certificate", async () => {
        const other = throwawayTestCertificate({ dnsNames: ["intruder.invalid"], ipAddresses: ["127.0.0.1"] });
        const tls = fastifyOtel(fastifyVms[0]).tls!;
        expect(await post(ports.collector, { ca: other.caPem, cert: read(tls.certFile), key: read(tls.keyFile) })).toMatch(/^refused/);
    });
});
