/**
 * Internal APIs (issue 14, gap 6, the part done here): Prometheus without its lifecycle API,
 * Grafana with secure cookies and its own secret key, MinIO's metrics behind a bearer token.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MINIO_METRICS_TOKEN_SECRET, MINIO_METRICS_USER, minioMetricsToken } from "../../render/backupCredentials";
import { realPlan } from "./fixtures";

const { files } = realPlan();

describe("internal APIs", () => {
    it("Prometheus runs without --web.enable-lifecycle (no /-/reload or /-/quit for whoever reaches the port) and reloads by SIGHUP", () => {
        const defaults = files.filter((f) => f.service === "prometheus" && f.path === "/etc/default/prometheus");
        expect(defaults.length).toBeGreaterThan(0);
        for (const f of defaults) {
            expect(f.content).toMatch(/^ARGS="--config\.file=/m);
            expect(f.content).not.toMatch(/^ARGS=.*--web\.enable-lifecycle/m);
            expect(f.reload ?? "").not.toMatch(/\/-\/reload/);
        }
    });

    it("Grafana sends its session cookie only over HTTPS or to localhost, same-site strict, signed with its own secret key", () => {
        const ini = files.find((f) => f.path === "/etc/grafana/grafana.ini")!;
        const security = ini.content.slice(ini.content.indexOf("[security]"), ini.content.indexOf("\n[", ini.content.indexOf("[security]") + 1));
        expect(security).toMatch(/^cookie_secure = true$/m);
        expect(security).toMatch(/^cookie_samesite = strict$/m);
        expect(security).toMatch(/^secret_key = @@secret:secret\/grafana_secret_key@@$/m);
        expect(security).toMatch(/^admin_password = @@secret:secret\/grafana_admin_password@@$/m);
        expect(ini.secretRefs).toEqual(["secret/grafana_admin_password", "secret/grafana_secret_key"]);
        expect(ini.mode).toBe("0640");
    });

    it("MinIO serves metrics only with a token; Prometheus' MinIO job sends the one signed by the metrics user, who may do nothing else", () => {
        const env = files.find((f) => f.path === "/etc/default/minio")!.content;
        expect(env).toMatch(/^MINIO_PROMETHEUS_AUTH_TYPE=jwt$/m);
        const prom = files.find((f) => f.path === "/etc/prometheus/prometheus.yml")!.content;
        const minioJob = prom.slice(prom.indexOf('  - job_name: "minio"'), prom.indexOf("  - job_name:", prom.indexOf('  - job_name: "minio"') + 1));
        expect(minioJob).toContain('    authorization:\n      type: Bearer\n      credentials_file: "/etc/prometheus/minio-metrics.token"\n');
        // One token file per job that needs one: MinIO's, and Vault's (test/render/innerTls.test.ts).
        expect(prom.match(/credentials_file: .*/g)?.sort()).toEqual(['credentials_file: "/etc/prometheus/minio-metrics.token"', 'credentials_file: "/etc/prometheus/vault-metrics.token"']);
        const token = files.find((f) => f.path === "/etc/prometheus/minio-metrics.token")!;
        expect(token.secretRefs).toEqual([MINIO_METRICS_TOKEN_SECRET]);
        expect([token.mode, token.group]).toEqual(["0640", "prometheus"]);
        const provision = files.find((f) => f.path.endsWith("/minio-provision.sh"))!.content;
        const policy = new RegExp(`cat > "\\$cfg/${MINIO_METRICS_USER}\\.json" <<'BLITZHUB_POLICY'\n(.*)\n`).exec(provision)?.[1];
        expect(JSON.parse(policy!)).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["admin:Prometheus"] }] });
    });

    it("the metrics token is an HS512 JWT of the metrics user that its key verifies (what mc admin prometheus generate makes)", () => {
        const token = minioMetricsToken("the-users-secret-key");
        const [header, payload, signature] = token.split(".");
        expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "HS512", typ: "JWT" });
        const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { exp: number; sub: string; iss: string };
        expect(claims).toEqual({ exp: 4102444800, sub: MINIO_METRICS_USER, iss: "prometheus" });
        expect(signature).toBe(createHmac("sha512", "the-users-secret-key").update(`${header}.${payload}`).digest("base64url"));
        expect(minioMetricsToken("another-key")).not.toBe(token);
    });
});
