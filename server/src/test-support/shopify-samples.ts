/**
 * Webhook bodies as Shopify's documentation shows them (the "sample payload" of each topic, API 2025-07),
 * trimmed to the fields we read plus a few we do not. Kept as raw text: their IDs are above 2^53, and
 * `JSON.stringify` of a JavaScript object would already have lost the digits we test for.
 */
export const SAMPLE_CUSTOMER_ID = "706405506930370084";
export const sampleCustomerCreate = `{
  "id": 706405506930370084,
  "email": "bob@biller.com",
  "created_at": "2021-12-31T19:00:00-05:00",
  "updated_at": "2021-12-31T19:00:00-05:00",
  "first_name": "Bob",
  "last_name": "Biller",
  "orders_count": 0,
  "state": "disabled",
  "total_spent": "0.00",
  "last_order_id": null,
  "note": "This customer loves ice cream",
  "verified_email": true,
  "tax_exempt": false,
  "tags": "",
  "currency": "USD",
  "phone": null,
  "addresses": [],
  "email_marketing_consent": null,
  "sms_marketing_consent": null,
  "admin_graphql_api_id": "gid://shopify/Customer/706405506930370084",
  "default_address": {
    "id": 12321,
    "customer_id": 706405506930370084,
    "first_name": "Bob",
    "last_name": "Biller",
    "address1": "151 O'Connor Street",
    "city": "Ottawa",
    "province": "ON",
    "country": "CA",
    "zip": "K2P 2L8",
    "phone": "555-555-5555",
    "country_code": null,
    "default": false
  }
}`;

export const SAMPLE_ORDER_ID = "820982911946154508";
export const SAMPLE_ORDER_CUSTOMER_ID = "115310627314723954";
export const sampleOrderCreate = `{
  "id": 820982911946154508,
  "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
  "email": "jon@example.com",
  "phone": null,
  "created_at": "2021-12-31T19:00:00-05:00",
  "updated_at": "2021-12-31T19:00:00-05:00",
  "cancelled_at": "2021-12-31T19:00:00-05:00",
  "currency": "USD",
  "total_price": "403.00",
  "source_name": "web",
  "location_id": null,
  "name": "#9999",
  "customer": {
    "id": 115310627314723954,
    "email": "john@example.com",
    "first_name": "John",
    "last_name": "Smith",
    "phone": null,
    "created_at": null,
    "updated_at": null,
    "admin_graphql_api_id": "gid://shopify/Customer/115310627314723954"
  },
  "line_items": [
    {
      "id": 866550311766439020,
      "product_id": 632910392,
      "variant_id": 808950810,
      "title": "IPod Nano - 8GB",
      "quantity": 1,
      "price": "199.00"
    },
    {
      "id": 141249953214522974,
      "product_id": 632910392,
      "variant_id": 808950810,
      "title": "IPod Nano - 8GB",
      "quantity": 1,
      "price": "199.00"
    }
  ]
}`;
