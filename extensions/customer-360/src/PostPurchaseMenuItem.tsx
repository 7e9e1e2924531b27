import { Button, reactExtension, useApi } from "@shopify/ui-extensions-react/point-of-sale";

/** After a sale: the entry to ask the customer for marketing consent. Disabled for a sale without a customer. */
function AskForConsentMenuItem() {
  const api = useApi<"pos.purchase.post.action.menu-item.render">();
  return <Button title="Ask for marketing consent" isDisabled={api.order.customerId == null} onPress={() => api.action.presentModal()} />;
}

export default reactExtension("pos.purchase.post.action.menu-item.render", () => <AskForConsentMenuItem />);
