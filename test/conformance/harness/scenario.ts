/**
 * A conformance scenario: a request in, and the status, headers and body shape expected out.
 */

/** One scenario. */
export interface Scenario {
  readonly name: string;
  readonly request: {
    readonly method: string;
    readonly path: string;
    readonly headers?: Readonly<Record<string, string>>;
    /** Raw body bytes or text; sent as is. */
    readonly body?: string | Buffer;
  };
  readonly expect: {
    /** The status, or the allowed statuses. */
    readonly status: number | readonly number[];
    /** The problem `code`, for problem responses. */
    readonly code?: string;
    /** Headers that must be present (exact value or pattern). */
    readonly headers?: Readonly<Record<string, string | RegExp>>;
    /** Headers that must be absent. */
    readonly absentHeaders?: readonly string[];
    /** Text that must not appear anywhere in the response body. */
    readonly bodyExcludes?: readonly string[];
    /** Further checks on the parsed JSON body. */
    readonly body?: (body: unknown) => void;
  };
}
