/** One invalid input, named by its dotted path (`password`, `details.ip`, `body`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The JSON body of every error answer from both apps. `fields` is present on 400s caused by
 * bad input; `requestId` echoes the X-Request-Id of the request so logs can be correlated.
 */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  fields?: FieldError[];
  requestId?: string;
}
