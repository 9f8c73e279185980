/**
 * Where a VM's block volumes appear: OCI's consistent device paths, fixed when the volume is
 * attached (components) and used when it is mounted (cloud-init), so both name the same disk.
 */

/** `/dev/oracleoci/oraclevdb` for the VM's first block volume, `...vdc` for the second (vda is the boot volume). */
export function volumeDevice(index: number): string {
    if (index < 0 || index > 24) throw new Error(`block volume index ${index} out of range`);
    return `/dev/oracleoci/oraclevd${String.fromCharCode("b".charCodeAt(0) + index)}`;
}
