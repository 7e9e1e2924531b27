/**
 * Where the session token comes from. Inside Shopify admin, App Bridge mints a fresh one per call
 * (`shopify.idToken()`); standalone in development, it is `?token=` once, then sessionStorage, or pasted.
 */
export const TOKEN_KEY = "c360.admin.token";

export interface TokenSources {
  search: string;
  stored: string | null;
}

/** The token to use and whether the URL should be cleaned of it (it should not linger in history). */
export function pickDevToken(src: TokenSources): { token: string | null; fromUrl: boolean } {
  const fromUrl = new URLSearchParams(src.search).get("token")?.trim();
  if (fromUrl) return { token: fromUrl, fromUrl: true };
  return { token: src.stored?.trim() || null, fromUrl: false };
}

/** The search string with `token` removed. */
export function withoutToken(search: string): string {
  const p = new URLSearchParams(search);
  p.delete("token");
  const s = p.toString();
  return s ? `?${s}` : "";
}

interface AppBridge {
  idToken(): Promise<string>;
}
/** App Bridge only when the admin runs framed inside Shopify admin; loaded standalone it has no session to give. */
const appBridge = (): AppBridge | null => {
  const s = (globalThis as { shopify?: Partial<AppBridge> }).shopify;
  const framed = typeof window !== "undefined" && window.top !== window.self;
  return framed && typeof s?.idToken === "function" ? (s as AppBridge) : null;
};

export const embedded = () => appBridge() !== null;

/** Reads `?token=` into sessionStorage once at start. */
export function captureDevToken(): void {
  const { token, fromUrl } = pickDevToken({ search: location.search, stored: sessionStorage.getItem(TOKEN_KEY) });
  if (token && fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(history.state, "", `${location.pathname}${withoutToken(location.search)}${location.hash}`);
  }
}

export const storedToken = () => sessionStorage.getItem(TOKEN_KEY);
export const saveToken = (token: string) => sessionStorage.setItem(TOKEN_KEY, token.trim());
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

export async function currentToken(): Promise<string | null> {
  const bridge = appBridge();
  if (bridge) return bridge.idToken();
  return storedToken();
}
