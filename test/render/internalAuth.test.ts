/**
 * Internal APIs (issue 14, gap 6, the part done here): Prometheus without its lifecycle API,
 * Grafana with secure cookies and its own secret key.
 */
import { describe, expect, it } from "vitest";
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
});
