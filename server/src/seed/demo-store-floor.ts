import type { prng } from "./generate";
import { consentTexts, type DemoClient } from "./demo-client";
import { DEMO_LOCATIONS, type DemoPeople } from "./demo-people";

type Rnd = ReturnType<typeof prng>;
const DAY = 86_400_000;

/** A sign-up typed on a tablet: no Shopify customer yet, a birthday for the loyalty club. */
interface SignUp {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  birthday: string;
  daysAgo: number;
  emailConsent: boolean;
}

/**
 * Look-alike pairs signed up twice on different tablets, a typo or a nickname apart, with the same
 * birthday and different emails: nothing links them for certain, so the whole-shop pass proposes them
 * as probable duplicates for a person to decide (SPEC: probabilistic matches only create candidates).
 */
const FRONT_DESK: SignUp[] = [
  {
    firstName: "Katherine",
    lastName: "Novak",
    email: "katherine.novak@example-mail.com",
    phone: "+14155550191",
    birthday: "1988-04-12",
    daysAgo: 9,
    emailConsent: true,
  },
  {
    firstName: "Jonathan",
    lastName: "Ito",
    email: "jonathan.ito@example-mail.com",
    phone: null,
    birthday: "1979-09-30",
    daysAgo: 6,
    emailConsent: false,
  },
  {
    firstName: "Sofia",
    lastName: "Rossi",
    email: "sofia.rossi@example-mail.com",
    phone: "+14155550164",
    birthday: "1992-01-17",
    daysAgo: 12,
    emailConsent: true,
  },
  {
    firstName: "Noor",
    lastName: "Haddad",
    email: "noor.haddad@example-mail.com",
    phone: "+14155550108",
    birthday: "1995-06-03",
    daysAgo: 2,
    emailConsent: true,
  },
  {
    firstName: "Felix",
    lastName: "Brennan",
    email: "felix.brennan@example-mail.com",
    phone: null,
    birthday: "1984-11-21",
    daysAgo: 1,
    emailConsent: false,
  },
];
const MARKET_STALL: SignUp[] = [
  {
    firstName: "Kathrine",
    lastName: "Novak",
    email: "kat.novak@studio-mail.com",
    phone: null,
    birthday: "1988-04-12",
    daysAgo: 4,
    emailConsent: false,
  },
  {
    firstName: "Jon",
    lastName: "Ito",
    email: "jon.ito@work-mail.com",
    phone: null,
    birthday: "1979-09-30",
    daysAgo: 4,
    emailConsent: true,
  },
  {
    firstName: "Sophia",
    lastName: "Rossi",
    email: "sophia.r@example-mail.com",
    phone: null,
    birthday: "1992-01-17",
    daysAgo: 4,
    emailConsent: false,
  },
  {
    firstName: "Ama",
    lastName: "Patel",
    email: "ama.patel@example-mail.com",
    phone: "+14155550133",
    birthday: "1990-02-14",
    daysAgo: 4,
    emailConsent: true,
  },
];

async function pairTablet(client: DemoClient, locationId: string, deviceName: string) {
  const { code } = await client.admin<{ code: string }>("POST", "/api/devices/pairing-codes", { locationId });
  return client.open<{ deviceId: string; token: string }>("POST", "/api/sync/pair", { code, deviceName });
}

/**
 * The store floor: a front-desk iPad and a market-stall tablet paired with codes from the admin, an
 * old till tablet paired and later revoked; visits logged for customers who come in without buying
 * (engaged), and sign-ups with their email consent, pushed through the sync protocol like the PWA.
 */
export async function seedStoreFloor(client: DemoClient, people: DemoPeople, rnd: Rnd, uuid: () => string, now: Date) {
  const texts = await consentTexts(client);
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY - rnd.int(1, 6) * 3_600_000).toISOString();
  const frontDesk = await pairTablet(client, DEMO_LOCATIONS[0].id, "Front desk iPad");
  const stall = await pairTablet(client, DEMO_LOCATIONS[2].id, "Saturday market tablet");
  const oldTill = await pairTablet(client, DEMO_LOCATIONS[1].id, "Old till tablet");
  await client.admin("DELETE", `/api/devices/${oldTill.deviceId}`);

  const push = async (
    device: { token: string },
    clientId: string,
    changes: { name: string; args: Record<string, unknown>; createdAt: string }[],
  ) => {
    const mutations = changes.map((m, i) => ({ seq: i + 1, id: uuid(), ...m }));
    for (let i = 0; i < mutations.length; i += 500) {
      await client.device(device.token, "POST", "/api/sync/push", { clientId, mutations: mutations.slice(i, i + 500) });
    }
  };
  const signUps = (list: SignUp[], locationId: string) =>
    list.flatMap((s) => {
      const localId = uuid();
      const createdAt = at(s.daysAgo);
      const { daysAgo: _d, emailConsent, ...person } = s;
      const email = texts.get("email")!;
      return [
        { name: "customer.capture", args: { localId, ...person }, createdAt },
        ...(emailConsent
          ? [
              {
                name: "consent.record",
                args: {
                  localId,
                  channel: "email",
                  action: "granted",
                  textVersion: email.version,
                  text: email.text,
                  locale: "en",
                  staffId: "staff-lea",
                  jurisdiction: "US-CA",
                },
                createdAt,
              },
            ]
          : []),
        { name: "visit.log", args: { localId, locationId, at: createdAt }, createdAt },
      ];
    });

  // Customers who come in, browse and leave: visits without orders make them engaged.
  const visits = people.customers.flatMap((c) =>
    c.visits.map((v) => ({
      name: "visit.log",
      args: { shopifyCustomerId: c.shopifyId, locationId: c.locationId, at: v.toISOString() },
      createdAt: v.toISOString(),
    })),
  );
  visits.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  await push(frontDesk, "front-desk-ipad", [...visits, ...signUps(FRONT_DESK, DEMO_LOCATIONS[0].id)]);
  await push(stall, "saturday-market-tablet", signUps(MARKET_STALL, DEMO_LOCATIONS[2].id));
}
