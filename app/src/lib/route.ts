/** The hash routes: `#/` (agreement list) and `#/agreement/<id>`. */
export type Route = { page: "list" } | { page: "agreement"; id: bigint } | { page: "unknown"; hash: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  if (path === "/" || path === "") return { page: "list" };
  const m = /^\/agreement\/(\d{1,30})\/?$/.exec(path);
  if (m) return { page: "agreement", id: BigInt(m[1]) };
  return { page: "unknown", hash };
}

export const agreementHref = (id: bigint | string) => `#/agreement/${id}`;
