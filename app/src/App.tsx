import { useEffect, useState } from "react";
import { useConnect, useConnection, useConnectors, useDisconnect } from "wagmi";

import { AgreementList } from "./components/AgreementList.js";
import { AgreementPage } from "./components/AgreementPage.js";
import { parseRoute } from "./lib/route.js";
import { TxProvider, TxStatus } from "./tx.js";

function useHashRoute() {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return parseRoute(hash);
}

function Wallet() {
  const { address, isConnected } = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  if (isConnected && address)
    return (
      <div className="wallet">
        <span data-testid="wallet-address" className="mono" title={address}>
          {address}
        </span>
        <button type="button" onClick={() => disconnect.mutate()}>
          Disconnect
        </button>
      </div>
    );
  const connector = connectors.find((c) => c.id === "injected") ?? connectors[0];
  return (
    <div className="wallet">
      <button
        type="button"
        data-testid="connect-wallet"
        disabled={!connector || connect.isPending}
        onClick={() => connector && connect.mutate({ connector })}
      >
        {connect.isPending ? "Connecting…" : "Connect wallet"}
      </button>
      {connect.error && (
        <span className="error" role="alert">
          {connect.error.message.split("\n")[0]}
        </span>
      )}
    </div>
  );
}

export function App() {
  const route = useHashRoute();
  return (
    <TxProvider>
      <header className="top">
        <a href="#/" className="brand">
          gengov
        </a>
        <Wallet />
      </header>
      <TxStatus />
      <main className="page">
        {route.page === "list" && <AgreementList />}
        {route.page === "agreement" && <AgreementPage id={route.id} />}
        {route.page === "unknown" && (
          <p className="error">
            No page at {route.hash}. <a href="#/">Agreements</a>
          </p>
        )}
      </main>
    </TxProvider>
  );
}
