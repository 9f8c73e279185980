import { describe, expect, it } from "vitest";
import { addressAt, contains, containsAddress, hostCidr, isNetworkCidr, log2Ceil, networkOfCidr, overlaps, parseNetwork, prefixSize, sliceOf } from "../../model/cidr";

describe("cidr helpers (over ip-address)", () => {
    it("parses networks and refuses host bits or garbage", () => {
        expect(parseNetwork("10.0.1.0/24")).toMatchObject({ cidr: "10.0.1.0/24", prefix: 24, size: 256n });
        expect(() => parseNetwork("10.0.1.5/24")).toThrowError('"10.0.1.5/24" has host bits set; the network is 10.0.1.0/24');
        expect(() => parseNetwork("10.0.1/24")).toThrowError(/not a valid IPv4 CIDR/);
        expect(() => parseNetwork("10.0.300.0/24")).toThrowError(/not a valid IPv4 CIDR/);
        expect(networkOfCidr("10.0.1.5/24")).toMatchObject({ cidr: "10.0.1.0/24", prefix: 24 });
        expect([networkOfCidr("10.0.1.5"), networkOfCidr(42), networkOfCidr("x/8")]).toEqual([undefined, undefined, undefined]);
        expect(isNetworkCidr("10.0.0.0/16")).toBe(true);
        expect(isNetworkCidr("10.0.0.1/16")).toBe(false);
    });

    it("cuts equal slices and finds addresses inside them", () => {
        const block = parseNetwork("10.0.1.0/24");
        expect([0, 1, 7].map((i) => sliceOf(block, 27, i).cidr)).toEqual(["10.0.1.0/27", "10.0.1.32/27", "10.0.1.224/27"]);
        expect(() => sliceOf(block, 27, 8)).toThrowError(/no slice 8/);
        expect(() => sliceOf(block, 23, 0)).toThrowError(/cannot cut/);
        expect(addressAt(sliceOf(block, 27, 1), 2)).toBe("10.0.1.34");
        expect(() => addressAt(sliceOf(block, 27, 1), 32)).toThrowError(/outside/);
        expect(prefixSize(30)).toBe(4n);
        expect(prefixSize(16)).toBe(65536n);
    });

    it("tells containment and overlap apart", () => {
        const a = parseNetwork("10.0.1.0/24");
        expect(contains(a, parseNetwork("10.0.1.128/25"))).toBe(true);
        expect(contains(a, parseNetwork("10.0.0.0/23"))).toBe(false);
        expect(overlaps(a, parseNetwork("10.0.0.0/23"))).toBe(true);
        expect(overlaps(a, parseNetwork("10.0.2.0/24"))).toBe(false);
        expect(containsAddress(a, "10.0.1.255")).toBe(true);
        expect(containsAddress(a, "10.0.2.0")).toBe(false);
        expect(hostCidr("10.0.2.18")).toBe("10.0.2.18/32");
        expect([1, 2, 3, 4, 5, 8, 9].map(log2Ceil)).toEqual([0, 1, 2, 2, 3, 3, 4]);
    });
});
