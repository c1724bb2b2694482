/**
 * The error `onError` receives when a handler's JSON response does not match the OpenAPI document
 * (with `openapi.validateResponses`). The client gets a generic 500 problem; this error, with the
 * failing fields (never their values), is for the logs.
 */
import type { FieldError } from "../errors/security-error.js";

/** A response that does not match its operation's declared responses. */
export class ResponseValidationError extends Error {
  /** The operation, e.g. `GET /orders/{orderId}`. */
  readonly operation: string;
  /** Where the response differs from the document. */
  readonly errors: readonly FieldError[];

  /** Builds the error for `operation`. */
  constructor(operation: string, errors: readonly FieldError[]) {
    super(`The response of ${operation} does not match the OpenAPI document: ${errors.map((e) => `${e.path} ${e.message}`).join("; ")}`);
    this.name = "ResponseValidationError";
    this.operation = operation;
    this.errors = Object.freeze([...errors]);
  }
}
