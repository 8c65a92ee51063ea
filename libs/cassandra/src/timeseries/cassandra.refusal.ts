import { errorsClassified, StoreRefusedError } from '@smartgrid/hybrid-storage';
import { errors, types } from 'cassandra-driver';

/**
 * Whether Cassandra refused the data itself. Two cases: the driver could not encode a value
 * for its column (a TypeError or RangeError from the encoder, before anything is sent), and
 * the server's Invalid answer about the request's content (an oversized mutation or key).
 * An Invalid answer about the schema (a table not created yet while migrations are pending)
 * and every other error — no host, timeouts, overload — mean unavailable.
 */
export function asCassandraError(err: unknown): unknown {
  if (err instanceof TypeError || err instanceof RangeError) {
    return new StoreRefusedError('cassandra', `cassandra driver could not encode the rows: ${err.message}`, 'encode');
  }
  if (err instanceof errors.ResponseError && err.code === types.responseErrorCodes.invalid) {
    if (/unconfigured table|does not exist|keyspace/i.test(err.message)) return err;
    return new StoreRefusedError('cassandra', `cassandra refused the rows: ${err.message}`, `0x${err.code.toString(16)}`);
  }
  return err;
}

/** Runs `work`, turning Cassandra's refusals into StoreRefusedError. */
export function cassandraRefusalsClassified<T>(work: () => Promise<T>): Promise<T> {
  return errorsClassified(work, asCassandraError);
}
