/**
 * okta-local reached the way the provider reaches a real org: at
 * `https://<okta:orgName>.<okta:baseUrl>`, with no `okta:httpProxy`.
 *
 * Why: with `okta:httpProxy` set, each of the provider's Okta SDKs replaces
 * the HTTP client the provider built for it with a bare proxy transport
 * (okta-sdk-golang v4/v5/v6 `NewAPIClient`: `if cfg.Okta.Client.Proxy.Host
 * != ""` … `cfg.HTTPClient = &http.Client{Transport: &transport}`; the
 * provider sets the proxy host in terraform-provider-okta
 * `okta/api/api.go` and `okta/api/idaas.go`, and its v2 SDK takes the v3
 * client's). go-retryablehttp (`okta:backoff`, `okta:minWaitSeconds`,
 * `okta:maxWaitSeconds`, `okta:maxRetries`) and the `okta:maxApiCapacity`
 * governor are then never in the path. Without `okta:httpProxy` they are, as
 * on a real org.
 *
 * So this front is an HTTPS proxy for the CLI's plugins (`HTTPS_PROXY`, which
 * Go's `http.ProxyFromEnvironment` reads, as go-cleanhttp's transports do):
 * it accepts `CONNECT <host>:443` for the one org host only, answers TLS with
 * a certificate made for that host by the `openssl` CLI (trusted through
 * `SSL_CERT_FILE`, which Go reads on Linux), and pipes the decrypted stream to
 * okta-local. A dropped connection upstream drops the tunnel.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, TLSSocket } from "node:tls";

/** The org as the provider names it from `okta:orgName` and `okta:baseUrl`: a reserved name, never a real org. */
export const FRONT_ORG = { orgName: "okta-local", baseUrl: "example.com" } as const;
export const FRONT_HOST = `${FRONT_ORG.orgName}.${FRONT_ORG.baseUrl}`;

const LOOPBACK = "127.0.0.1,localhost,::1";

export interface HttpsFront {
  /** What the CLI's environment needs so its plugins reach okta-local through the front. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** A self-signed certificate for `host`, made by `openssl` into `dir`. */
function certificateFor(host: string, dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host}`, "-keyout", keyFile, "-out", certFile],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(missing ? "the fault suite makes its test certificate with the openssl CLI, which is not on PATH (Debian: apt-get install openssl)" : `openssl could not make a certificate for ${host}: ${String(error)}`);
  }
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile };
}

/** Starts the front for the okta-local org at `orgUrl` (`http://127.0.0.1:<port>`). */
export async function httpsFront(orgUrl: string): Promise<HttpsFront> {
  const upstream = new URL(orgUrl);
  const dir = mkdtempSync(join(tmpdir(), "okta-front-"));
  const { key, cert, certFile } = certificateFor(FRONT_HOST, dir);
  const secureContext = createSecureContext({ key, cert });
  const sockets = new Set<Socket>();
  const proxy = createServer((_request, response) => response.writeHead(405).end("CONNECT only\n"));
  proxy.on("connect", (request: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    if (request.url !== `${FRONT_HOST}:443`) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) client.unshift(head);
    const tls = new TLSSocket(client, { isServer: true, secureContext });
    const org = connect(Number(upstream.port), upstream.hostname);
    sockets.add(org);
    org.once("close", () => sockets.delete(org));
    const drop = () => {
      tls.destroy();
      org.destroy();
    };
    tls.on("error", drop);
    org.on("error", drop);
    // okta-local's drop fault destroys its socket without an answer: the provider must see the same.
    org.on("close", drop);
    tls.on("close", drop);
    tls.pipe(org);
    org.pipe(tls);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const proxyUrl = `http://127.0.0.1:${port}`;
  return {
    // The engine's own gRPC (the Node.js language host's grpc-js reads https_proxy too) stays direct.
    env: { HTTPS_PROXY: proxyUrl, https_proxy: proxyUrl, NO_PROXY: LOOPBACK, no_proxy: LOOPBACK, SSL_CERT_FILE: certFile },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
