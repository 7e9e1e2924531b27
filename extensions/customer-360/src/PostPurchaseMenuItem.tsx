import { mount, orderCustomerId } from "./runtime";
import type { PosApi } from "./services";

interface MenuItemApi extends PosApi {
  action: { presentModal(): void };
  order: { customerId?: number };
}

/** After a sale: the entry to ask the customer for marketing consent. Disabled for a sale without a customer. */
function AskForConsentMenuItem({ api }: { api: MenuItemApi }) {
  return (
    <s-button disabled={orderCustomerId(api.order) == null} onClick={() => api.action.presentModal()}>
      Ask for marketing consent
    </s-button>
  );
}

export default mount(AskForConsentMenuItem);
