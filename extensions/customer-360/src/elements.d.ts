// The Polaris web components (`<s-tile>`, `<s-page>`, ...) as Preact JSX elements, per target.
/// <reference types="@shopify/ui-extensions/pos.home.tile.render" />
/// <reference types="@shopify/ui-extensions/pos.home.modal.render" />
/// <reference types="@shopify/ui-extensions/pos.customer-details.block.render" />
/// <reference types="@shopify/ui-extensions/pos.purchase.post.action.menu-item.render" />
/// <reference types="@shopify/ui-extensions/pos.purchase.post.action.render" />
