/**
 * The one thing the core may do to a response directly: set or remove headers. Each adapter gives
 * the core a sink over its framework's response object.
 */

/** Header access to the response under construction. */
export interface ResponseSink {
  /** Sets a response header, replacing any earlier value. */
  setHeader(name: string, value: string): void;
  /** Removes a response header. */
  removeHeader(name: string): void;
}
