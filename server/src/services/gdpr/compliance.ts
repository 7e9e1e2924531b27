import type { Tx } from "../../db/client";
import type { ShopContext } from "../shop/shop";

/** The GDPR topics; their pipelines live with the GDPR services and are plugged in by the app. */
export interface ComplianceHandlers {
  customerRedact(tx: Tx, shop: ShopContext, payload: unknown, now: Date): Promise<void>;
  customerDataRequest(tx: Tx, shop: ShopContext, payload: unknown, now: Date): Promise<void>;
  shopRedact(tx: Tx, shop: ShopContext, payload: unknown, now: Date): Promise<void>;
}
