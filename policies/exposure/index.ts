/** Network exposure: admin ports, public ingress, private subnets and VMs, private egress, address plan. */
import type { BlitzPolicy } from "../lib/policy";
import { adminPorts } from "./adminPorts";
import { privateEgress } from "./privateEgress";
import { privateInstances } from "./privateInstances";
import { privateSubnets } from "./privateSubnets";
import { publicIngress } from "./publicIngress";
import { vcnAddressSpace } from "./vcnAddressSpace";
import { vcnOverlap } from "./vcnOverlap";

export const exposurePolicies: BlitzPolicy[] = [adminPorts, publicIngress, privateSubnets, privateInstances, privateEgress, vcnAddressSpace, vcnOverlap];
