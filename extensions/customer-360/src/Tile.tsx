import { reactExtension, Tile, useApi } from "@shopify/ui-extensions-react/point-of-sale";
import { channelConsentRows } from "./consent-capture";
import { tileFace } from "./customer-summary";
import { ExtensionRoot, useConnected, usePendingOutbox, useProfile, useSubscribable, useVisitLogging } from "./hooks";

function CustomerTile() {
  const api = useApi<"pos.home.tile.render">();
  const cart = useSubscribable(api.cart.subscribable);
  const connected = useConnected(api.connectivity.subscribable);
  const customerId = cart.customer ? String(cart.customer.id) : null;
  useVisitLogging({ customerId, lineCount: cart.lineItems.length }, connected);
  const { state, offlineLabel } = useProfile(customerId, connected);
  const pending = usePendingOutbox();

  const face = !customerId
    ? tileFace({ kind: "no_customer" })
    : state.status === "live" || state.status === "cached"
      ? tileFace({ kind: "profile", view: state.view, consentRows: channelConsentRows(state.view, pending, customerId), offlineLabel })
      : state.status === "loading"
        ? tileFace({ kind: "loading" })
        : tileFace({ kind: "unavailable", message: state.message });

  // Always enabled: with no customer the modal is where the clerk looks one up.
  return <Tile title={face.title} subtitle={face.subtitle} badgeValue={face.badgeValue} enabled onPress={() => api.action.presentModal()} />;
}

export default reactExtension("pos.home.tile.render", (api) => (
  <ExtensionRoot api={api}>
    <CustomerTile />
  </ExtensionRoot>
));
