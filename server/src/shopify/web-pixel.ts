import type { JobHandler } from "../jobs/queue";
import { type ShopifyAdmin, ShopifyCallFailed } from "./admin";
import { WEB_PIXEL, WEB_PIXEL_CREATE, WEB_PIXEL_UPDATE } from "./queries";

interface PixelError {
  field: string[] | null;
  message: string;
  code: string | null;
}
interface PixelPayload {
  webPixel: { id: string; settings: string } | null;
  userErrors: PixelError[];
}

const describe = (errors: PixelError[]) =>
  errors.map((e) => `${(e.field ?? []).join(".") || "webPixel"}: ${e.message}`).join("; ");

/**
 * The settings the pixel extension declares in its shopify.extension.toml: where it sends its batches.
 * Shopify validates them against that definition, so a mismatch fails the job with Shopify's words.
 */
export const webPixelSettings = (serverUrl: string) => JSON.stringify({ serverUrl });

/**
 * `shopify.webPixel`: turns the storefront pixel on for a newly connected shop (webPixelCreate). A shop
 * that had it before (a reinstall, or a moved server) answers TAKEN; the pixel is then pointed at this
 * server with webPixelUpdate. Running it twice changes nothing, so a retry is safe.
 */
export function webPixelJobHandler(admin: ShopifyAdmin, serverUrl: string): JobHandler {
  return async (tx, job) => {
    const webPixel = { settings: webPixelSettings(serverUrl) };
    const created = await admin.graphql<{ webPixelCreate: PixelPayload }>(
      job.shop_id,
      WEB_PIXEL_CREATE,
      { webPixel },
      tx,
    );
    const errors = created.data.webPixelCreate.userErrors;
    if (errors.length === 0) return;
    if (!errors.every((e) => e.code === "TAKEN"))
      throw new ShopifyCallFailed(`webPixelCreate refused: ${describe(errors)}`);
    const existing = await admin.graphql<{ webPixel: { id: string; settings: string } | null }>(
      job.shop_id,
      WEB_PIXEL,
      {},
      tx,
    );
    const pixel = existing.data.webPixel;
    if (!pixel) throw new ShopifyCallFailed("webPixelCreate answered TAKEN, but Shopify shows no web pixel");
    // Shopify's JSON scalar may come back as a string or as an object.
    const current = typeof pixel.settings === "string" ? pixel.settings : JSON.stringify(pixel.settings);
    if (current === webPixel.settings) return;
    const updated = await admin.graphql<{ webPixelUpdate: PixelPayload }>(
      job.shop_id,
      WEB_PIXEL_UPDATE,
      { id: pixel.id, webPixel },
      tx,
    );
    const refused = updated.data.webPixelUpdate.userErrors;
    if (refused.length > 0) throw new ShopifyCallFailed(`webPixelUpdate refused: ${describe(refused)}`);
  };
}
