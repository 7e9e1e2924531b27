/** Shopify-shaped webhook payloads for tests. */
export function orderPayload(o: {
  id: number;
  customerId?: number | null;
  email?: string | null;
  phone?: string | null;
  total?: string;
  source?: string;
  createdAt?: string;
  updatedAt?: string;
  cancelledAt?: string | null;
  lines?: { id: number; productId: number; title: string; price: string; variantId?: number }[];
}) {
  const createdAt = o.createdAt ?? "2026-11-20T10:00:00Z";
  return {
    id: o.id,
    email: o.email ?? null,
    phone: o.phone ?? null,
    total_price: o.total ?? "100.00",
    currency: "USD",
    source_name: o.source ?? "web",
    location_id: o.source === "pos" ? 7001 : null,
    created_at: createdAt,
    updated_at: o.updatedAt ?? createdAt,
    cancelled_at: o.cancelledAt ?? null,
    customer: o.customerId
      ? { id: o.customerId, email: o.email ?? null, phone: o.phone ?? null, first_name: "Sarah", last_name: "Miller" }
      : null,
    line_items: (o.lines ?? [{ id: o.id * 10, productId: 9001, title: "Linen Shirt", price: o.total ?? "100.00" }]).map(
      (l) => ({
        id: l.id,
        product_id: l.productId,
        variant_id: l.variantId ?? null,
        title: l.title,
        quantity: 1,
        price: l.price,
      }),
    ),
  };
}

export function refundPayload(r: { id: number; orderId: number; amount: string; createdAt?: string }) {
  return {
    id: r.id,
    order_id: r.orderId,
    created_at: r.createdAt ?? "2026-11-21T10:00:00Z",
    transactions: [{ amount: r.amount, kind: "refund", status: "success" }],
  };
}

export function customerPayload(c: {
  id: number;
  email?: string | null;
  phone?: string | null;
  firstName?: string;
  lastName?: string;
  updatedAt?: string;
}) {
  const at = c.updatedAt ?? "2026-11-01T10:00:00Z";
  return {
    id: c.id,
    email: c.email ?? null,
    phone: c.phone ?? null,
    first_name: c.firstName ?? "Sarah",
    last_name: c.lastName ?? "Miller",
    created_at: at,
    updated_at: at,
  };
}
