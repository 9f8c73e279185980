/** Monthly list-price cost of going beyond an allowance, from the allowances file's prices. */
import { monthlyUnitPrice, type FreeTierAllowances, type PriceKey } from "../../model/allowances";

/** Monthly cost of `excess` units billed at `key`. */
export function monthlyCost(allowances: FreeTierAllowances, key: PriceKey, excess: number): number {
    const { unitPrice, unitsPerMonth } = monthlyUnitPrice(allowances, key);
    return excess * unitPrice * unitsPerMonth;
}

/** `USD 14.60/month`. */
export function formatMonthly(allowances: FreeTierAllowances, amount: number): string {
    return `${allowances.currency} ${(Math.round(amount * 100 + 1e-6) / 100).toFixed(2)}/month`;
}

/** `allowances v3 of 2026-07-15`: which data the message was computed from. */
export function allowancesRef(allowances: FreeTierAllowances): string {
    return `allowances v${allowances.version} of ${allowances.asOf}`;
}
