/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_GENGOV_RPC?: string;
  readonly VITE_GENGOV_HUB?: string;
}
