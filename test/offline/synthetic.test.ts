import * as fs from "node:fs";
import * as path from "node:path";
import { Address4 } from "ip-address";
import { describe, expect, it } from "vitest";
import { synthesizeTopology } from "../../bench/synthetic";
import { parseTopology } from "../../model/load";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import { PROJECT_DIR } from "../../stacks/config";
import { loadOciLimits } from "../../model/ociLimits";

const REAL = fs.readFileSync(path.join(PROJECT_DIR, "topology", "blitzhub.yaml"), "utf8");

describe("synthetic bench topologies", () => {
    for (const factor of [4, 10]) {
        it(`×${factor}: a valid topology with ${factor}× the accounts, same roles and regions, non-overlapping VCNs`, () => {
            const real = parseTopology(REAL, "blitzhub.yaml");
            const synthetic = parseTopology(synthesizeTopology(REAL, { factor }), `x${factor}.yaml`);
            expect(synthetic.accounts).toHaveLength(real.accounts.length * factor);
            expect(new Set(synthetic.accounts.map((a) => a.name)).size).toBe(synthetic.accounts.length);
            for (const account of real.accounts) {
                const prefix = account.name.replace(/-\d{2}$/, "-");
                const copies = synthetic.accounts.filter((a) => a.name.startsWith(prefix));
                expect(copies, account.name).toHaveLength(factor);
                for (const copy of copies) expect([copy.role, copy.region]).toEqual([account.role, account.region]);
            }
            expect(synthetic.addressSpace).toBe("10.0.0.0/12");
            const plan = buildPlan(synthetic, loadAllowances(), loadOciLimits());
            const vcns = plan.accounts.map((a) => new Address4(a.vcnCidr));
            for (let i = 0; i < vcns.length; i++) {
                expect(vcns[i].isInSubnet(new Address4("10.0.0.0/12"))).toBe(true);
                for (let j = i + 1; j < vcns.length; j++) expect(vcns[i].isInSubnet(vcns[j]) || vcns[j].isInSubnet(vcns[i])).toBe(false);
            }
        });
    }

    it("rejects a factor that is not a positive integer", () => {
        expect(() => synthesizeTopology(REAL, { factor: 0 })).toThrow(/positive integer/);
    });
});
