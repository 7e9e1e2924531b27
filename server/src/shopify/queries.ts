/** The Admin GraphQL documents the app sends (API version in config.ts). Scopes: see shopify.app.toml. */

const CUSTOMER_FIELDS = `id legacyResourceId firstName lastName email phone createdAt updatedAt tags
  defaultAddress { address1 address2 city zip countryCodeV2 }
  emailMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt }
  smsMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt }`;

const ORDER_FIELDS = `id legacyResourceId email phone createdAt updatedAt cancelledAt sourceName
  retailLocation { id }
  currentTotalPriceSet { shopMoney { amount currencyCode } }
  customer { id }`;

const LINE_ITEM_FIELDS = `id title quantity product { id } originalUnitPriceSet { shopMoney { amount currencyCode } }`;

/** A customer the register asks about, with their recent orders (read_customers, read_orders). */
export const CUSTOMER_WITH_ORDERS = `query CustomerForRegister($id: ID!, $orders: Int!) {
  customer(id: $id) {
    ${CUSTOMER_FIELDS}
    orders(first: $orders, sortKey: CREATED_AT, reverse: true) {
      nodes { ${ORDER_FIELDS} lineItems(first: 50) { nodes { ${LINE_ITEM_FIELDS} } } }
    }
  }
}`;

export const FIND_CUSTOMER = `query FindCustomer($query: String!) {
  customers(first: 1, query: $query) { nodes { id legacyResourceId } }
}`;

export const CUSTOMER_CREATE = `mutation CreateCustomer($input: CustomerInput!) {
  customerCreate(input: $input) { customer { id legacyResourceId } userErrors { field message } }
}`;

export const EMAIL_CONSENT_UPDATE = `mutation EmailConsent($input: CustomerEmailMarketingConsentUpdateInput!) {
  customerEmailMarketingConsentUpdate(input: $input) { customer { id } userErrors { field message } }
}`;

export const SMS_CONSENT_UPDATE = `mutation SmsConsent($input: CustomerSmsMarketingConsentUpdateInput!) {
  customerSmsMarketingConsentUpdate(input: $input) { customer { id } userErrors { field message } }
}`;

/** Bulk queries: one top-level connection each (Shopify's rule); nested line items become child lines. */
export const BULK_CUSTOMERS = `{ customers { edges { node { ${CUSTOMER_FIELDS} } } } }`;
export const BULK_ORDERS =
  `{ orders { edges { node { ${ORDER_FIELDS} ` + `lineItems { edges { node { ${LINE_ITEM_FIELDS} } } } } } } }`;

export const BULK_RUN = `mutation RunBulk($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message } }
}`;

export const BULK_STATUS = `query BulkStatus($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url partialDataUrl } }
}`;

/** Loyalty on the customer as app-owned metafields (`$app:loyalty`), at most 25 metafields per call. */
export const METAFIELDS_SET = `mutation LoyaltyMetafields($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { key } userErrors { field message } }
}`;

/** Two Shopify customers become one in Shopify (write_customers); the echoed customers/merge webhook merges ours. */
export const CUSTOMER_MERGE = `mutation MergeCustomers($customerOneId: ID!, $customerTwoId: ID!) {
  customerMerge(customerOneId: $customerOneId, customerTwoId: $customerTwoId) {
    resultingCustomerId
    job { id done }
    userErrors { field message code }
  }
}`;

/** The storefront pixel turned on for the shop with our server's URL; a second create answers TAKEN. */
export const WEB_PIXEL_CREATE = `mutation CreateWebPixel($webPixel: WebPixelInput!) {
  webPixelCreate(webPixel: $webPixel) {
    webPixel { id settings }
    userErrors { field message code }
  }
}`;

export const WEB_PIXEL = `query AppWebPixel { webPixel { id settings } }`;

export const WEB_PIXEL_UPDATE = `mutation UpdateWebPixel($id: ID!, $webPixel: WebPixelInput!) {
  webPixelUpdate(id: $id, webPixel: $webPixel) {
    webPixel { id settings }
    userErrors { field message code }
  }
}`;
