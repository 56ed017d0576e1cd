// The providers' local stand-ins the twin starts (issue 14): one entry per provider, each started on a
// free loopback port with our webhook intake for it, answering the credentials the functions should use
// (written to the twin's PROVIDER_CREDENTIALS_FILE). The sandbox is started by the twin itself.
import { adyenTwinStandIn } from './adyen/twin-entry.js';
import { paypalTwinStandIn } from './paypal/twin-entry.js';
import { stripeTwinStandIn } from './stripe/twin-entry.js';
import type { TwinStandIn } from './twin-stand-in.js';

export const STAND_INS: readonly TwinStandIn[] = [stripeTwinStandIn, paypalTwinStandIn, adyenTwinStandIn];
