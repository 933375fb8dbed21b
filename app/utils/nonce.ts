/**
 * The nonce of this response's inline scripts (the Content-Security-Policy allows an inline script
 * only with it; see server/http/security-headers.ts). app/entry.server.tsx provides it while the
 * page is rendered on the server; in the browser it is empty (Remix's scripts are not rendered again
 * after hydration, and browsers hide a nonce from the page's own code anyway).
 */
import { createContext, useContext } from "react";

export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
