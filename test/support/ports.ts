/** Free loopback ports, for suites whose test files run in parallel and must not share a fixed port. */
import { createServer } from "node:net";

/** A port nothing listens on now on 127.0.0.1 (another process could still take it before the caller does). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
