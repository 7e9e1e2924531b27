import { channelConsentRows } from "./consent-capture";
import { tileFace } from "./customer-summary";
import { mount, useConnected, usePendingOutbox, useProfile, useSignal, useVisitLogging } from "./runtime";
import type { CartPosApi } from "./services";

interface TileApi extends CartPosApi {
  action: { presentModal(): void };
}

function CustomerTile({ api }: { api: TileApi }) {
  const cart = useSignal(api.cart.current);
  const connected = useConnected(api);
  const customerId = cart.customer ? String(cart.customer.id) : null;
  useVisitLogging({ customerId, lineCount: cart.lineItems.length }, connected);
  const { state, offlineLabel } = useProfile(customerId, connected);
  const pending = usePendingOutbox();

  const face = !customerId
    ? tileFace({ kind: "no_customer" })
    : state.status === "live" || state.status === "cached"
      ? tileFace({
          kind: "profile",
          view: state.view,
          consentRows: channelConsentRows(state.view, pending, customerId),
          offlineLabel,
        })
      : state.status === "loading"
        ? tileFace({ kind: "loading" })
        : tileFace({ kind: "unavailable", message: state.message });

  // Always enabled: with no customer the modal is where the clerk looks one up.
  return (
    <s-tile
      heading={face.title}
      subheading={face.subtitle}
      itemCount={face.badgeValue}
      onClick={() => api.action.presentModal()}
    />
  );
}

export default mount(CustomerTile);
