/** The app's runtime configuration and hash routes. */
import { expect } from "chai";
import { getAddress } from "viem";

import { runtimeConfig } from "../../app/src/lib/config.js";
import { parseRoute } from "../../app/src/lib/route.js";

const HUB = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const env = { VITE_GENGOV_RPC: "http://127.0.0.1:8545", VITE_GENGOV_HUB: HUB };

describe("app: runtime config and routes", () => {
  it("the environment, with the query taking precedence", () => {
    expect(runtimeConfig(env, "")).to.deep.equal({ config: { rpc: env.VITE_GENGOV_RPC, hub: HUB } });
    const other = "0x0000000000000000000000000000000000000abc";
    expect(runtimeConfig(env, `?rpc=http%3A%2F%2Flocalhost%3A9999&hub=${other}`)).to.deep.equal({
      config: { rpc: "http://localhost:9999", hub: getAddress(other) },
    });
  });

  it("one message naming what is missing or malformed", () => {
    expect(runtimeConfig({}, "")).to.deep.equal({
      error: "no RPC URL: open the app with ?rpc=<url> or set VITE_GENGOV_RPC",
    });
    expect(runtimeConfig({ VITE_GENGOV_RPC: "http://x" }, ""))
      .to.have.property("error")
      .that.match(/^no hub/);
    expect(runtimeConfig(env, "?hub=0x12")).to.deep.equal({ error: 'hub: "0x12" is not an address' });
    expect(runtimeConfig(env, "?rpc=ws://a")).to.deep.equal({ error: 'rpc: "ws://a" is not an http(s) URL' });
  });

  it("hash routes", () => {
    expect(parseRoute("")).to.deep.equal({ page: "list" });
    expect(parseRoute("#/")).to.deep.equal({ page: "list" });
    expect(parseRoute("#/agreement/12")).to.deep.equal({ page: "agreement", id: 12n });
    expect(parseRoute("#/agreement/x")).to.deep.equal({ page: "unknown", hash: "#/agreement/x" });
  });
});
