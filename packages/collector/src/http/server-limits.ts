/** What the HTTP server allows a client (docs/operations.md, "Limits and timeouts"). */
export interface ServerLimits {
  /** A request's headers must all arrive within this time of its first byte, else 408 and the connection is closed. @defaultValue 10 000 */
  headersTimeoutMs: number;
  /** A whole request, body included, must arrive within this time, else 408 and the connection is closed. @defaultValue 30 000 */
  requestTimeoutMs: number;
  /**
   * An idle kept-alive connection is closed after this time. Longer than the usual 60 s of
   * proxies in front, so that they close first and never send on a closing connection.
   * @defaultValue 65 000
   */
  keepAliveTimeoutMs: number;
  /** Connections over this many are closed as they come. @defaultValue 4096 */
  maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 4096,
});
